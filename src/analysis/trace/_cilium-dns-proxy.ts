/**
 * Cilium's DNS proxy on a pod's lookups: when every rule admitting the pod's queries to its DNS server carries
 * `rules.dns`, the proxy forwards only lookups of names one of them matches and answers the others REFUSED
 * (https://docs.cilium.io/en/stable/security/policy/language/#dns-based; cilium/cilium#6366 "Send REFUSED response
 * on policy deny"). A search-list walk asks the expanded forms first (`name.default.svc.cluster.local.`), so a
 * rule for `*.github.com` refuses those too: musl ends the search at a REFUSED reply, and Cilium's documentation
 * says so of musl only ("REFUSED vs NXDOMAIN responses"), while kubetwin's glibc walk stops there as well.
 */
import type { CiliumDnsRule } from '../../model/cilium-policy.ts';
import type { Pod } from '../../model/types.ts';
import { ciliumDnsMatches } from '../policy/index.ts';
import type { PodResolution } from '../dns/index.ts';
import type { TraceContext } from './_context.ts';
import { serviceHop } from './_service.ts';

/** The DNS rules every admitting rule of the pod's queries to `nameserver` carries; undefined: none restrict. */
export function proxyDnsRules(
  ctx: TraceContext,
  pod: Pod,
  nameserver: string | undefined,
): readonly CiliumDnsRule[] | undefined {
  const dnsSvc = nameserver ? ctx.serviceByIP(nameserver) : undefined;
  if (!dnsSvc || !ctx.engine.cilium.active) return undefined;
  const svc = serviceHop(ctx, dnsSvc, 53, 'UDP', { kind: 'pod', pod: `${pod.namespace}/${pod.name}` });
  const rules: CiliumDnsRule[] = [];
  for (const c of svc.candidates) {
    const to = c.pod ? ({ kind: 'pod', pod: c.pod } as const) : ({ kind: 'ip', ip: c.address } as const);
    const v = ctx.engine.explain({ kind: 'pod', pod }, to, c.port, 'UDP', false);
    if (!v.allowed) continue;
    if (!v.egress.dnsRules) return undefined;
    rules.push(...v.egress.dnsRules);
  }
  return rules.length ? rules : undefined;
}

/** What the proxy does to a resolution that kubetwin's walk answered. */
export interface ProxyRefusal {
  /** The queried name the proxy refuses. */
  readonly name: string;
  /** True: the answering name itself is refused (the lookup fails); false: an earlier form is (libc-dependent). */
  readonly answer: boolean;
  readonly why: string;
}

/**
 * The name of an answered walk that the DNS rules do not admit: the answering one first (then the lookup fails
 * whatever the libc), else the first earlier form; undefined when every queried name is admitted.
 */
export function proxyRefusal(res: PodResolution, rules: readonly CiliumDnsRule[]): ProxyRefusal | undefined {
  const steps = res.walk.steps;
  if (!res.walk.resolvedName || !steps.length) return undefined;
  const patterns = [...new Set(rules.map((r) => r.matchName ?? r.matchPattern ?? '*'))].sort().join(', ');
  const last = steps.length - 1;
  for (const i of [last, ...steps.keys()]) {
    const name = steps[i].name;
    if (rules.some((r) => ciliumDnsMatches(r, name))) continue;
    const answer = i === last;
    return {
      name,
      answer,
      why: `Cilium's DNS proxy refuses the lookup of ${name} (REFUSED): the pod's DNS rules admit only ${patterns}`,
    };
  }
  return undefined;
}
