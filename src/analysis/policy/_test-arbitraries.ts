/**
 * fast-check arbitraries shared by the policy and matrix property tests: pod labels over `app`/`tier`, and Cilium
 * policies (namespaced in n0 or n1, or clusterwide) whose spec has an endpointSelector, allow and deny rules in
 * both directions and enableDefaultDeny, built from each test's own selector and rule arbitraries.
 */
import fc from 'fast-check';

/** Labels `app` and `tier` (values a, b), none to both. */
export const labelsArb = fc.dictionary(fc.constantFrom('app', 'tier'), fc.constantFrom('a', 'b'), {
  maxKeys: 2,
});

/** A CiliumNetworkPolicy (`ns` n0 or n1) or CiliumClusterwideNetworkPolicy (`ns` undefined) and its spec. */
export function ciliumPolicyArb<S, R>(
  selArb: fc.Arbitrary<S>,
  ruleArb: (dir: 'from' | 'to', deny: boolean) => fc.Arbitrary<R>,
) {
  const specArb = fc.record(
    {
      endpointSelector: selArb,
      ingress: fc.array(ruleArb('from', false), { maxLength: 2 }),
      ingressDeny: fc.array(ruleArb('from', true), { maxLength: 1 }),
      egress: fc.array(ruleArb('to', false), { maxLength: 2 }),
      egressDeny: fc.array(ruleArb('to', true), { maxLength: 1 }),
      enableDefaultDeny: fc.record({ ingress: fc.boolean(), egress: fc.boolean() }, { requiredKeys: [] }),
    },
    { requiredKeys: ['endpointSelector'] },
  );
  return fc.record({ ns: fc.constantFrom('n0', 'n1', undefined), spec: specArb });
}
