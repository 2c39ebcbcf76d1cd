/**
 * `computeMatrix` reads class-level verdicts and per-class pod counts; these tests hold it to a plain per-pod
 * reference (every ordered pod pair and port through `PolicyEngine.explain`) on random clusters, for every
 * grouping, and check that large class counts complete and rows stream.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { PolicyEngine } from '../policy/index.ts';
import { labelsArb } from '../policy/_test-arbitraries.ts';
import { computeMatrix, matrixEntries } from './index.ts';
import { referenceMatrix } from './_test-reference.ts';

const selectorArb = fc.oneof(fc.constant({}), fc.record({ matchLabels: labelsArb }));
const peerArb = fc.oneof(
  fc.record({ podSelector: selectorArb }),
  fc.record({ namespaceSelector: selectorArb, podSelector: selectorArb }),
  fc.record({ ipBlock: fc.constantFrom({ cidr: '10.244.0.0/16' }, { cidr: '172.18.0.0/16' }) }),
);
const portArb = fc.oneof(
  fc.record({ port: fc.constantFrom(80, 53, 'http'), protocol: fc.constantFrom('TCP', 'UDP') }),
  fc.record({ port: fc.constant(79), endPort: fc.constant(81) }),
);
const ruleArb = (dir: 'from' | 'to') =>
  fc.record(
    { [dir]: fc.array(peerArb, { maxLength: 2 }), ports: fc.array(portArb, { maxLength: 2 }) },
    { requiredKeys: [] },
  );
const policyArb = fc.record({
  ns: fc.constantFrom('n0', 'n1'),
  podSelector: selectorArb,
  policyTypes: fc.option(fc.subarray(['Ingress', 'Egress'], { minLength: 1 }), { nil: undefined }),
  ingress: fc.array(ruleArb('from'), { maxLength: 2 }),
  egress: fc.array(ruleArb('to'), { maxLength: 2 }),
});
const containerPorts = [
  { name: 'http', containerPort: 80 },
  { name: 'http', containerPort: 8080 },
  { name: 'dns', containerPort: 53, protocol: 'UDP' },
];
/** A bare pod or a Deployment of 2–3 replicas (its pods share labels and ports: one workload group). */
const podArb = fc.record({
  ns: fc.constantFrom('n0', 'n1'),
  labels: labelsArb,
  ports: fc.subarray([0, 1, 2], { maxLength: 2 }),
  hostNetwork: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
  replicas: fc.constantFrom(0, 0, 2, 3),
});
const clusterArb = fc.record({
  pods: fc.array(podArb, { minLength: 1, maxLength: 5 }),
  policies: fc.array(policyArb, { maxLength: 3 }),
  /** Sometimes an AdminNetworkPolicy (the matrix then asks `allows` per class pair) or a CNI that does not enforce. */
  tier: fc.constantFrom('networkpolicy', 'networkpolicy', 'admin', 'not-enforced'),
});
type Cluster = ReturnType<typeof clusterArb.generate>['value'];

function toYaml(c: Cluster): string {
  const docs: unknown[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n0', labels: { team: 'a' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n1', labels: { team: 'b' } } },
  ];
  c.pods.forEach((p, i) => {
    const ports = p.ports
      .map((j) => containerPorts[j])
      .filter((cp, k, all) => all.findIndex((o) => o.name === cp.name) === k);
    const spec = {
      containers: [{ name: 'c', image: 'i', ports }],
      ...(p.hostNetwork ? { hostNetwork: true } : {}),
    };
    const labels = { ...p.labels, id: `w${i}` };
    docs.push(
      p.replicas
        ? {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: `w${i}`, namespace: p.ns },
            spec: {
              replicas: p.replicas,
              selector: { matchLabels: { id: `w${i}` } },
              template: { metadata: { labels }, spec },
            },
          }
        : {
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: `p${i}`, namespace: p.ns, labels: p.labels },
            spec,
          },
    );
  });
  c.policies.forEach((p, i) =>
    docs.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `np${i}`, namespace: p.ns },
      spec: {
        podSelector: p.podSelector,
        ingress: p.ingress,
        egress: p.egress,
        ...(p.policyTypes ? { policyTypes: p.policyTypes } : {}),
      },
    }),
  );
  if (c.tier === 'admin')
    docs.push({
      apiVersion: 'policy.networking.k8s.io/v1alpha1',
      kind: 'AdminNetworkPolicy',
      metadata: { name: 'guard' },
      spec: {
        priority: 10,
        subject: { namespaces: { matchLabels: { team: 'a' } } },
        ingress: [{ name: 'deny-b', action: 'Deny', from: [{ namespaces: { matchLabels: { team: 'b' } } }] }],
      },
    });
  return docs.map((d) => JSON.stringify(d)).join('\n---\n');
}

