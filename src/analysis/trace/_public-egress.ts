import type { Pod, Protocol } from '../../model/types.ts';
import { internetParties, policyCidrTexts } from '../service-path/index.ts';
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
  return publicEgressWords(publicEgress(ctx, pod, target));
}

/** `publicEgressSentence` for an egress already judged. */
export function publicEgressWords(e: PublicEgress): string {
  if (e.allowed === 'none')
    return `whatever it resolves to, ${e.where} is denied (isolated by ${e.isolating.join(', ')}): the request is blocked either way`;
  return e.allowed === 'all'
    ? `whether the request gets through is unknown: ${e.where} is allowed, so it depends on the address and what answers there`
    : `whether the request gets through is unknown: ${e.where} is allowed to some ranges and denied to others, so it depends on the address`;
}

/** How a pod's egress to public addresses on one port is judged (see publicEgressSentence), and its isolating policies. */
export interface PublicEgress {
  readonly allowed: 'all' | 'some' | 'none';
  /** The policies isolating the pod for the ranges denied, sorted. */
  readonly isolating: readonly string[];
  /** `egress from ns/pod to public addresses on port/protocol`. */
  readonly where: string;
}

/** Egress from a pod to every range of public addresses the policies distinguish, on one port (`host` for toFQDNs). */
export function publicEgress(
  ctx: TraceContext,
  pod: Pod,
  target: { readonly host: string; readonly port: number; readonly protocol: Protocol },
): PublicEgress {
  const { host, port, protocol } = target;
  const parties = internetParties(policyCidrTexts(ctx.model));
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
  return {
    allowed: allowed === 0 ? 'none' : allowed === parties.length ? 'all' : 'some',
    isolating: [...isolating].sort(),
    where: `egress from ${pod.namespace}/${pod.name} to public addresses on ${port}/${protocol}`,
  };
}
