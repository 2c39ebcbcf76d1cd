import { matches } from '../../lib/labels.ts';
import type { CiliumRule } from '../../model/cilium-policy.ts';
import type { PodClass } from './_classes.ts';
import type { CiliumTier } from './_cilium.ts';
import { entitiesOf } from './_cilium-peers.ts';

/**
 * The hostNetwork classes (in `node` mode, split by node: each is one node's address) that a Cilium rule's peers
 * match, seen from a pod on another node — as `decideSide` matches a node address: the entities `all`, `cluster`,
 * `remote-node` and `kube-apiserver` (when the address is one of the API server's), `reserved:` endpoint selectors
 * naming one of them, and node selectors (`fromNodes` / `toNodes`) by the node's labels; endpoint selectors, CIDR,
 * toServices and toFQDNs never match a node address. A pod on the same node sees `host` instead: that pair is
 * the caller's exception, as the own-node rule is.
 * https://docs.cilium.io/en/stable/security/policy/language/#entities-based
 */
export function hostPeers(tier: CiliumTier, rule: CiliumRule, hosts: readonly PodClass[]): number[] {
  if (rule.peers === 'all') return hosts.map((h) => h.id);
  const out: number[] = [];
  for (const h of hosts) {
    const pod = h.pods[0];
    const entities = entitiesOf({}, { ip: pod.ip, node: pod.nodeName }, tier.apiserver);
    const labels = tier.model.nodes.find((n) => n.name === pod.nodeName)?.labels;
    const hit = rule.peers.some((p) => {
      if (p.kind === 'entity') return entities.has(p.entity);
      if (p.kind === 'nodes') return !!labels && matches(p.selector, labels);
      if (p.kind !== 'endpoints') return false;
      const reserved = p.selector.requirements.find((r) => r.key.startsWith('reserved:'));
      return !!reserved && entities.has(reserved.key.slice('reserved:'.length));
    });
    if (hit) out.push(h.id);
  }
  return out;
}
