import type { ClusterModel } from '../../model/types.ts';
import { parseCidr, type Cidr } from '../../lib/ip.ts';

/**
 * Every address range a policy tier names: NetworkPolicy ipBlock cidrs and excepts, admin policies' `networks`. The
 * ranges that cut the addresses outside the pods into classes a policy can tell apart (the internet, a node's
 * address against its tunnel device's).
 */
export function policyCidrTexts(model: ClusterModel): string[] {
  const out: string[] = [];
  for (const np of model.networkPolicies)
    for (const r of [...np.ingress, ...np.egress])
      if (r.peers !== 'all')
        for (const p of r.peers) if (p.ipBlock) out.push(p.ipBlock.cidr, ...p.ipBlock.except);
  for (const ap of model.adminPolicies ?? [])
    for (const r of [...ap.ingress, ...ap.egress]) for (const p of r.peers) out.push(...(p.networks ?? []));
  return out;
}

const parsed = new WeakMap<ClusterModel, readonly Cidr[]>();

/** `policyCidrTexts` parsed, once per model (nobody mutates a model). */
export function policyCidrs(model: ClusterModel): readonly Cidr[] {
  let list = parsed.get(model);
  if (!list)
    parsed.set(
      model,
      (list = policyCidrTexts(model)
        .map(parseCidr)
        .filter((c): c is Cidr => !!c)),
    );
  return list;
}