const notEnforcing =
  'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: flannel, enforcesNetworkPolicy: false}\n';

test('property: every grouping of the matrix equals the per-pod reference, with and without denied entries', () => {
  fc.assert(
    fc.property(clusterArb, fc.boolean(), (c, askPorts) => {
      const built = buildYaml(toYaml(c), { profile: c.tier === 'not-enforced' ? notEnforcing : undefined });
      const engine = new PolicyEngine(built.model);
      const ports = askPorts
        ? [
            { port: 80, protocol: 'TCP' as const },
            { port: 53, protocol: 'UDP' as const },
          ]
        : undefined;
      for (const by of ['pod', 'workload', 'namespace'] as const) {
        const want = referenceMatrix(engine, by, ports);
        const m = computeMatrix(engine, { by, ports });
        assert.deepEqual(matrixEntries(m, { denied: true }), want, `${by}\n${toYaml(c)}`);
        assert.deepEqual(
          matrixEntries(m),
          want.filter((e) => e.allowedPairs > 0),
          `${by} (allowed only)`,
        );
      }
    }),
    { numRuns: 150, seed: 19 },
  );
});

test('a matrix over more classes than the old 4,096-class cache completes, counted per class', () => {
  // 4,200 pods with distinct labels, every one read by a policy: 4,200 classes, 17.6M class pairs (the old
  // per-bucket loop memoised each in one Map, past V8's 2^24 entries at this size with two ports).
  const N = 4200;
  const nodes = Array.from(
    { length: 40 },
    (_, i) => `{name: node-${i}, internalIP: 10.0.1.${i + 1}, podCIDR: 10.244.${i}.0/24}`,
  );
  const profile = `apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nnodes: [${nodes.join(', ')}]\n`;
  const docs = ['apiVersion: v1\nkind: Namespace\nmetadata: {name: big}'];
  for (let i = 0; i < N; i++)
    docs.push(
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}, namespace: big, labels: {id: "i${i}", ring: "r${i % 50}"}}\nspec: {containers: [{name: c, image: i, ports: [{containerPort: 80}, {containerPort: 81}]}]}`,
    );
  docs.push(
    'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ring, namespace: big}\nspec:\n  podSelector: {matchLabels: {ring: r0}}\n  ingress: [{from: [{podSelector: {matchLabels: {id: i1}}}], ports: [{port: 80}]}]',
  );
  const engine = new PolicyEngine(buildYaml(docs.join('\n---\n'), { profile }).model);
  assert.ok(engine.classes.length > 4096);
  const entries = matrixEntries(computeMatrix(engine, { by: 'namespace', namespaces: ['big'] }), {
    denied: true,
  });
  // Ring r0 (84 pods) admits only i1 on 80, nobody on 81; every other pod admits everyone.
  const pairs = N * (N - 1);
  const ring = N / 50;
  assert.deepEqual(
    entries.map((e) => `${e.port}/${e.protocol} ${e.allowedPairs}/${e.pairs}`),
    [`80/TCP ${pairs - ring * (N - 1) + ring}/${pairs}`, `81/TCP ${pairs - ring * (N - 1)}/${pairs}`],
  );
});

test('pod rows are computed one at a time, as they are read', () => {
  const built = buildYaml(
    toYaml({
      pods: [
        { ns: 'n0', labels: {}, ports: [0], hostNetwork: false, replicas: 3 },
        { ns: 'n1', labels: { app: 'a' }, ports: [2], hostNetwork: false, replicas: 0 },
      ],
      policies: [],
      tier: 'networkpolicy',
    }),
  );
  const m = computeMatrix(new PolicyEngine(built.model), { by: 'pod', namespaces: ['n0', 'n1'] });
  const rows = m.rows()[Symbol.iterator]();
  const first = rows.next();
  assert.equal(first.done, false);
  assert.equal(first.value.from, m.groups[0].name);
  assert.deepEqual(
    first.value.entries.map((e) => `${e.to} ${e.port}/${e.protocol} ${e.allowedPairs}/${e.pairs}`),
    m.groups.slice(1).map((g) => (g.namespace === 'n1' ? `${g.name} 53/UDP 1/1` : `${g.name} 80/TCP 1/1`)),
  );
  let n = 1;
  while (!rows.next().done) n++;
  assert.equal(n, 4);
});

test('more than 8 port slots (several passes of the reachability) equal the per-pod reference', () => {
  const ports = Array.from({ length: 12 }, (_, i) => 80 + i);
  const pod = (name: string, app: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: n0, labels: {app: ${app}}}\nspec: {containers: [{name: c, image: i, ports: [${ports.map((p) => `{containerPort: ${p}}`).join(', ')}]}]}`;
  const policy = (name: string, app: string, from: string, allowed: number[]) =>
    `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: ${name}, namespace: n0}\nspec:\n  podSelector: {matchLabels: {app: ${app}}}\n  ingress: [{from: [{podSelector: {matchLabels: {app: ${from}}}}], ports: [${allowed.map((p) => `{port: ${p}}`).join(', ')}]}]`;
  const admin =
    'apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: guard}\nspec:\n  priority: 1\n  subject: {pods: {namespaceSelector: {}, podSelector: {matchLabels: {app: c}}}}\n  ingress: [{name: deny-91, action: Deny, from: [{namespaces: {}}], ports: [{portNumber: {port: 91, protocol: TCP}}]}]';
  const base = [
    'apiVersion: v1\nkind: Namespace\nmetadata: {name: n0}',
    pod('a1', 'a'),
    pod('a2', 'a'),
    pod('b1', 'b'),
    pod('c1', 'c'),
    policy('to-a', 'a', 'b', [80, 82, 84, 86, 88, 90]),
    policy('to-c', 'c', 'a', [81, 83, 85, 87, 89, 91]),
  ];
  for (const docs of [base, [...base, admin]]) {
    const engine = new PolicyEngine(buildYaml(docs.join('\n---\n')).model);
    for (const by of ['pod', 'namespace'] as const) {
      const m = computeMatrix(engine, { by, namespaces: ['n0'] });
      const want = referenceMatrix(engine, by).filter(
        (e) => e.from.startsWith('n0') && e.to.startsWith('n0'),
      );
      assert.deepEqual(matrixEntries(m, { denied: true }), want, `${by}, ${docs.length} documents`);
    }
  }
});

