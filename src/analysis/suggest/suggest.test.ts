import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { buildFromTexts, type ManifestText } from '../../api/index.ts';
import { parseManifests } from '../../parse/index.ts';
import { discoverFlows, readFlowsFile, type Flow } from '../flows/index.ts';
import { analyseCluster } from '../../pipeline/index.ts';
import { failsAt } from '../doctor/index.ts';
import { renderPoliciesYaml } from '../../render/policies-yaml.ts';
import { suggestPolicies } from './index.ts';
import { computeMatrix, matrixEntries } from '../matrix/index.ts';
import { PolicyEngine } from '../policy/index.ts';

const dir = (d: string): ManifestText[] =>
  readdirSync(d)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ file: `${d}/${f}`, text: readFileSync(`${d}/${f}`, 'utf8') }));
const flowsOf = (file: string): Flow[] =>
  readFlowsFile(parseManifests([{ file, text: readFileSync(file, 'utf8') }]).objects, (d) =>
    assert.fail(d.message),
  );

/** The cluster with the policies `--replace` drops deleted, as the YAML header asks. */
const withoutDropped = (c: ReturnType<typeof buildFromTexts>, dropped: readonly string[]) => ({
  ...c,
  model: { ...c.model, networkPolicies: c.model.networkPolicies.filter((p) => !dropped.includes(p.key)) },
});

/** Suggests, applies the YAML beside the manifests, and rebuilds the cluster from both, as a user would. */
function applied(texts: ManifestText[], flows: Flow[], options = {}) {
  const before = buildFromTexts(texts);
  const s = suggestPolicies(before.model, flows, options);
  const yaml = renderPoliciesYaml(before.model, s);
  const after = buildFromTexts([...texts, { file: 'suggested.yaml', text: yaml }]);
  assert.deepEqual(
    after.diagnostics.filter((d) => d.source?.file === 'suggested.yaml' && d.severity !== 'info'),
    [],
  );
  return { s, yaml, after: after.model, cluster: after };
}

test('suggest policies on e-commerce as-documented with its flows: every needed connection allowed, nothing else in the matrix', () => {
  const flows = flowsOf('examples/e-commerce/flows.yaml');
  const { s, after } = applied(dir('examples/e-commerce/as-documented'), flows);
  assert.deepEqual(s.check.denied, []);
  assert.deepEqual(s.check.extra, []);
  // Re-proved on the cluster rebuilt from the YAML (not the records the suggestion checked itself).
  const again = suggestPolicies(after, flows);
  assert.deepEqual([again.check.denied, again.check.extra, again.policies.length], [[], [], 0]);
});

test('suggest policies on e-commerce as-documented --replace: 8/9 flows delivered (the 9th is TLS, no policy matter), doctor finds no other error', () => {
  const flows = flowsOf('examples/e-commerce/flows.yaml');
  const { s, cluster } = applied(dir('examples/e-commerce/as-documented'), flows, { replace: true });
  assert.deepEqual([s.check.denied, s.check.extra], [[], []]);
  const kept = withoutDropped(cluster, s.dropped);
  const a = analyseCluster(kept, { flows, now: '2026-11-01T00:00:00Z' });
  const broken = a.traces.flatMap((t) => t.steps).filter((x) => x.trace.outcome !== 'delivered');
  assert.deepEqual(
    broken.map((b) => b.trace.failure?.reason.split(':')[0]),
    ['TLS'],
  );
  assert.equal(a.traces.filter((t) => t.outcome === 'delivered').length, 8);
  // The only errors left are the missing certificate and the flow step it breaks.
  const errors = a.findings.filter((f) => f.severity === 'error');
  assert.deepEqual(errors.map((f) => f.code).sort(), ['flow-blocked', 'tls-certificate-problem']);
  assert.ok(
    errors.every((f) => /TLS|certificate|api-tls-cert/.test(f.message)),
    errors.map((f) => f.message).join('\n'),
  );
});

test('suggest policies on e-commerce fixed/ --replace: 9/9 flows delivered, nothing else allowed, doctor --fail-on error clean', () => {
  const flows = flowsOf('examples/e-commerce/flows.yaml');
  const { s, cluster } = applied(dir('examples/e-commerce/fixed'), flows, { replace: true });
  assert.deepEqual([s.check.denied, s.check.extra], [[], []]);
  // fixed/'s own policies are replaced: applying means deleting them, as the YAML header says.
  const kept = withoutDropped(cluster, s.dropped);
  const a = analyseCluster(kept, { flows, now: '2026-11-01T00:00:00Z' });
  assert.equal(a.traces.filter((t) => t.outcome === 'delivered').length, 9);
  assert.equal(
    failsAt(a.findings, 'error'),
    false,
    a.findings
      .filter((f) => f.severity === 'error')
      .map((f) => f.message)
      .join('\n'),
  );
});

