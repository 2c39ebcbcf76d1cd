/**
 * Random small clusters for the engine's property tests: two namespaces, up to five pods with random labels,
 * named ports and hostNetwork, up to four NetworkPolicies with random selectors, peers (ipBlocks too) and ports.
 * `toYaml` writes one as manifests.
 */
import fc from 'fast-check';

const keys = ['app', 'tier'];
const values = ['a', 'b'];
const labelsArb = fc.dictionary(fc.constantFrom(...keys), fc.constantFrom(...values), { maxKeys: 2 });
const exprArb = fc.oneof(
  fc.record({
    key: fc.constantFrom(...keys),
    operator: fc.constantFrom('In', 'NotIn'),
    values: fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: 2 }),
  }),
  fc.record({ key: fc.constantFrom(...keys), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
);
const selectorArb = fc.oneof(
  fc.constant({}),
  fc.record({ matchLabels: labelsArb }),
  fc.record({ matchExpressions: fc.array(exprArb, { minLength: 1, maxLength: 2 }) }),
);
const blocks = [
  { cidr: '10.244.0.0/16', except: ['10.244.1.0/24'] },
  { cidr: '10.244.2.0/24' },
  { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] },
  { cidr: '8.8.8.0/24' },
  { cidr: '0.0.0.0/0' },
];
const peerArb = fc.oneof(
  fc.record({ podSelector: selectorArb }),
  fc.record({ namespaceSelector: selectorArb }),
  fc.record({ namespaceSelector: selectorArb, podSelector: selectorArb }),
  fc.record({ ipBlock: fc.constantFrom(...blocks) }),
);
const portArb = fc.oneof(
  fc.record({ port: fc.constantFrom(80, 81, 53), protocol: fc.constantFrom('TCP', 'UDP', 'SCTP') }),
  fc.record({ port: fc.constantFrom('http', 'dns', 'm'), protocol: fc.constantFrom('TCP', 'UDP', 'SCTP') }),
  fc.record({ port: fc.constant(79), endPort: fc.constantFrom(80, 81, 8080) }),
  fc.record({ protocol: fc.constantFrom('UDP', 'SCTP') }),
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
  { name: 'm', containerPort: 81, protocol: 'SCTP' },
];
const podArb = fc.record({
  ns: fc.constantFrom('n0', 'n1'),
  labels: labelsArb,
  ports: fc.subarray([0, 1, 2, 3], { maxLength: 2 }),
  // One pod in eight uses the host network: policies see it as its node's address.
  hostNetwork: fc.integer({ min: 0, max: 7 }).map((n) => n === 0),
});
export const clusterArb = fc.record({
  nsLabels: fc.tuple(labelsArb, labelsArb),
  pods: fc.array(podArb, { minLength: 1, maxLength: 5 }),
  policies: fc.array(policyArb, { maxLength: 4 }),
});

export function toYaml(
  c: fc.Arbitrary<unknown> extends never ? never : ReturnType<typeof clusterArb.generate>['value'],
): string {
  const docs: unknown[] = [];
  c.nsLabels.forEach((labels, i) =>
    docs.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `n${i}`, labels } }),
  );
  c.pods.forEach((p, i) => {
    // Two ports of the same name in one pod are invalid; keep the first of each name.
    const ports = p.ports
      .map((j) => containerPorts[j])
      .filter((cp, k, all) => all.findIndex((o) => o.name === cp.name) === k);
    docs.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `p${i}`, namespace: p.ns, labels: p.labels },
      spec: {
        containers: [{ name: 'c', image: 'i', ports }],
        ...(p.hostNetwork ? { hostNetwork: true } : {}),
      },
    });
  });
  c.policies.forEach((p, i) => {
    const spec: Record<string, unknown> = {
      podSelector: p.podSelector,
      ingress: p.ingress,
      egress: p.egress,
    };
    if (p.policyTypes) spec.policyTypes = p.policyTypes;
    docs.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `np${i}`, namespace: p.ns },
      spec,
    });
  });
  return docs.map((d) => JSON.stringify(d)).join('\n---\n');
}
