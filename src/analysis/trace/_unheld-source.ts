import type { Protocol } from '../../model/types.ts';
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
    return !sourceFree.has(reason);
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
