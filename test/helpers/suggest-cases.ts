/**
 * Shared by the suggest tests (NetworkPolicy and Cilium): manifests from a folder, flows from a flows file, the
 * suggestion applied as a user would (YAML beside the manifests, cluster rebuilt), and the random clusters of the
 * property tests with the checks they must pass.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { buildFromTexts, type ManifestText } from '../../src/api/index.ts';
import { parseManifests } from '../../src/parse/index.ts';
import { readFlowsFile, type Flow } from '../../src/analysis/flows/index.ts';
import { analyseCluster } from '../../src/pipeline/index.ts';
import { renderPoliciesYaml } from '../../src/render/policies-yaml.ts';
import { suggestPolicies, type SuggestOptions } from '../../src/analysis/suggest/index.ts';
import { computeMatrix, matrixEntries } from '../../src/analysis/matrix/index.ts';
import { PolicyEngine } from '../../src/analysis/policy/index.ts';

export const dir = (d: string): ManifestText[] =>
  readdirSync(d)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => ({ file: `${d}/${f}`, text: readFileSync(`${d}/${f}`, 'utf8') }));

export const flowsOf = (file: string): Flow[] =>
  readFlowsFile(parseManifests([{ file, text: readFileSync(file, 'utf8') }]).objects, (d) =>
    assert.fail(d.message),
  );

/** The cluster with the policies `--replace` drops deleted, as the YAML header asks. */
export const withoutDropped = (c: ReturnType<typeof buildFromTexts>, dropped: readonly string[]) => ({
  ...c,
  model: {
    ...c.model,
    networkPolicies: c.model.networkPolicies.filter((p) => !dropped.includes(p.key)),
    ciliumPolicies: c.model.ciliumPolicies?.filter((p) => !dropped.includes(p.key)),
  },
});

/** Suggests, applies the YAML beside the manifests, and rebuilds the cluster from both, as a user would. */
export function applied(texts: ManifestText[], flows: Flow[], options: SuggestOptions = {}) {
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

/** A ClusterProfile naming Cilium as the CNI (the Cilium tier enforces CiliumNetworkPolicy only then). */
export const ciliumProfile: ManifestText = {
  file: 'kubetwin.yaml',
  text: 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: cilium, enforcesNetworkPolicy: true}\n',
};

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

/** One random cluster: 2-5 workloads in one or two namespaces, random calls, maybe a kept or dropped policy. */
export interface RandomCase {
  readonly texts: ManifestText[];
  readonly flows: Flow[];
  readonly replace: boolean;
}

export const randomCase: fc.Arbitrary<RandomCase> = fc
  .tuple(
    fc.integer({ min: 2, max: 5 }),
    fc.array(fc.tuple(fc.nat(4), fc.nat(4)), { minLength: 1, maxLength: 6 }),
    fc.boolean(),
    fc.constantFrom('none', 'deny-ingress', 'replace'),
  )
  .map(([n, pairs, twoNs, existing]) => {
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
        text: apps.map((a) => deployment(a.ns, a.name, a.port)).join('') + (existing === 'none' ? '' : deny),
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
    return { texts, flows, replace: existing === 'replace' };
  });

/**
 * The property every dialect must hold on a random case: the suggestion proves itself, the rebuilt cluster delivers
 * every flow, and — independently of the suggestion's own check — its workload matrix allows only flow pairs.
 */
export function checkRandomCase(c: RandomCase, options: SuggestOptions = {}): void {
  const { s, cluster } = applied(c.texts, c.flows, { ...options, replace: c.replace });
  assert.deepEqual([s.check.denied, s.check.extra], [[], []]);
  const kept = withoutDropped(cluster, s.dropped);
  const a = analyseCluster(kept, { flows: c.flows, discover: false });
  assert.ok(a.traces.every((t) => t.outcome === 'delivered'));
  const wanted = new Set(
    c.flows[0].steps.map((st) => {
      const to = st.to as { host: string; port: number };
      const [name, ns] = to.host.split('.');
      return `${st.from.kind === 'ref' ? `${st.from.namespace}/${st.from.name}` : ''} ${ns}/${name} ${to.port}`;
    }),
  );
  const m = computeMatrix(new PolicyEngine(kept.model), { by: 'workload', namespaces: ['a', 'b'] });
  for (const e of matrixEntries(m))
    assert.ok(wanted.has(`${e.from} ${e.to} ${e.port}`), `${e.from} ${e.to} ${e.port}`);
}
