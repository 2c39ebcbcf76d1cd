/**
 * Where a Cilium rule's peers are not what they look like: L3 fields given as empty lists, and peer selectors of a
 * CiliumNetworkPolicy that name namespace labels (Cilium versions disagree on their scope).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor, expectTable, verdict } from './_test-helpers.ts';

const profile = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: cilium}\n';
const cnp = (name: string, spec: string) =>
  `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: ${name}, namespace: x}\nspec:\n  endpointSelector: {matchLabels: {pod: a}}\n${spec}`;
const cilium = (...policies: string[]) => engineFor(e2eTopology(policies.join('\n---\n')), { profile });

// cilium/cilium#29608 (Cilium 1.15): "In case of egress/ingress policies with an explicit (non-nil) empty slice in
// one of toEndpoints/fromEndpoints, toCIDR/fromCIDR, toCIDRSet/fromCIDRSet, toEntities/fromEntities no identities
// should be selected, thus falling back to default deny for an allow policy" (pkg/policy/types mergeEndpointSelectors).
test('rule cilium-empty-peer-list: an L3 field given as an empty list selects no peer', () => {
  const allow = cilium(cnp('empty', `  ingress:\n  - fromCIDR: []\n    toPorts: [{ports: [{port: "80"}]}]`));
  expectTable(allow, `x/b -> x/a 80/TCP deny\ny/b -> x/a 80/TCP deny\nx/b -> x/a 81/TCP deny`);
  const v = verdict(allow, 'x/b', 'x/a', 80);
  assert.match(v.ingress.misses[0]?.reason ?? '', /fromCIDR is an empty list, which selects no peer/);
  // Without the empty list the same rule admits every peer on 80.
  expectTable(
    cilium(cnp('ports', `  ingress:\n  - toPorts: [{ports: [{port: "80"}]}]`)),
    `x/b -> x/a 80/TCP allow`,
  );
  // An empty list in a deny rule denies nothing (it still isolates: allow what another rule admits).
  const deny = cilium(
    cnp(
      'deny',
      `  ingress: [{fromEndpoints: [{}]}]\n  ingressDeny:\n  - fromEntities: []\n    toPorts: [{ports: [{port: "80"}]}]`,
    ),
  );
  expectTable(deny, `x/b -> x/a 80/TCP allow\ny/b -> x/a 80/TCP deny`);
  const egress = cilium(
    cnp('egress', `  egress:\n  - toEndpoints: []\n  - toEndpoints: [{matchLabels: {pod: c}}]`),
  );
  expectTable(egress, `x/a -> x/b 80/TCP deny\nx/a -> x/c 80/TCP allow`);
});

const unknowns = (v: { warnings: readonly string[] }) =>
  v.warnings.filter((w) => w.endsWith('is not modeled by kubetwin and may change this verdict'));

// Cilium's sources add the policy's namespace to a peer selector "if !es.HasKeyPrefix(podK8SNamespaceLabelsPrefix)"
// (pkg/k8s/apis/cilium.io/utils, getEndpointSelector), so recent releases select pods of every namespace whose labels
// match; the documentation (https://docs.cilium.io/en/stable/security/policy/kubernetes/, "Namespace Specific
// Information") and older releases keep the selector in the policy's namespace.
test('rule cilium-namespace-labels-scope-unknown: namespace labels in a CiliumNetworkPolicy peer make other namespaces unknown', () => {
  const e = cilium(
    cnp(
      'nslabels',
      `  ingress:\n  - fromEndpoints: [{matchLabels: {io.cilium.k8s.namespace.labels.ns: "y", pod: b}}]`,
    ),
  );
  const other = verdict(e, 'y/b', 'x/a', 80);
  assert.equal(other.allowed, false, 'the modeled reading: the policy namespace applies');
  assert.equal(unknowns(other).length, 1);
  assert.match(
    unknowns(other)[0],
    /ingress\[0\]\.fromEndpoints\[0\] \(namespace labels without io\.kubernetes\.pod\.namespace/,
  );
  // Admitted by another rule: the selector's reading cannot change the verdict.
  const both = cilium(
    cnp(
      'nslabels',
      `  ingress:\n  - fromEndpoints: [{matchLabels: {io.cilium.k8s.namespace.labels.ns: "y", pod: b}}]\n  - fromEndpoints: [{matchLabels: {io.kubernetes.pod.namespace: "y", pod: b}}]`,
    ),
  );
  const admitted = verdict(both, 'y/b', 'x/a', 80);
  assert.equal(admitted.allowed, true);
  assert.deepEqual(unknowns(admitted), []);
  // Pods the selector does not match either way stay confident.
  assert.deepEqual(unknowns(verdict(e, 'z/b', 'x/a', 80)), []);
  assert.deepEqual(unknowns(verdict(e, 'y/c', 'x/a', 80)), []);
  // A selector naming the namespace, or a clusterwide policy, has one reading.
  const named = cilium(
    cnp(
      'named',
      `  ingress:\n  - fromEndpoints: [{matchLabels: {io.cilium.k8s.namespace.labels.ns: "y", io.kubernetes.pod.namespace: "y"}}]`,
    ),
  );
  const v = verdict(named, 'y/b', 'x/a', 80);
  assert.equal(v.allowed, true);
  assert.deepEqual(unknowns(v), []);
  assert.ok(
    e.tierWarnings.some((w) => w.includes('CiliumNetworkPolicy/x/nslabels ingress[0].fromEndpoints[0]')),
    'matrix warns too',
  );
});

// pkg/policy/api/rule_validation.go: "FromNodes/ToNodes rules can only be applied when the
// "enable-node-selector-labels" flag is set", and pkg/defaults: EnableNodeSelectorLabels = false. Refused, the
// policy is not imported at all; kubetwin does not read the agent's flags.
test('rule cilium-nodes-need-agent-flag-unknown: a policy with fromNodes or toNodes makes the verdicts it judges unknown', () => {
  const e = cilium(
    cnp(
      'nodes',
      `  ingress:\n  - fromNodes: [{}]\n  - fromEndpoints: [{matchLabels: {pod: b}}]\n  egress:\n  - toEndpoints: [{matchLabels: {pod: c}}]`,
    ),
  );
  const note =
    'CiliumNetworkPolicy/x/nodes ingress[0].fromNodes (Cilium accepts fromNodes/toNodes only when the agent runs with enable-node-selector-labels, off by default, and otherwise refuses the whole policy) is not modeled by kubetwin and may change this verdict';
  // Admitted by another rule of the policy, denied by it, or by its egress rules: refused, the policy decides nothing.
  for (const [from, to] of [
    ['x/b', 'x/a'],
    ['x/c', 'x/a'],
    ['x/a', 'x/b'],
  ])
    assert.deepEqual(unknowns(verdict(e, from, to, 80)), [note], `${from} -> ${to}`);
  assert.deepEqual(unknowns(verdict(e, 'x/b', 'x/c', 80)), [], 'pods the policy does not select');
  assert.ok(e.tierWarnings.some((w) => w.startsWith('CiliumNetworkPolicy/x/nodes ingress[0].fromNodes (')));
});

// cilium/cilium#46949 (open; affects 1.19, 1.20): "the NotIn selector does not require the existence of the label",
// and Cilium adds the namespace requirement only to selectors that do not name the namespace, so such a peer also
// selects world, host and remote-node identities.
test('rule cilium-negative-selector-unknown: a peer selector of only NotIn/DoesNotExist makes verdicts with addresses unknown', () => {
  const e = cilium(
    cnp(
      'notin',
      `  egress:\n  - toEndpoints: [{matchExpressions: [{key: io.kubernetes.pod.namespace, operator: NotIn, values: ["y"]}]}]`,
    ),
  );
  expectTable(e, `x/a -> z/b 80/TCP allow\nx/a -> y/b 80/TCP deny`);
  assert.deepEqual(unknowns(verdict(e, 'x/a', 'z/b', 80)), []);
  assert.deepEqual(unknowns(verdict(e, 'x/a', 'y/b', 80)), [], 'a pod the selector excludes');
  const world = verdict(e, 'x/a', 'ip:8.8.8.8', 443);
  assert.equal(world.allowed, false, 'kubetwin: endpoint selectors match pods only');
  assert.equal(unknowns(world).length, 1);
  assert.match(
    unknowns(world)[0],
    /egress\[0\]\.toEndpoints\[0\] \(a selector of only NotIn\/DoesNotExist requirements/,
  );
  // A positive requirement beside it keeps the selector on pods.
  const pods = cilium(
    cnp(
      'notin-app',
      `  egress:\n  - toEndpoints: [{matchExpressions: [{key: io.kubernetes.pod.namespace, operator: NotIn, values: ["y"]}, {key: pod, operator: Exists}]}]`,
    ),
  );
  assert.deepEqual(unknowns(verdict(pods, 'x/a', 'ip:8.8.8.8', 443)), []);
});

// pkg/k8s/apis/cilium.io/utils ParseToCiliumRule: "EndpointSelector always applies in namespace of the policy
// resource" — it sets k8s:io.kubernetes.pod.namespace to the policy's namespace; a match of another source stays.
test('rule cilium-endpoint-selector-foreign-namespace-unknown: an endpointSelector naming another namespace makes the policy unknown', () => {
  const policy = (ns: string) =>
    `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: other-ns, namespace: x}\nspec:\n  endpointSelector: {matchLabels: {io.kubernetes.pod.namespace: "${ns}", pod: a}}\n  ingress: [{}]`;
  const foreign = cilium(policy('y'));
  const v = verdict(foreign, 'x/b', 'x/a', 80);
  assert.equal(v.allowed, false, "kubetwin: the policy's namespace applies");
  assert.deepEqual(unknowns(v), [
    "CiliumNetworkPolicy/x/other-ns spec.endpointSelector (io.kubernetes.pod.namespace: y: a namespace other than the policy's; Cilium sets the k8s: one to x and keeps others beside it, so the policy may select no pod) is not modeled by kubetwin and may change this verdict",
  ]);
  assert.deepEqual(
    unknowns(verdict(foreign, 'x/b', 'y/a', 80)),
    [],
    'pods of the named namespace are not selected',
  );
  assert.deepEqual(unknowns(verdict(cilium(policy('x')), 'x/b', 'x/a', 80)), [], 'its own namespace');
});
