/** The admin tiers: AdminNetworkPolicy / BaselineAdminNetworkPolicy (v1alpha1) and ClusterNetworkPolicy (v1alpha2). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor, expectTable, np, verdict } from './_test-helpers.ts';

const anp = (name: string, priority: number, spec: string) =>
  `apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: ${name}}\nspec:\n  priority: ${priority}\n${spec}`;
const banp = (spec: string) =>
  `apiVersion: policy.networking.k8s.io/v1alpha1\nkind: BaselineAdminNetworkPolicy\nmetadata: {name: default}\nspec:\n${spec}`;
const cnp = (name: string, tier: string, priority: number, spec: string) =>
  `apiVersion: policy.networking.k8s.io/v1alpha2\nkind: ClusterNetworkPolicy\nmetadata: {name: ${name}}\nspec:\n  tier: ${tier}\n  priority: ${priority}\n${spec}`;
const subjectX = '  subject: {namespaces: {matchLabels: {ns: x}}}';
const allowOnlyB = np(
  'only-b',
  'x',
  '  podSelector: {}\n  ingress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]',
);

test('rule admin-deny-first: an admin Deny wins over a NetworkPolicy allow', () => {
  const deny = anp(
    'deny-from-b',
    10,
    `${subjectX}\n  ingress: [{name: no-b, action: Deny, from: [{pods: {namespaceSelector: {}, podSelector: {matchLabels: {pod: b}}}}]}]`,
  );
  const e = engineFor(e2eTopology(`${allowOnlyB}\n---\n${deny}`));
  expectTable(e, `x/b -> x/a 80/TCP deny\nx/c -> x/a 80/TCP deny`);
  const m = verdict(e, 'x/b', 'x/a', 80).ingress.match!;
  assert.deepEqual([m.tier, m.policy, m.action], ['admin', 'AdminNetworkPolicy/deny-from-b', 'Deny']);
});

test('rule admin-allow-first: an admin Allow wins over NetworkPolicy isolation', () => {
  const allow = anp(
    'allow-monitoring',
    5,
    `${subjectX}\n  ingress: [{action: Allow, from: [{namespaces: {matchLabels: {ns: z}}}], ports: [{portNumber: {protocol: TCP, port: 80}}]}]`,
  );
  const e = engineFor(e2eTopology(`${allowOnlyB}\n---\n${allow}`));
  expectTable(e, `z/c -> x/a 80/TCP allow\nz/c -> x/a 81/TCP deny\nx/b -> x/a 81/TCP allow`);
});

test('rule admin-priority: the lower priority number decides first', () => {
  const a = anp('a-allow', 20, `${subjectX}\n  ingress: [{action: Allow, from: [{namespaces: {}}]}]`);
  const d = anp(
    'b-deny',
    10,
    `${subjectX}\n  ingress: [{action: Deny, from: [{namespaces: {matchLabels: {ns: z}}}]}]`,
  );
  const e = engineFor(e2eTopology(`${a}\n---\n${d}`));
  expectTable(e, `z/a -> x/a 80/TCP deny\ny/a -> x/a 80/TCP allow`);
});

test('rule admin-pass: Pass skips the admin tier and lets NetworkPolicy decide', () => {
  const pass = anp(
    'pass-b',
    1,
    `${subjectX}\n  ingress: [{action: Pass, from: [{namespaces: {matchLabels: {ns: x}}}]}]`,
  );
  const deny = anp('deny-all', 50, `${subjectX}\n  ingress: [{action: Deny, from: [{namespaces: {}}]}]`);
  const e = engineFor(e2eTopology(`${allowOnlyB}\n---\n${pass}\n---\n${deny}`));
  expectTable(e, `x/b -> x/a 80/TCP allow\nx/c -> x/a 80/TCP deny\ny/b -> x/a 80/TCP deny`);
  assert.equal(verdict(e, 'x/b', 'x/a', 80).ingress.match?.tier, 'networkpolicy');
});

test('rule baseline-after-networkpolicy: the baseline tier applies only to pods no NetworkPolicy isolates', () => {
  const base = banp(
    `  subject: {namespaces: {}}\n  ingress: [{action: Deny, from: [{namespaces: {matchLabels: {ns: z}}}]}]`,
  );
  const e = engineFor(
    e2eTopology(
      `${allowOnlyB}\n---\n${np('all-in-y', 'y', '  podSelector: {}\n  ingress: [{}]')}\n---\n${base}`,
    ),
  );
  expectTable(e, `z/a -> y/a 80/TCP allow\nz/a -> z/b 80/TCP deny\nx/a -> z/b 80/TCP allow`);
  assert.equal(verdict(e, 'z/a', 'z/b', 80).ingress.reason, 'baseline');
});

test('rule admin-named-port-and-range: namedPort resolves per destination pod, portRange is inclusive', () => {
  const rules = `${subjectX}\n  ingress: [{action: Deny, from: [{namespaces: {}}], ports: [{namedPort: serve-81-udp}, {portRange: {protocol: SCTP, start: 80, end: 81}}]}]`;
  const e = engineFor(e2eTopology(anp('ports', 1, rules)));
  expectTable(
    e,
    `y/a -> x/a 81/UDP deny\ny/a -> x/a 80/UDP allow\ny/a -> x/a 80/SCTP deny\ny/a -> x/a 81/SCTP deny\ny/a -> x/a 80/TCP allow`,
  );
});

test('rule admin-egress-networks-and-nodes: egress peers networks (CIDRs) and nodes (by label)', () => {
  const rules = `${subjectX}\n  egress: [{action: Deny, to: [{networks: [8.8.8.0/24]}]}, {action: Deny, to: [{nodes: {matchLabels: {kubernetes.io/hostname: node-2}}}]}]`;
  const e = engineFor(e2eTopology(anp('egress', 1, rules)));
  expectTable(e, `x/a -> ip:8.8.8.8 53/UDP deny\nx/a -> ip:9.9.9.9 53/UDP allow`);
  const node2 = e.model.nodes.find((n) => n.name === 'node-2')!;
  const pod = e.model.pods.find((p) => p.namespace === 'x' && p.nodeName !== 'node-2')!;
  expectTable(e, `x/${pod.name} -> ip:${node2.internalIP} 10250/TCP deny`);
});

test('rule cluster-network-policy: v1alpha2 tiers, Accept, protocols with destinationPort and destinationNamedPort', () => {
  const admin = cnp(
    'admin',
    'Admin',
    1,
    `${subjectX}\n  ingress: [{action: Accept, from: [{namespaces: {matchLabels: {ns: z}}}], protocols: [{tcp: {destinationPort: {number: 80}}}, {destinationNamedPort: serve-81-sctp}]}]`,
  );
  const baseline = cnp(
    'baseline',
    'Baseline',
    1,
    `  subject: {namespaces: {}}\n  ingress: [{action: Deny, from: [{namespaces: {matchLabels: {ns: "y"}}}], protocols: [{udp: {destinationPort: {range: {start: 80, end: 81}}}}]}]`,
  );
  const e = engineFor(e2eTopology(`${allowOnlyB}\n---\n${admin}\n---\n${baseline}`));
  expectTable(
    e,
    `z/c -> x/a 80/TCP allow\nz/c -> x/a 81/SCTP allow\nz/c -> x/a 81/TCP deny\ny/a -> z/a 81/UDP deny\ny/a -> z/a 81/TCP allow`,
  );
});

test('rule admin-domain-names-unmodeled: an egress domainNames peer is read, never matched, and makes a verdict to an outside address unknown', async () => {
  const { reach } = await import('../reach/index.ts');
  const fqdn = anp(
    'allow-example',
    10,
    `${subjectX}\n  egress: [{name: example, action: Allow, to: [{domainNames: ["*.example.com"]}]}]`,
  );
  const denyOut = banp(
    `  subject: {namespaces: {}}\n  egress: [{name: deny-out, action: Deny, to: [{networks: ["0.0.0.0/0"]}]}]`,
  );
  const e = engineFor(e2eTopology(`${fqdn}\n---\n${denyOut}`));
  const out = reach(e, { from: 'x/a', to: 'ip:203.0.113.7', port: 443, protocol: 'TCP' });
  if (typeof out === 'string') throw new Error(out);
  assert.equal(out.outcome, 'denied', 'the baseline Deny is what the modeled rules say');
  assert.equal(out.verdict, 'unknown');
  assert.ok(
    out.unknownReasons.some((r) =>
      r.startsWith(
        'AdminNetworkPolicy/allow-example egress[0].to[0].domainNames (*.example.com) is not modeled',
      ),
    ),
    out.unknownReasons.join('\n'),
  );
  // Pod-to-pod traffic is never a domainNames match: that verdict stays certain.
  const pods = reach(e, { from: 'x/a', to: 'y/a', port: 80, protocol: 'TCP' });
  assert.equal(typeof pods === 'string' ? pods : pods.verdict, 'denied');
});

test("rule admin-own-node-deny-unknown: an admin Deny that selects the pod's own node makes that egress unknown, not an exempt ALLOWED", async () => {
  const { reach } = await import('../reach/index.ts');
  const yaml = `apiVersion: v1
kind: Node
metadata: {name: n1}
status: {addresses: [{type: InternalIP, address: 172.18.0.2}]}
---
apiVersion: v1
kind: Node
metadata: {name: n2}
status: {addresses: [{type: InternalIP, address: 172.18.0.3}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: x, labels: {ns: x}}
---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x}
spec: {nodeName: n2, containers: [{name: c, image: i}]}
---
${anp('no-nodes', 10, `${subjectX}\n  egress: [{name: deny-nodes, action: Deny, to: [{nodes: {}}]}]`)}`;
  const e = engineFor(yaml);
  const own = reach(e, { from: 'x/a', to: 'ip:172.18.0.3', port: 10250, protocol: 'TCP' });
  if (typeof own === 'string') throw new Error(own);
  assert.equal(own.outcome, 'allowed', "NetworkPolicy's own-node exemption is what kubetwin applies");
  assert.equal(own.verdict, 'unknown');
  assert.match(
    own.unknownReasons.join('\n'),
    /AdminNetworkPolicy\/no-nodes egress\[0\] \(a Deny that selects the pod's own node/,
  );
  const other = reach(e, { from: 'x/a', to: 'ip:172.18.0.2', port: 10250, protocol: 'TCP' });
  assert.equal(typeof other === 'string' ? other : other.verdict, 'denied');
});
