import { matches, type Labels } from '../../lib/labels.ts';
import type { CiliumRule } from '../../model/cilium-policy.ts';
import type { PodClass } from './_classes.ts';
import type { CiliumTier } from './_cilium.ts';
import { entitiesOf } from './_cilium-peers.ts';

/**
 * The hostNetwork classes (in `node` mode, split by node: each is one node's address) that Cilium rules' peers
 * match, seen from a pod on another node — as `decideSide` matches a node address: the entities `all`, `cluster`,
 * `remote-node` and `kube-apiserver` (when the address is one of the API server's), `reserved:` endpoint selectors
 * naming one of them, and node selectors (`fromNodes` / `toNodes`) by the node's labels; endpoint selectors, CIDR,
 * toServices and toFQDNs never match a node address. A pod on the same node sees `host` instead: that pair is
 * the caller's exception, as the own-node rule is. Each class's entities and node labels are read once.
 * https://docs.cilium.io/en/stable/security/policy/language/#entities-based
 */
export class HostPeers {
  readonly #hosts: readonly { id: number; entities: ReadonlySet<string>; labels?: Labels }[];

  constructor(tier: CiliumTier, hosts: readonly PodClass[]) {
    const labels = new Map(tier.model.nodes.map((n) => [n.name, n.labels]));
    this.#hosts = hosts.map((h) => ({
      id: h.id,
      entities: entitiesOf({}, { ip: h.firstPod.ip, node: h.firstPod.nodeName }, tier.apiserver),
      labels: labels.get(h.firstPod.nodeName ?? ''),
    }));
  }

  /** Ids of the classes the rule's peers match (ascending when the classes were given ascending). */
  of(rule: CiliumRule): number[] {
    if (rule.peers === 'all') return this.#hosts.map((h) => h.id);
    const peers = rule.peers.filter(
      (p) =>
        p.kind === 'entity' ||
        p.kind === 'nodes' ||
        (p.kind === 'endpoints' && p.selector.requirements.some((r) => r.key.startsWith('reserved:'))),
    );
    if (!peers.length) return [];
    const out: number[] = [];
    for (const h of this.#hosts) {
      const hit = peers.some((p) => {
        if (p.kind === 'entity') return h.entities.has(p.entity);
        if (p.kind === 'nodes') return !!h.labels && matches(p.selector, h.labels);
        if (p.kind !== 'endpoints') return false;
        const reserved = p.selector.requirements.find((r) => r.key.startsWith('reserved:'))!;
        return h.entities.has(reserved.key.slice('reserved:'.length));
      });
      if (hit) out.push(h.id);
    }
    return out;
  }
}
