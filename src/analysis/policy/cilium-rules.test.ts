/**
 * The Cilium tier, one test per rule, each from the Cilium documentation's examples (URL in the test name's
 * comment). Topology: the upstream e2e namespaces x, y, z with pods a, b, c serving 80 and 81.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor, expectTable, np, party, verdict } from './_test-helpers.ts';

const profile = (extra = '') =>
  `apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: cilium}\n${extra}`;
const cnp = (name: string, ns: string, spec: string) =>
  `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: ${name}, namespace: "${ns}"}\nspec:\n${spec}`;
const ccnp = (name: string, spec: string) =>
  `apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: ${name}}\nspec:\n${spec}`;
const cilium = (yaml: string, extra = '') => engineFor(e2eTopology(yaml), { profile: profile(extra) });

// https://docs.cilium.io/en/stable/security/policy/deny/ — the table of allow and deny policies on one server.
test('rule cilium-deny-table: deny overrides allow; a deny-only policy isolates too', () => {
  const allow = cnp(
    'allow',
    'x',
    `  endpointSelector: {matchLabels: {pod: a}}
  ingress:
  - fromEndpoints: [{matchLabels: {pod: b}}]
  - fromEndpoints: [{matchLabels: {pod: b}}]
    toPorts: [{ports: [{port: "80", protocol: TCP}], rules: {http: [{}]}}]
  - fromEndpoints: [{matchLabels: {pod: b}}]
    toPorts: [{ports: [{port: "81", protocol: TCP}]}]`,
  );
  const denyL4 = cnp(
    'deny-l4',
    'x',
    `  endpointSelector: {matchLabels: {pod: a}}
  ingressDeny: [{fromEntities: [all], toPorts: [{ports: [{port: "80", protocol: TCP}]}]}]`,
  );
  const denyL3 = cnp(
    'deny-l3',
    'x',
    `  endpointSelector: {matchLabels: {pod: a}}
  ingressDeny: [{fromEndpoints: [{matchLabels: {pod: b}}]}]`,
  );
  const columns: [string[], string, string][] = [
    [[allow], 'allow', 'allow'],
    [[allow, denyL4], 'allow', 'deny'],
    [[allow, denyL3], 'deny', 'deny'],
    [[allow, denyL4, denyL3], 'deny', 'deny'],
    [[denyL4], 'deny', 'deny'],
  ];
  for (const [policies, at81, at80] of columns) {
    const e = cilium(policies.join('\n---\n'));
    expectTable(e, `x/b -> x/a 81/TCP ${at81}\nx/b -> x/a 80/TCP ${at80}`);
  }
  const v = verdict(cilium([allow, denyL4].join('\n---\n')), 'x/b', 'x/a', 80);
  assert.equal(v.ingress.reason, 'deny');
  assert.equal(v.ingress.match?.path, 'ingressDeny[0].fromEntities[0]');
});

// https://docs.cilium.io/en/stable/security/policy/language/#ingress-allow-all-endpoints (and Kubernetes
// constructs: a CiliumNetworkPolicy's selectors are scoped to its namespace)
test('rule cilium-namespace-implied: fromEndpoints {} in a CiliumNetworkPolicy selects its own namespace only', () => {
  const e = cilium(cnp('all-in-ns', 'x', `  endpointSelector: {}\n  ingress: [{fromEndpoints: [{}]}]`));
  expectTable(e, `x/b -> x/a 80/TCP allow\ny/b -> x/a 80/TCP deny\ny/b -> y/a 80/TCP allow`);
  const other = cilium(
    cnp(
      'from-y',
      'x',
      `  endpointSelector: {matchLabels: {pod: a}}\n  ingress: [{fromEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": "y", "any:pod": b}}]}]`,
    ),
  );
  expectTable(other, `y/b -> x/a 80/TCP allow\nx/b -> x/a 80/TCP deny\ny/c -> x/a 80/TCP deny`);
});

// https://docs.cilium.io/en/stable/security/policy/kubernetes/#clusterwide-policies
test('rule cilium-clusterwide: a CiliumClusterwideNetworkPolicy selects pods of every namespace; namespace labels select namespaces', () => {
  const e = cilium(
    ccnp(
      'leia',
      `  endpointSelector: {matchLabels: {pod: a}}\n  ingress: [{fromEndpoints: [{matchLabels: {pod: b}}, {matchLabels: {io.cilium.k8s.namespace.labels.ns: z}}]}]`,
    ),
  );
  expectTable(
    e,
    `x/b -> y/a 80/TCP allow\ny/b -> x/a 80/TCP allow\nx/c -> y/a 80/TCP deny\nz/c -> x/a 80/TCP allow\nx/c -> x/b 80/TCP allow`,
  );
  const v = verdict(e, 'z/c', 'x/a', 80);
  assert.equal(v.ingress.match?.path, 'ingress[0].fromEndpoints[1]');
});

// https://docs.cilium.io/en/stable/security/policy/language/#ingress-default-deny
test('rule cilium-default-deny: an empty rule isolates and admits nothing; enableDefaultDeny false adds without isolating', () => {
  const e = cilium(cnp('deny', 'x', `  endpointSelector: {}\n  ingress: [{}]`));
  expectTable(e, `x/b -> x/a 80/TCP deny\ny/b -> x/a 81/TCP deny\nx/a -> y/b 80/TCP allow`);
  const a = party(e.model, 'x/a');
  assert.ok(a.kind === 'pod');
  assert.deepEqual(
    e.isolatedBy(a.pod, 'Ingress').map((p) => p.key),
    ['CiliumNetworkPolicy/x/deny'],
  );
  assert.deepEqual(e.isolatedBy(a.pod, 'Egress'), []);
  const open = cilium(
    cnp(
      'no-dd',
      'x',
      `  endpointSelector: {}\n  enableDefaultDeny: {ingress: false}\n  ingress: [{fromEndpoints: [{matchLabels: {pod: b}}]}]`,
    ),
  );
  expectTable(open, `x/c -> x/a 80/TCP allow\nx/b -> x/a 80/TCP allow`);
});

// https://docs.cilium.io/en/stable/security/policy/language/#layer-4-examples
test('rule cilium-ports: toPorts alone admits every peer on those ports; endPort ranges, named ports, ANY', () => {
  const e = cilium(
    cnp(
      'l4',
      'x',
      `  endpointSelector: {matchLabels: {pod: a}}
  ingress:
  - toPorts: [{ports: [{port: "79", endPort: 80, protocol: TCP}]}]
  - fromEndpoints: [{matchLabels: {pod: b}}]
    toPorts: [{ports: [{port: serve-81-udp, protocol: UDP}]}]
  - fromEndpoints: [{matchLabels: {pod: c}}]
    toPorts: [{ports: [{port: "81"}]}]`,
    ),
  );
  expectTable(
    e,
    `y/c -> x/a 80/TCP allow\ny/c -> x/a 81/TCP deny\nx/b -> x/a 81/UDP allow\nx/b -> x/a 81/TCP deny\nx/c -> x/a 81/SCTP allow\nx/c -> x/a 81/UDP allow`,
  );
});

// https://docs.cilium.io/en/stable/security/policy/language/#entities-based
test('rule cilium-entities: world, host, remote-node, cluster, kube-apiserver', () => {
  const e = cilium(
    cnp(
      'ents',
      'x',
      `  endpointSelector: {matchLabels: {pod: a}}
  ingress: [{fromEntities: [world]}]
  egress: [{toEntities: [kube-apiserver]}, {toEntities: [remote-node], toPorts: [{ports: [{port: "10250"}]}]}]`,
    ),
  );
  const m = e.model;
  const a = m.pods.find((p) => p.namespace === 'x' && p.name === 'a')!;
  const own = m.nodes.find((n) => n.name === a.nodeName)!.internalIP!;
  const other = m.nodes.find((n) => n.name !== a.nodeName)!.internalIP!;
  const api = m.endpointSlices.find((s) => s.serviceName === 'kubernetes')!.endpoints[0].addresses[0];
  expectTable(
    e,
    `ip:8.8.8.8 -> x/a 80/TCP allow\nx/b -> x/a 80/TCP deny\nx/a -> ip:${api} 6443/TCP allow\nx/a -> ip:8.8.8.8 443/TCP deny\nx/a -> x/b 80/TCP deny\nx/a -> ip:${other} 10250/TCP allow\nip:${own} -> x/a 80/TCP allow`,
  );
  // Egress to the pod's own node is the `host` entity under Cilium: policy applies.
  assert.equal(verdict(e, 'x/a', `ip:${own}`, 10250).allowed, api === own);
});

// https://docs.cilium.io/en/stable/security/policy/language/#ip-cidr-based
test('rule cilium-cidr: toCIDR and toCIDRSet with except; CIDR rules never select pods or nodes', () => {
  const e = cilium(
    cnp(
      'cidr',
      'x',
      `  endpointSelector: {matchLabels: {pod: a}}
  egress: [{toCIDR: [20.1.1.1/32]}, {toCIDRSet: [{cidr: 10.0.0.0/8, except: [10.96.0.0/12]}]}]`,
    ),
  );
  expectTable(
    e,
    `x/a -> ip:20.1.1.1 443/TCP allow\nx/a -> ip:10.1.2.3 80/TCP allow\nx/a -> ip:10.96.0.5 80/TCP deny\nx/a -> x/b 80/TCP deny\nx/a -> ip:10.0.0.12 22/TCP deny`,
  );
});

// https://docs.cilium.io/en/stable/network/kubernetes/policy/ — Kubernetes NetworkPolicy under Cilium
test('rule cilium-with-networkpolicy: either may allow; a Kubernetes ipBlock does not match pod IPs', () => {
  const k8s = np(
    'from-c',
    'x',
    '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{podSelector: {matchLabels: {pod: c}}}]}]',
  );
  const c = cnp(
    'from-b',
    'x',
    `  endpointSelector: {matchLabels: {pod: a}}\n  ingress: [{fromEndpoints: [{matchLabels: {pod: b}}]}]`,
  );
  const block = np(
    'pods-cidr',
    'y',
    '  podSelector: {}\n  ingress: [{from: [{ipBlock: {cidr: 10.244.0.0/16}}]}]',
  );
  const e = cilium([k8s, c, block].join('\n---\n'));
  expectTable(
    e,
    `x/b -> x/a 80/TCP allow\nx/c -> x/a 80/TCP allow\ny/c -> x/a 80/TCP deny\nx/a -> y/b 80/TCP deny`,
  );
  assert.equal(verdict(e, 'x/c', 'x/a', 80).ingress.match?.tier, 'networkpolicy');
  assert.equal(verdict(e, 'x/b', 'x/a', 80).ingress.match?.tier, 'cilium');
});

// https://docs.cilium.io/en/stable/security/policy/language/#services-based
test('rule cilium-to-services: toServices admits the backends of the Service', () => {
  const svc = `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: "y"}\nspec: {selector: {pod: b}, ports: [{port: 80}]}`;
  const e = cilium(
    [
      svc,
      cnp(
        'svc',
        'x',
        `  endpointSelector: {matchLabels: {pod: a}}\n  egress: [{toServices: [{k8sService: {serviceName: web, namespace: "y"}}]}]`,
      ),
    ].join('\n---\n'),
  );
  expectTable(e, `x/a -> y/b 80/TCP allow\nx/a -> y/c 80/TCP deny\nx/a -> x/b 80/TCP deny`);
});

// https://docs.cilium.io/en/stable/security/policy/language/#dns-based
test('rule cilium-to-fqdns: toFQDNs needs a DNS rule that lets the lookup through the proxy', () => {
  const dns = `  - toEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": kube-system, k8s-app: kube-dns}}]
    toPorts: [{ports: [{port: "53", protocol: ANY}], rules: {dns: [{matchPattern: "*"}]}}]`;
  const fq = `  - toFQDNs: [{matchName: api.github.com}, {matchPattern: "**.example.com"}]`;
  const hosts =
    'externalHosts: {api.github.com: [140.82.112.6], deep.a.example.com: [93.184.216.34], other.org: [1.1.1.1]}';
  const withDns = cilium(
    cnp('fq', 'x', `  endpointSelector: {matchLabels: {pod: a}}\n  egress:\n${dns}\n${fq}`),
    hosts,
  );
  const at = (e: ReturnType<typeof cilium>, ip: string, fqdn?: string) =>
    e.explain(party(e.model, 'x/a'), { kind: 'ip', ip, ...(fqdn ? { fqdn } : {}) }, 443, 'TCP').allowed;
  assert.equal(at(withDns, '140.82.112.6'), true);
  assert.equal(at(withDns, '93.184.216.34', 'deep.a.example.com'), true);
  assert.equal(at(withDns, '1.1.1.1'), false);
  const noDns = cilium(
    cnp('fq', 'x', `  endpointSelector: {matchLabels: {pod: a}}\n  egress:\n${fq}`),
    hosts,
  );
  assert.equal(at(noDns, '140.82.112.6'), false);
  assert.match(
    verdict(noDns, 'x/a', 'ip:140.82.112.6', 443)
      .egress.misses.map((m) => m.reason)
      .join('\n'),
    /DNS rule/,
  );
});

// https://docs.cilium.io/en/stable/security/policy/kubernetes/#serviceaccounts
test('rule cilium-service-account: io.cilium.k8s.policy.serviceaccount selects by service account', () => {
  const pod = (name: string, sa: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, namespace: "x", labels: {pod: luke}}\nspec: {serviceAccountName: ${sa}, containers: [{name: c, image: i}]}`;
  const e = cilium(
    [
      pod('luke1', 'luke'),
      pod('luke2', 'other'),
      cnp(
        'sa',
        'x',
        `  endpointSelector: {matchLabels: {pod: a}}\n  ingress: [{fromEndpoints: [{matchLabels: {io.cilium.k8s.policy.serviceaccount: luke}}]}]`,
      ),
    ].join('\n---\n'),
  );
  expectTable(e, `x/luke1 -> x/a 80/TCP allow\nx/luke2 -> x/a 80/TCP deny`);
});