test('suggest policies on Online Boutique with discovered flows: all delivered, nothing else, doctor clean; deterministic', () => {
  const texts = [
    {
      file: 'ob.yaml',
      text: readFileSync('testdata/apps/online-boutique/kubernetes-manifests.yaml', 'utf8'),
    },
  ];
  const flows = [...discoverFlows(buildFromTexts(texts).model).flows];
  const { s, yaml, cluster } = applied(texts, flows);
  assert.deepEqual([s.check.denied, s.check.extra], [[], []]);
  const a = analyseCluster(cluster, { flows, now: '2026-11-01T00:00:00Z' });
  assert.ok(a.traces.every((t) => t.outcome === 'delivered'));
  assert.deepEqual(
    a.findings.filter((f) => f.severity === 'error').map((f) => f.message),
    [],
  );
  assert.match(
    yaml,
    /# calls of default\/frontend: default\/frontend → tcp:\/\/adservice:9555 \(ob\.yaml:\d+\)/,
  );
  assert.equal(
    renderPoliciesYaml(buildFromTexts(texts).model, suggestPolicies(buildFromTexts(texts).model, flows)),
    yaml,
  );
});

const deployment = (ns: string, name: string, port: number) => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${ns}}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      containers: [{name: c, image: x, ports: [{containerPort: ${port}, name: p${port}}]}]
---
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec: {selector: {app: ${name}}, ports: [{port: ${port}}]}
`;

test('property: on random clusters with random flows, the suggested policies deliver every flow and allow no pair outside them', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 2, max: 5 }),
      fc.array(fc.tuple(fc.nat(4), fc.nat(4)), { minLength: 1, maxLength: 6 }),
      fc.boolean(),
      fc.constantFrom('none', 'deny-ingress', 'replace'),
      (n, pairs, twoNs, existing) => {
        const apps = Array.from({ length: n }, (_, i) => ({
          ns: twoNs && i % 2 ? 'b' : 'a',
          name: `w${i}`,
          port: 8000 + i,
        }));
        // An existing default deny of ingress in `a` (kept: the engine judges what it already admits) or dropped.
        const deny = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-in, namespace: a}
spec: {podSelector: {}, policyTypes: [Ingress]}
`;
        const texts = [
          {
            file: 'r.yaml',
            text:
              apps.map((a) => deployment(a.ns, a.name, a.port)).join('') + (existing === 'none' ? '' : deny),
          },
        ];
        const flows: Flow[] = [
          {
            name: 'random',
            origin: 'flows-file',
            steps: pairs
              .map(([x, y]) => [apps[x % n], apps[y % n]] as const)
              .filter(([a, b]) => a !== b)
              .map(([a, b]) => ({
                from: { kind: 'ref' as const, namespace: a.ns, name: a.name },
                to: {
                  kind: 'url' as const,
                  scheme: 'tcp' as const,
                  host: `${b.name}.${b.ns}`,
                  port: b.port,
                  path: '/',
                  protocol: 'TCP' as const,
                },
                text: `${a.name} → ${b.name}`,
              })),
          },
        ];
        const { s, cluster } = applied(texts, flows, { replace: existing === 'replace' });
        assert.deepEqual([s.check.denied, s.check.extra], [[], []]);
        const kept = withoutDropped(cluster, s.dropped);
        const a = analyseCluster(kept, { flows, discover: false });
        assert.ok(a.traces.every((t) => t.outcome === 'delivered'));
        // Independently of the suggestion's own check: the matrix of the rebuilt cluster allows only flow pairs.
        const wanted = new Set(
          flows[0].steps.map((st) => {
            const to = st.to as { host: string; port: number };
            const [name, ns] = to.host.split('.');
            return `${st.from.kind === 'ref' ? `${st.from.namespace}/${st.from.name}` : ''} ${ns}/${name} ${to.port}`;
          }),
        );
        const m = computeMatrix(new PolicyEngine(kept.model), { by: 'workload', namespaces: ['a', 'b'] });
        for (const e of matrixEntries(m))
          assert.ok(wanted.has(`${e.from} ${e.to} ${e.port}`), `${e.from} ${e.to} ${e.port}`);
      },
    ),
    { numRuns: 20, seed: 14 },
  );
});
