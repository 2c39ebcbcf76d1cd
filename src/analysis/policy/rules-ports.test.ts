/** One test per NetworkPolicy rule (ports, special traffic, explanations) of docs/network-policy-rules.md, on the upstream e2e topology. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor, expectTable, np, verdict } from './_test-helpers.ts';

test('rule numeric-port-and-protocol: a numeric port matches that port, protocol defaults to TCP', () => {
  const e = engineFor(
    e2eTopology(
      np(
        'p',
        'x',
        '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [{port: 80}, {port: 81, protocol: UDP}, {port: 80, protocol: SCTP}]}]',
      ),
    ),
  );
  expectTable(
    e,
    `y/b -> x/a 80/TCP allow\ny/b -> x/a 80/UDP deny\ny/b -> x/a 81/UDP allow\ny/b -> x/a 81/TCP deny\ny/b -> x/a 80/SCTP allow\ny/b -> x/a 81/SCTP deny`,
  );
  assert.match(
    verdict(e, 'y/b', 'x/a', 81).ingress.misses[0].reason,
    /port 81\/TCP is not in \[80\/TCP, 81\/UDP, 80\/SCTP\]/,
  );
});

test('rule named-port: a named port resolves against each destination pod container ports', () => {
  const pods = `apiVersion: v1\nkind: Pod\nmetadata: {name: d, namespace: x, labels: {pod: d}}\nspec: {containers: [{name: c, image: i, ports: [{name: web, containerPort: 8080}]}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: e, namespace: x, labels: {pod: d}}\nspec: {containers: [{name: c, image: i, ports: [{name: web, containerPort: 9090}]}]}`;
  const e = engineFor(
    e2eTopology(
      `${pods}\n---\n${np('p', 'x', '  podSelector: {matchLabels: {pod: d}}\n  ingress: [{ports: [{port: web}]}]')}`,
    ),
  );
  expectTable(
    e,
    `y/a -> x/d 8080/TCP allow\ny/a -> x/d 9090/TCP deny\ny/a -> x/e 9090/TCP allow\ny/a -> x/e 8080/TCP deny\ny/a -> x/d 8080/UDP deny`,
  );
  const e2e = engineFor(
    e2eTopology(
      np(
        'p',
        'x',
        '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [{port: serve-81-udp, protocol: UDP}]}]',
      ),
    ),
  );
  expectTable(e2e, `y/a -> x/a 81/UDP allow\ny/a -> x/a 80/UDP deny\ny/a -> x/a 81/TCP deny`);
});

test('rule named-port-egress: an egress named port resolves against the destination pod, never an address', () => {
  const e = engineFor(
    e2eTopology(
      np(
        'p',
        'x',
        '  podSelector: {matchLabels: {pod: a}}\n  policyTypes: [Egress]\n  egress: [{ports: [{port: serve-80-tcp}]}]',
      ),
    ),
  );
  expectTable(e, `x/a -> y/b 80/TCP allow\nx/a -> y/b 81/TCP deny\nx/a -> ip:8.8.8.8 80/TCP deny`);
});

test('rule endport-range: port with endPort admits the inclusive range', () => {
  const e = engineFor(
    e2eTopology(
      np(
        'p',
        'x',
        '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{ports: [{port: 80, endPort: 81, protocol: SCTP}]}]',
      ),
    ),
  );
  expectTable(e, `y/b -> x/a 80/SCTP allow\ny/b -> x/a 81/SCTP allow\ny/b -> x/a 81/TCP deny`);
});

test('rule all-ports: a rule without ports admits every port and protocol', () => {
  const e = engineFor(
    e2eTopology(
      np(
        'p',
        'x',
        '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{podSelector: {matchLabels: {pod: b}}}]}]',
      ),
    ),
  );
  expectTable(e, `x/b -> x/a 80/TCP allow\nx/b -> x/a 81/UDP allow\nx/b -> x/a 81/SCTP allow`);
});

test('rule self: a pod can always reach itself', () => {
  const e = engineFor(e2eTopology(np('p', 'x', '  podSelector: {}\n  policyTypes: [Ingress, Egress]')));
  expectTable(e, `x/a -> x/a 80/TCP allow\nx/a -> x/b 80/TCP deny`);
  assert.equal(verdict(e, 'x/a', 'x/a', 80).ingress.reason, 'self');
});

test('rule own-node: traffic between a pod and its own node is always allowed', () => {
  const e = engineFor(e2eTopology(np('p', 'x', '  podSelector: {}\n  policyTypes: [Ingress, Egress]')));
  const a = e.model.pods.find((p) => p.namespace === 'x' && p.name === 'a')!;
  const own = e.model.nodes.find((n) => n.name === a.nodeName)!.internalIP!;
  const other = e.model.nodes.find((n) => n.name !== a.nodeName)!.internalIP!;
  expectTable(
    e,
    `ip:${own} -> x/a 80/TCP allow\nx/a -> ip:${own} 10250/TCP allow\nip:${other} -> x/a 80/TCP deny`,
  );
});

test('rule host-network: hostNetwork pods are node traffic: no policy selects them, peers see the node address', () => {
  const hn = `apiVersion: v1\nkind: Pod\nmetadata: {name: h, namespace: x, labels: {pod: a}}\nspec: {hostNetwork: true, containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}`;
  const e = engineFor(
    e2eTopology(
      `${hn}\n---\n${np('p', 'x', '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{podSelector: {matchLabels: {pod: a}}}]}]')}`,
    ),
  );
  const v = verdict(e, 'x/h', 'x/a', 80);
  const sameNode =
    e.model.pods.find((p) => p.name === 'h')!.nodeName ===
    e.model.pods.find((p) => p.namespace === 'x' && p.name === 'a')!.nodeName;
  assert.equal(
    v.allowed,
    sameNode,
    'a hostNetwork pod matches no podSelector; only its own node reaches x/a',
  );
  assert.equal(verdict(e, 'y/c', 'x/h', 80).ingress.reason, 'host-network');
  const asPod = engineFor(
    e2eTopology(
      `${hn}\n---\n${np('p', 'x', '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{podSelector: {matchLabels: {pod: a}}}]}]')}`,
    ),
    { hostNetwork: 'pod' },
  );
  expectTable(asPod, `x/h -> x/a 80/TCP allow\ny/c -> x/h 80/TCP deny`);
});

test('rule cni-not-enforcing: with flannel every connection is allowed and every verdict says so', () => {
  const profile =
    'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: flannel, enforcesNetworkPolicy: false}\n';
  const e = engineFor(e2eTopology(np('p', 'x', '  podSelector: {}\n  policyTypes: [Ingress, Egress]')), {
    profile,
  });
  expectTable(e, `x/a -> x/b 80/TCP allow`);
  assert.match(verdict(e, 'x/a', 'x/b', 80).warnings[0], /flannel does not enforce NetworkPolicy/);
});

test('rule deny-explained: a denial names each isolating policy and why each rule missed', () => {
  const text = e2eTopology(
    np(
      'p',
      'x',
      '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {name: "y"}}}], ports: [{port: 80}]}, {from: [{podSelector: {matchLabels: {pod: b}}}], ports: [{port: 81}]}]',
    ),
  );
  const e = engineFor(text);
  const v = verdict(e, 'y/b', 'x/a', 80);
  assert.equal(v.ingress.reason, 'no-rule-matched');
  assert.deepEqual(
    v.ingress.misses.map((m) => m.rule),
    [0, 1],
  );
  assert.match(
    v.ingress.misses[0].reason,
    /label name is missing \(labels: kubernetes.io\/metadata.name=y,ns=y\)/,
  );
  assert.match(v.ingress.misses[1].reason, /port 80\/TCP is not in \[81\/TCP\]/);
  assert.equal(
    v.ingress.misses[0].source?.line,
    text.split('\n').findIndex((l) => l.startsWith('  ingress: [')) + 1,
  );
});

test('rule allow-explained: an allow names the policy, rule and peer with file:line', () => {
  const e = engineFor(
    e2eTopology(
      np(
        'p',
        'x',
        '  podSelector: {matchLabels: {pod: a}}\n  ingress: [{from: [{podSelector: {matchLabels: {pod: c}}}, {podSelector: {matchLabels: {pod: b}}}]}]',
      ),
    ),
  );
  const m = verdict(e, 'x/b', 'x/a', 80).ingress.match!;
  assert.deepEqual(
    { policy: m.policy, rule: m.rule, peer: m.peer, tier: m.tier, file: m.source?.file },
    { policy: 'NetworkPolicy/x/p', rule: 0, peer: 1, tier: 'networkpolicy', file: 'test.yaml' },
  );
});
