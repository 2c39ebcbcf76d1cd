/**
 * Property test: the matrix of a Cilium cluster, read from the class-level verdicts of both tiers (`tierVerdicts`,
 * set by set over port classes), equals the per-pair decision (`PolicyEngine.explain` on every ordered pod pair
 * and port) on random clusters with CiliumNetworkPolicies, CiliumClusterwideNetworkPolicies and NetworkPolicies:
 * deny rules, entities, CIDR peers, toServices, named ports, port ranges, L7 rules, cross-namespace and
 * namespace-label selectors, service accounts, enableDefaultDeny, hostNetwork pods and replicated workloads.
 * https://docs.cilium.io/en/stable/security/policy/language/ · https://docs.cilium.io/en/stable/security/policy/deny/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { PolicyEngine } from '../policy/index.ts';
import { ciliumPolicyArb, labelsArb } from '../policy/_test-arbitraries.ts';
import { computeMatrix, matrixEntries, type MatrixEntry } from './index.ts';
import { referenceMatrix } from './_test-reference.ts';

const selArb = fc.oneof(
  fc.constant({}),
  fc.record({ matchLabels: labelsArb }),
  fc.record({
    matchLabels: fc.record(
      { 'k8s:io.kubernetes.pod.namespace': fc.constantFrom('n0', 'n1'), app: fc.constant('a') },
      { requiredKeys: ['k8s:io.kubernetes.pod.namespace'] },
    ),
  }),
  fc.record({
    matchLabels: fc.record({ 'io.cilium.k8s.policy.serviceaccount': fc.constantFrom('s0', 's1') }),
  }),
  fc.record({ matchLabels: fc.record({ 'io.cilium.k8s.namespace.labels.team': fc.constantFrom('x', 'y') }) }),
  fc.record({
    matchExpressions: fc.array(
      fc
        .record({
          key: fc.constantFrom('app', 'tier', 'k8s:io.kubernetes.pod.namespace'),
          operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'),
        })
        .map((e) => (e.operator === 'In' || e.operator === 'NotIn' ? { ...e, values: ['a', 'n1'] } : e)),
      { minLength: 1, maxLength: 2 },
    ),
  }),
);
const portArb = fc.oneof(
  fc.record(
    {
      port: fc.constantFrom('80', '53', '0', '8080', 'http', 'dns'),
      protocol: fc.constantFrom('TCP', 'UDP', 'ANY'),
    },
    { requiredKeys: ['port'] },
  ),
  fc.record({
    port: fc.constant('79'),
    endPort: fc.constant(8080),
    protocol: fc.constantFrom('TCP', 'SCTP'),
  }),
);
const entities = ['all', 'cluster', 'world', 'host', 'remote-node', 'kube-apiserver'];
const ruleArb = (dir: 'from' | 'to', deny: boolean) =>
  fc
    .tuple(
      fc.oneof(
        fc.constant({}),
        fc.record({ [`${dir}Endpoints`]: fc.array(selArb, { minLength: 1, maxLength: 2 }) }),
        fc.record({ [`${dir}Entities`]: fc.subarray(entities, { minLength: 1, maxLength: 2 }) }),
        fc.record({ [`${dir}CIDR`]: fc.subarray(['10.244.0.0/16', '0.0.0.0/0'], { minLength: 1 }) }),
        fc.record({
          [`${dir}CIDRSet`]: fc.constant([{ cidr: '0.0.0.0/0', except: ['10.244.1.0/24'] }]),
        }),
        ...(dir === 'to'
          ? [
              fc.record({
                toServices: fc.constant([{ k8sService: { serviceName: 'svc', namespace: 'n0' } }]),
              }),
            ]
          : []),
      ),
      fc.option(
        fc.array(
          fc
            .record(
              {
                ports: fc.array(portArb, { minLength: 1, maxLength: 2 }),
                rules: fc.constant({ http: [{ method: 'GET' }] }),
              },
              { requiredKeys: deny ? ['ports'] : [] },
            )
            .map((pr) => (deny ? { ports: pr.ports } : pr)),
          { minLength: 1, maxLength: 2 },
        ),
        { nil: undefined },
      ),
    )
    .map(([l3, toPorts]) => ({ ...l3, ...(toPorts ? { toPorts } : {}) }));
const policyArb = ciliumPolicyArb(selArb, ruleArb);
const npArb = fc.record({
  ns: fc.constantFrom('n0', 'n1'),
  podSelector: fc.record({ matchLabels: labelsArb }),
  policyTypes: fc.subarray(['Ingress', 'Egress'], { minLength: 1 }),
  peer: fc.option(fc.record({ matchLabels: labelsArb }), { nil: undefined }),
  ports: fc.option(fc.constantFrom([{ port: 'http' }], [{ port: 53, protocol: 'UDP' }]), { nil: undefined }),
});
const containerPorts = [
  { name: 'http', containerPort: 80 },
  { name: 'http', containerPort: 8080 },
  { name: 'dns', containerPort: 53, protocol: 'UDP' },
];
/** A bare pod or a Deployment of 2 replicas (its pods share labels and ports: one workload group). */
const podArb = fc.record({
  ns: fc.constantFrom('n0', 'n1'),
  labels: labelsArb,
  sa: fc.constantFrom('s0', 's1'),
  ports: fc.subarray([0, 1, 2], { maxLength: 2 }),
  hostNetwork: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
  replicas: fc.constantFrom(0, 0, 2),
});
const clusterArb = fc.record({
  teams: fc.tuple(fc.constantFrom('x', 'y'), fc.constantFrom('x', 'y')),
  pods: fc.array(podArb, { minLength: 2, maxLength: 6 }),
  policies: fc.array(policyArb, { minLength: 1, maxLength: 4 }),
  nps: fc.array(npArb, { maxLength: 2 }),
});
type Cluster = typeof clusterArb extends fc.Arbitrary<infer T> ? T : never;

