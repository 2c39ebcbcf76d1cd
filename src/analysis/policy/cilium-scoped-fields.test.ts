/**
 * Cilium rule fields whose reach is narrower than the rule: `icmps` (ICMP only) and a port rule's L7 or
 * listener fields (only its ports). Topology: the upstream e2e namespaces x, y, z with pods a, b, c serving 80
 * and 81.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor, expectTable, verdict } from './_test-helpers.ts';

const profile = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: cilium}\n';
const cnp = (name: string, spec: string) =>
  `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: ${name}, namespace: x}\nspec:\n${spec}`;
const cilium = (yaml: string) => engineFor(e2eTopology(yaml), { profile });
const notModeled = (w: readonly string[]) => w.filter((x) => /is not modeled by kubetwin/.test(x));

// https://docs.cilium.io/en/stable/security/policy/language/#icmp-icmpv6 and cilium/cilium pkg/policy/utils
// (`icmpRules`: each ICMP field becomes a port rule of protocol ICMP/ICMPv6, the rule's only L4 part).
test('rule cilium-icmps: an icmps rule admits or denies ICMP only, never a TCP, UDP or SCTP port', () => {
  const e = cilium(
    cnp(
      'icmp',
      `  endpointSelector: {matchLabels: {pod: a}}
  ingress:
  - fromEndpoints: [{matchLabels: {pod: b}}]
    icmps: [{fields: [{type: 8, family: IPv4}]}]
  - icmps: [{fields: [{type: EchoRequest, family: IPv4}]}]
  - fromEndpoints: [{matchLabels: {pod: c}}]
  egress:
  - toEntities: [all]
  egressDeny:
  - toEntities: [all]
    icmps: [{fields: [{type: 8}]}]`,
    ),
  );
  // x/b is admitted by nothing but an ICMP rule; x/c by an L3 rule; the ICMP egress deny leaves TCP to every peer allowed.
  expectTable(
    e,
    `x/b -> x/a 80/TCP deny\nx/b -> x/a 81/UDP deny\nx/c -> x/a 80/TCP allow\nx/a -> y/b 80/TCP allow`,
  );
  const v = verdict(e, 'x/b', 'x/a', 80);
  assert.match(v.ingress.misses.map((m) => m.reason).join('\n'), /its icmps admit ICMP only, not 80\/TCP/);
  assert.deepEqual(notModeled(v.warnings), []);
});

// https://docs.cilium.io/en/stable/security/policy/layer7/ — "Layer 7 policy rules are embedded into Layer 4 rules".
test('rule cilium-l7-port-scope: an unmodeled L7 part (Kafka) may change only verdicts it admits on its ports, unless a plain rule admits too', () => {
  const e = cilium(
    cnp(
      'kafka',
      `  endpointSelector: {matchLabels: {pod: a}}
  ingress:
  - fromEndpoints: [{matchLabels: {pod: b}}]
    toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules: {kafka: [{role: produce, topic: deathstar-plans}]}
    - ports: [{port: "81", protocol: TCP}]
  - fromEndpoints: [{matchLabels: {pod: c}}]
    toPorts:
    - ports: [{port: "80", protocol: TCP}]
      rules: {kafka: [{role: produce, topic: deathstar-plans}]}
  - fromEndpoints: [{matchLabels: {pod: c}}]
    toPorts: [{ports: [{port: "80", protocol: TCP}]}]`,
    ),
  );
  expectTable(
    e,
    `x/b -> x/a 80/TCP allow\nx/b -> x/a 81/TCP allow\nx/c -> x/a 80/TCP allow\ny/a -> x/a 80/TCP deny`,
  );
  assert.deepEqual(notModeled(verdict(e, 'x/b', 'x/a', 81).warnings), []);
  assert.deepEqual(notModeled(verdict(e, 'x/b', 'x/a', 80).warnings), [
    'CiliumNetworkPolicy/x/kafka ingress[0].toPorts[0].rules.kafka is not modeled by kubetwin and may change this verdict',
  ]);
  // "the layer 7 portions of the latter rule will have no effect" beside an L4 rule for the same peer and port.
  assert.deepEqual(notModeled(verdict(e, 'x/c', 'x/a', 80).warnings), []);
  assert.deepEqual(
    notModeled(verdict(e, 'y/a', 'x/a', 80).warnings),
    [],
    'Kafka rules only restrict: denied either way',
  );
});

// https://docs.cilium.io/en/stable/security/policy/language/#dns-based — lookups go through the DNS proxy,
// which lets through only names the DNS rules match.
test('rule cilium-dns-proxy-note: DNS rules on the admitting port say the proxy answers only the names they match', () => {
  const e = cilium(
    cnp(
      'dns',
      `  endpointSelector: {matchLabels: {pod: a}}
  egress:
  - toEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": z, pod: c}}]
    toPorts: [{ports: [{port: "81", protocol: ANY}], rules: {dns: [{matchPattern: "*.example.com"}, {matchName: api.example.org}]}}]
  - toEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": "y"}}]
    toPorts: [{ports: [{port: "81", protocol: ANY}], rules: {dns: [{matchPattern: "*"}]}}]
  - toEndpoints: [{matchLabels: {"k8s:io.kubernetes.pod.namespace": "y", pod: b}}]`,
    ),
  );
  expectTable(e, `x/a -> z/c 81/UDP allow\nx/a -> y/b 81/UDP allow\nx/a -> y/c 81/UDP allow`);
  const dnsNotes = (to: string) =>
    verdict(e, 'x/a', to, 81, 'UDP').egress.notes.filter((n) => n.startsWith('L7 DNS rules'));
  assert.deepEqual(dnsNotes('z/c'), [
    "L7 DNS rules apply on this port: the connection is admitted, but Cilium's DNS proxy answers only lookups of names matching *.example.com, api.example.org and rejects the others",
  ]);
  assert.equal(dnsNotes('y/c').length, 1, 'only DNS rules admit y/c');
  assert.deepEqual(dnsNotes('y/b'), [], 'an L3-only rule admits y/b with no DNS restriction');
});
