/**
 * NetworkPolicies share their `policyTypes` list with every policy of the same types, and an empty rule list with
 * every policy without rules in that direction (`_network-policies.ts`): one frozen object per content, which the
 * engine's compile fetches once instead of once per policy. The lists' contents are the API server's defaulting
 * (https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from './_test-helpers.ts';

const policy = (name: string, spec: string) => `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: x}
spec:
  podSelector: {}
${spec}`;

const egressRule = '  egress:\n  - to:\n    - podSelector: {}\n';
const ingressRule = '  ingress:\n  - from:\n    - podSelector: {}\n';

test('NetworkPolicy lists: policies with the same policyTypes share one frozen list, and policies without rules in a direction share one empty list', () => {
  const { model } = buildYaml(
    [
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n',
      policy('a-declared-ingress', '  policyTypes: [Ingress]\n' + ingressRule),
      policy('b-inferred-ingress', ingressRule),
      policy('c-declared-both', '  policyTypes: [Egress, Ingress]\n' + egressRule),
      policy('d-inferred-both', ingressRule + egressRule),
      policy('e-declared-egress', '  policyTypes: [Egress]\n' + egressRule),
      policy('f-deny-all', '  policyTypes: [Ingress, Egress]\n'),
    ].join(''),
  );
  const [a, b, c, d, e, f] = model.networkPolicies;
  assert.deepEqual(
    model.networkPolicies.map((p) => [p.name, p.policyTypes, p.policyTypesInferred]),
    [
      ['a-declared-ingress', ['Ingress'], false],
      ['b-inferred-ingress', ['Ingress'], true],
      ['c-declared-both', ['Ingress', 'Egress'], false],
      ['d-inferred-both', ['Ingress', 'Egress'], true],
      ['e-declared-egress', ['Egress'], false],
      ['f-deny-all', ['Ingress', 'Egress'], false],
    ],
  );
  assert.equal(a.policyTypes, b.policyTypes);
  assert.equal(c.policyTypes, d.policyTypes);
  assert.equal(c.policyTypes, f.policyTypes);
  assert.notEqual(a.policyTypes, c.policyTypes);
  assert.notEqual(a.policyTypes, e.policyTypes);
  for (const p of model.networkPolicies) assert.ok(Object.isFrozen(p.policyTypes), p.name);
  // Empty rule lists: one shared frozen list in both directions; a list with rules is the policy's own.
  assert.deepEqual([a.egress.length, c.ingress.length, e.ingress.length, f.ingress.length], [0, 0, 0, 0]);
  assert.equal(a.egress, b.egress);
  assert.equal(a.egress, c.ingress);
  assert.equal(a.egress, f.egress);
  assert.ok(Object.isFrozen(a.egress));
  assert.equal(a.ingress.length, 1);
  assert.notEqual(a.ingress, b.ingress);
  assert.ok(!Object.isFrozen(a.ingress));
});
