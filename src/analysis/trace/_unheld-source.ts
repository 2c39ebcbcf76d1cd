import type { Pod, Protocol } from '../../model/types.ts';
import { formatIP } from '../../lib/ip.ts';
import { policyCidrs } from '../service-path/index.ts';
import type { Party } from '../policy/index.ts';
import type { TraceContext } from './_context.ts';
import { policyHop } from './_policy.ts';

/**
 * The policy hop of a load balancer that connects to the pods itself (an NLB with ip targets, an ALB in either
 * target mode): from the client's address when it keeps it (`kept`), else from its own private address in the
 * cloud network (`from` says which), which the input does not hold — so where a pod's ingress policies decide by
 * source (it is isolated), the verdict is unknown; judged here with the client's address.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/network/edit-target-group-attributes.html#client-ip-preservation
 */
export function unheldSourcePolicyHop(
  ctx: TraceContext,
  outside: Extract<Party, { kind: 'ip' }>,
  targets: Parameters<typeof policyHop>[2],
  protocol: Protocol,
  lb: { readonly kept: boolean; readonly from: string },
) {
  const pol = policyHop(ctx, outside, targets, protocol);
  if (lb.kept) return { ...pol, client: outside };
  const bySource = targets.filter((t) => {
    if (!t.pod) return true;
    const reason = ctx.engine.explain(outside, { kind: 'pod', pod: t.pod }, t.port, protocol).ingress.reason;
    return !sourceFree.has(reason) && sourceDecides(ctx, t.pod, t.port, protocol);
  });
  if (!bySource.length) return { ...pol, client: outside };
  const why = `the load balancer connects to ${bySource.map((t) => t.label).join(', ')} from ${lb.from}, which the input does not hold, and their ingress policies decide by source address`;
  return {
    ...pol,
    hop: {
      ...pol.hop,
      unknown: [...(pol.hop.unknown ?? []), why],
      details: [...pol.hop.details, `judged with the client's address ${outside.ip}; ${why}`],
    },
    client: outside,
  };
}

/** Ingress verdicts that do not depend on the source address. */
const sourceFree = new Set(['not-isolated', 'host-network', 'not-enforced', 'audit']);

/**
 * Does a pod's verdict for a connection from outside the cluster change with the source address? Of NetworkPolicy's
 * peers only `ipBlock` selects an address outside the cluster (pod and namespace selectors never do; admin
 * policies' `networks` likewise): https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors.
 * So the verdict is the same for every address when it is the same at one address of each range the policies' CIDRs
 * cut IPv4 into (a policy with no ingress rules, or rules of pod selectors only, denies every such source alike).
 * Cilium's rules (CIDR, entities) and IPv6 ranges are not cut here: there the source is taken to decide.
 */
function sourceDecides(ctx: TraceContext, pod: Pod, port: number, protocol: Protocol): boolean {
  if (ctx.engine.cilium.active) return true;
  const cidrs = policyCidrs(ctx.model);
  if (cidrs.some((c) => c.family !== 4)) return true;
  const end = 1n << 32n;
  const cuts = new Set<bigint>([0n]);
  for (const c of cidrs) {
    cuts.add(c.base);
    const next = c.base + (1n << BigInt(32 - c.prefix));
    if (next < end) cuts.add(next);
  }
  const seen = new Set<boolean>();
  for (const value of cuts)
    seen.add(
      ctx.engine.allows(
        { kind: 'ip', ip: formatIP({ family: 4, value }) },
        { kind: 'pod', pod },
        port,
        protocol,
      ),
    );
  return seen.size > 1;
}