test('property: rows restricted to some sources and destinations equal the full rows filtered alike (hostNetwork pods included); so do the rows of a matrix whose class verdicts are decided towards those destinations only', () => {
  fc.assert(
    fc.property(clusterArb, fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }), (c, picks) => {
      const built = buildYaml(toYaml(c), { profile: c.tier === 'not-enforced' ? notEnforcing : undefined });
      const engine = new PolicyEngine(built.model);
      const m = computeMatrix(engine, { by: 'workload' });
      const names = m.groups.map((g) => g.name);
      const pick = (offset: number) =>
        new Set(names.filter((_, i) => picks[(i * 2 + offset) % picks.length]));
      const sources = pick(0);
      const destinations = pick(1);
      for (const denied of [true, false]) {
        const full = matrixEntries(m, { denied }).filter(
          (e) => sources.has(e.from) && destinations.has(e.to),
        );
        const part = [...m.rows({ denied, sources, destinations })].flatMap((r) => r.entries);
        assert.deepEqual(part, full, `denied: ${denied}\n${toYaml(c)}`);
        // Asked again (the builder keeps its focus per mask): the same rows.
        assert.deepEqual(
          [...m.rows({ denied, sources, destinations })].flatMap((r) => r.entries),
          full,
        );
        const towards = computeMatrix(engine, { by: 'workload', destinations });
        assert.deepEqual(
          [...towards.rows({ denied, sources })].flatMap((r) => r.entries),
          full,
          `destinations only, denied: ${denied}\n${toYaml(c)}`,
        );
      }
    }),
    { numRuns: 120, seed: 23 },
  );
});