const profile = [
  'apiVersion: kubetwin.dev/v1alpha1',
  'kind: ClusterProfile',
  'cni: {name: cilium}',
  'nodes: [{name: node-0, internalIP: 10.0.1.1, podCIDR: 10.244.0.0/24}, {name: node-1, internalIP: 10.0.1.2, podCIDR: 10.244.1.0/24}]',
].join('\n');

function toYaml(c: Cluster): string {
  const docs: unknown[] = [];
  c.teams.forEach((team, i) =>
    docs.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `n${i}`, labels: { team } } }),
  );
  docs.push({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'svc', namespace: 'n0' },
    spec: { selector: { app: 'a' }, ports: [{ port: 80 }] },
  });
  c.pods.forEach((p, i) => {
    const ports = p.ports
      .map((j) => containerPorts[j])
      .filter((cp, k, all) => all.findIndex((o) => o.name === cp.name) === k);
    const spec = {
      serviceAccountName: p.sa,
      containers: [{ name: 'c', image: 'i', ports }],
      ...(p.hostNetwork ? { hostNetwork: true } : {}),
    };
    docs.push(
      p.replicas
        ? {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            metadata: { name: `w${i}`, namespace: p.ns },
            spec: {
              replicas: p.replicas,
              selector: { matchLabels: { id: `w${i}` } },
              template: { metadata: { labels: { ...p.labels, id: `w${i}` } }, spec },
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
      apiVersion: 'cilium.io/v2',
      kind: p.ns ? 'CiliumNetworkPolicy' : 'CiliumClusterwideNetworkPolicy',
      metadata: { name: `c${i}`, ...(p.ns ? { namespace: p.ns } : {}) },
      spec: p.spec,
    }),
  );
  c.nps.forEach((n, i) => {
    const rule = (dir: 'from' | 'to') => ({
      ...(n.peer ? { [dir]: [{ podSelector: n.peer }] } : {}),
      ...(n.ports ? { ports: n.ports } : {}),
    });
    docs.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `np${i}`, namespace: n.ns },
      spec: {
        podSelector: n.podSelector,
        policyTypes: n.policyTypes,
        ...(n.policyTypes.includes('Ingress') ? { ingress: [rule('from')] } : {}),
        ...(n.policyTypes.includes('Egress') ? { egress: [rule('to')] } : {}),
      },
    });
  });
  return docs.map((d) => JSON.stringify(d)).join('\n---\n');
}

test('property: the class-level Cilium matrix equals the per-pair decision on random clusters', () => {
  fc.assert(
    fc.property(clusterArb, fc.boolean(), (c, askPorts) => {
      const built = buildYaml(toYaml(c), { profile });
      assert.deepEqual(
        built.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
        [],
      );
      const engine = new PolicyEngine(built.model);
      const ports = askPorts
        ? [
            { port: 80, protocol: 'TCP' as const },
            { port: 53, protocol: 'UDP' as const },
            { port: 8080, protocol: 'TCP' as const },
            { port: 443, protocol: 'TCP' as const },
          ]
        : undefined;
      for (const by of ['pod', 'workload'] as const) {
        const want = referenceMatrix(engine, by, ports);
        const m = computeMatrix(engine, { by, ports });
        const got = matrixEntries(m, { denied: true });
        const text = (e: MatrixEntry) =>
          `${e.from} -> ${e.to} ${e.port}/${e.protocol} ${e.allowedPairs}/${e.pairs}`;
        const have = new Set(got.map(text));
        const need = new Set(want.map(text));
        const diff = [
          ...got.filter((e) => !need.has(text(e))).map((e) => `got ${text(e)}`),
          ...want.filter((e) => !have.has(text(e))).map((e) => `want ${text(e)}`),
        ];
        assert.deepEqual(diff, [], `${by}\n${toYaml(c)}`);
        assert.deepEqual(got, want);
      }
    }),
    { numRuns: 300, seed: 14 },
  );
});
