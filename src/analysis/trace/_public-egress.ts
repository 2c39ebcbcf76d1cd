import type { Pod, Protocol } from '../../model/types.ts';
import { internetParties, policyCidrs } from '../reach/index.ts';
import type { TraceContext } from './_context.ts';

/**
 * Egress from a pod to every public address on one port, for a name kubetwin cannot resolve (public DNS is never
 * queried): when every public address is denied at the source, the request is blocked whatever the name resolves
 * to (a Cilium toFQDNs rule is matched by the name) — the outcome of kubernetes-network-policy-recipes 11 and 14 ("the IP addresses are resolved, but the traffic
 * is blocked"); otherwise the outcome depends on the unknown address.
 * https://github.com/ahmetb/kubernetes-network-policy-recipes/blob/master/14-deny-external-egress-traffic.md
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource (ipBlock)
 */
export function publicEgressSentence(
  ctx: TraceContext,
  pod: Pod,
  target: { readonly host: string; readonly port: number; readonly protocol: Protocol },
): string {
  const { host, port, protocol } = target;
  const parties = internetParties(policyCidrs(ctx.model));
  const isolating = new Set<string>();
  let allowed = 0;
  for (const p of parties) {
    const v = ctx.engine.explain(
      { kind: 'pod', pod },
      p.party.kind === 'ip' ? { ...p.party, fqdn: host } : p.party,
      port,
      protocol,
    ).egress;
    if (v.allowed) allowed++;
    else v.isolatedBy.forEach((i) => isolating.add(i.policy));
  }
  const where = `egress from ${pod.namespace}/${pod.name} to public addresses on ${port}/${protocol}`;
  if (allowed === 0)
    return `whatever it resolves to, ${where} is denied (isolated by ${[...isolating].sort().join(', ')}): the request is blocked either way`;
  return allowed === parties.length
    ? `whether the request gets through is unknown: ${where} is allowed, so it depends on the address and what answers there`
    : `whether the request gets through is unknown: ${where} is allowed to some ranges and denied to others, so it depends on the address`;
}
