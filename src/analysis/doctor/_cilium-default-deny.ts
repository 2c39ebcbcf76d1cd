import type { CiliumPolicy } from '../../model/cilium-policy.ts';
import { ciliumLabels } from '../../model/cilium-policy.ts';
import type { PolicyType } from '../../model/types.ts';

/**
 * Is `policy` a Cilium default deny for `type` over its whole namespace? A CiliumNetworkPolicy whose
 * `endpointSelector: {}` selects every pod of its namespace, with default deny on for that direction (Cilium turns
 * it on for each direction that has rules, unless `enableDefaultDeny` says otherwise) and no allow rule naming a
 * peer there (`ingress: [{}]` selects nothing and only isolates).
 * https://docs.cilium.io/en/stable/security/policy/intro/ (default mode),
 * https://docs.cilium.io/en/stable/security/policy/language/ (an empty EndpointSelector selects all endpoints of
 * the policy's namespace).
 */
export function isCiliumDefaultDeny(policy: CiliumPolicy, type: PolicyType): boolean {
  if (policy.kind !== 'CiliumNetworkPolicy') return false;
  const dir = type === 'Ingress' ? 'ingress' : 'egress';
  return policy.specs.some(
    (s) =>
      !!s.endpointSelector &&
      !s.endpointSelector.nothing &&
      // The builder scopes a namespaced policy's selector to its namespace: that requirement alone is `{}`.
      s.endpointSelector.requirements.every(
        (r) => r.key === ciliumLabels.namespace && r.operator === 'In' && r.values.length === 1,
      ) &&
      s.defaultDeny[dir] &&
      s.rules.every((r) => r.section !== dir || (r.peers !== 'all' && r.peers.length === 0)),
  );
}
