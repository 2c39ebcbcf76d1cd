import { matches } from '../../lib/labels.ts';
import type { CiliumPolicy } from '../../model/cilium-policy.ts';
import type { ClusterModel } from '../../model/types.ts';

/** One end of a connection as host policies see it: a node (its address, or a hostNetwork pod) or not. */
export interface HostEnd {
  /** Set for a pod with its own network namespace: host policies never apply to it. */
  readonly pod?: unknown;
  readonly node?: string;
}

/**
 * Host firewall policies (a CiliumClusterwideNetworkPolicy spec with `nodeSelector`) apply to the host endpoint
 * of the nodes they select — traffic into a node (ingress) and out of it (egress), hostNetwork pods included —
 * when the agent runs with the host firewall enabled, and select by the host endpoint's labels, which are the
 * node's labels as Cilium's label filter keeps them.
 * https://docs.cilium.io/en/stable/security/host-firewall/
 * https://docs.cilium.io/en/stable/security/policy/language/#host-policies
 * kubetwin reads them but does not enforce them (whether the host firewall is on is not in the input), so a
 * verdict on a node end that such a spec may select, in that direction, is named here: `reach`/`test` then say
 * unknown. A node kubetwin has no Node object for may be selected by any host policy.
 */
export function hostPolicyWarnings(
  model: ClusterModel,
  policies: readonly CiliumPolicy[],
  src: HostEnd,
  dst: HostEnd,
): string[] {
  const out: string[] = [];
  const check = (end: HostEnd, direction: 'ingress' | 'egress') => {
    if (end.pod || end.node === undefined) return;
    const labels = model.nodes.find((n) => n.name === end.node)?.labels;
    for (const p of policies)
      for (const spec of p.specs) {
        if (!spec.nodeSelector || (labels && !matches(spec.nodeSelector, labels))) continue;
        const hasRules =
          spec.defaultDeny[direction] || spec.rules.some((r) => r.section.startsWith(direction));
        if (hasRules)
          out.push(
            `${p.key} ${spec.path}.nodeSelector (a host firewall policy that ${labels ? 'selects' : 'may select'} node ${end.node}, at ${direction}) is not modeled by kubetwin and may change this verdict`,
          );
      }
  };
  check(src, 'egress');
  check(dst, 'ingress');
  return out;
}
