/**
 * Seeded random clusters for the lab: a fixed pod layout (names, namespaces, ports, so one lab serves every seed)
 * with random labels and random NetworkPolicies using pod and namespace selectors, named ports, port ranges and
 * ipBlocks with except, and Services over the random labels (named targetPorts, ClientIP affinity, a UDP port,
 * NodePort with both traffic policies Local, one without endpoints). Same seed, same YAML.
 */
import { rng } from '../../src/lab/plan/index.ts';

export function randomCluster(
  seed: number,
  options: { pods?: number; policies?: number; services?: boolean } = {},
): string {
  const next = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)];
  const podCount = options.pods ?? 30;
  const docs: string[] = [
    `apiVersion: kubetwin.dev/v1alpha1
kind: ClusterProfile
cni: {name: calico, enforcesNetworkPolicy: true}
nodes:
  - {name: n1, internalIP: 10.0.0.1, podCIDR: 10.244.1.0/24}
  - {name: n2, internalIP: 10.0.0.2, podCIDR: 10.244.2.0/24}
  - {name: n3, internalIP: 10.0.0.3, podCIDR: 10.244.3.0/24}`,
  ];
  const namespaces = ['ns0', 'ns1', 'ns2'];
  for (const ns of namespaces)
    docs.push(
      `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}, labels: {team: ${pick(['a', 'b', 'c'])}}}`,
    );
  for (let i = 0; i < podCount; i++) {
    const http = i % 2 ? 80 : 8080;
    const second =
      i % 3 === 0 ? '{name: dns, containerPort: 53, protocol: UDP}' : '{name: metrics, containerPort: 9090}';
    docs.push(
      `apiVersion: v1\nkind: Pod\nmetadata: {name: p${i}, namespace: ${namespaces[i % 3]}, labels: {app: ${pick(['web', 'api', 'db', 'cache'])}, tier: ${pick(['front', 'back', 'data'])}}}\n` +
        `spec:\n  nodeName: n${(i % 3) + 1}\n  containers: [{name: c, image: x, ports: [{name: http, containerPort: ${http}}, ${second}]}]`,
    );
  }
  const podSel = () =>
    pick([
      '{}',
      `{matchLabels: {app: ${pick(['web', 'api', 'db', 'cache'])}}}`,
      `{matchExpressions: [{key: tier, operator: ${pick(['In', 'NotIn'])}, values: [${pick(['front', 'back', 'data'])}]}]}`,
    ]);
  const nsSel = () => pick(['{}', `{matchLabels: {team: ${pick(['a', 'b', 'c'])}}}`]);
  const peer = () =>
    pick([
      () => `{podSelector: ${podSel()}}`,
      () => `{namespaceSelector: ${nsSel()}}`,
      () => `{namespaceSelector: ${nsSel()}, podSelector: ${podSel()}}`,
      () =>
        pick([
          '{ipBlock: {cidr: 10.244.0.0/16, except: [10.244.1.0/24]}}',
          '{ipBlock: {cidr: 10.244.2.0/24}}',
          '{ipBlock: {cidr: 10.244.0.0/16, except: [10.244.3.0/25, 10.244.2.8/29]}}',
          '{ipBlock: {cidr: 0.0.0.0/0, except: [10.244.1.0/26]}}',
        ]),
    ])();
  const port = () =>
    pick([
      '{port: http}',
      '{port: dns, protocol: UDP}',
      '{port: metrics}',
      '{port: 80}',
      '{port: 8000, endPort: 9000}',
      '{protocol: UDP}',
      '{port: 53, protocol: UDP}',
    ]);
  const rules = (dir: 'from' | 'to') =>
    Array.from({ length: Math.floor(next() * 3) }, () => {
      const parts: string[] = [];
      if (next() < 0.8)
        parts.push(`${dir}: [${Array.from({ length: 1 + Math.floor(next() * 2) }, peer).join(', ')}]`);
      if (next() < 0.7)
        parts.push(`ports: [${Array.from({ length: 1 + Math.floor(next() * 2) }, port).join(', ')}]`);
      return `{${parts.join(', ')}}`;
    });
  for (let k = 0; k < (options.policies ?? 20); k++) {
    const types = pick([['Ingress'], ['Egress'], ['Ingress', 'Egress']]);
    const spec = [`  podSelector: ${podSel()}`, `  policyTypes: [${types.join(', ')}]`];
    if (types.includes('Ingress')) spec.push(`  ingress: [${rules('from').join(', ')}]`);
    if (types.includes('Egress')) spec.push(`  egress: [${rules('to').join(', ')}]`);
    docs.push(
      `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: np${k}, namespace: ${pick(namespaces)}}\nspec:\n${spec.join('\n')}`,
    );
  }
  if (options.services !== false) docs.push(...services());
  return docs.join('\n---\n') + '\n';
}

/** Services over the random labels; named targetPorts only, so every seed's lab serves the same ports. */
function services(): string[] {
  const svc = (ns: string, name: string, spec: string) =>
    `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${spec}`;
  return [
    svc('ns0', 'web', '  selector: {app: web}\n  ports: [{name: http, port: 80, targetPort: http}]'),
    svc(
      'ns1',
      'api',
      '  selector: {app: api}\n  sessionAffinity: ClientIP\n  ports: [{name: http, port: 80, targetPort: http}, {name: metrics, port: 9090, targetPort: metrics}]',
    ),
    svc(
      'ns2',
      'dns',
      '  selector: {app: db}\n  ports: [{name: dns, port: 53, protocol: UDP, targetPort: dns}]',
    ),
    svc(
      'ns0',
      'cache',
      '  type: NodePort\n  externalTrafficPolicy: Local\n  internalTrafficPolicy: Local\n  selector: {app: cache}\n  ports: [{name: http, port: 8080, targetPort: http}]',
    ),
    svc('ns1', 'empty', '  selector: {app: none}\n  ports: [{name: http, port: 80, targetPort: http}]'),
  ];
}
