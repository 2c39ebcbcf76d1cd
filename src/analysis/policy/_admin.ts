import { matches, type Labels, type Selector } from '../../lib/labels.ts';
import { parseIP } from '../../lib/ip.ts';
import type { AdminPeer, AdminPolicy, AdminPort, AdminPodSelector } from '../../model/admin-policy.ts';
import type { ClusterModel, Pod, Protocol } from '../../model/types.ts';
import type { PartyTarget } from './_engine.ts';
import { blockContains, compileBlock, type CompiledBlock } from './_ip-blocks.ts';
import type { RuleRef } from './types.ts';

/** The admin and baseline tiers compiled for the side evaluator. */
export interface AdminTiers {
  readonly labelKeys: ReadonlySet<string>;
  readonly portNames: readonly { name: string; protocol: string }[];
  readonly blocks: readonly CompiledBlock[];
  /** No admin or baseline policy at all. */
  readonly empty: boolean;
  /** The first rule of the tier (by priority, then rule order) that matches, or undefined. */
  decide(
    tier: 'admin' | 'baseline',
    direction: 'Ingress' | 'Egress',
    subject: PartyTarget,
    peer: PartyTarget,
    port: number,
    protocol: Protocol,
    destination: Pod | undefined,
    unmodeled?: string[],
  ): RuleRef | undefined;
}

/**
 * An egress `domainNames` peer (AdminNetworkPolicy, Allow rules only) matches the addresses the implementation saw
 * the names resolve to; kubetwin resolves no public name, so a rule reached by a connection to an address outside
 * the cluster is named in `unmodeled` (the verdict then says unknown) and never matched.
 * https://network-policy-api.sigs.k8s.io/reference/spec/#policy.networking.k8s.io/v1alpha1.AdminNetworkPolicyEgressPeer
 *
 * Precedence of the Network Policy API: AdminNetworkPolicy / ClusterNetworkPolicy `tier: Admin` rules by
 * ascending priority (then rule order) before NetworkPolicy; `Pass` hands over to NetworkPolicy; the baseline
 * tier (BaselineAdminNetworkPolicy, `tier: Baseline`) applies only where no NetworkPolicy isolates the pod.
 * Ties in priority are undefined upstream; kubetwin orders them by kind and name.
 * https://network-policy-api.sigs.k8s.io/api-overview/#the-adminnetworkpolicy-resource
 */
export function compileAdminTiers(model: ClusterModel): AdminTiers {
  const policies = [...(model.adminPolicies ?? [])].sort(
    (a, b) =>
      a.priority - b.priority ||
      (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) ||
      (a.name < b.name ? -1 : 1),
  );
  const labelKeys = new Set<string>();
  const portNames: { name: string; protocol: string }[] = [];
  const blocks = new Map<string, CompiledBlock>();
  const keys = (s?: Selector) => s?.requirements.forEach((r) => labelKeys.add(r.key));
  for (const p of policies) {
    keys(p.subject.pods?.podSelector);
    for (const r of [...p.ingress, ...p.egress]) {
      for (const peer of r.peers) {
        keys(peer.pods?.podSelector);
        for (const n of peer.networks ?? []) {
          const b = compileBlock(n, []);
          if (b) blocks.set(n, b);
        }
      }
      if (r.ports !== 'all')
        for (const pp of r.ports)
          if (pp.name)
            for (const protocol of ['TCP', 'UDP', 'SCTP']) portNames.push({ name: pp.name, protocol });
    }
  }
  const nodeLabels = new Map(model.nodes.map((n) => [n.name, n.labels]));
  const nsLabels = new Map(model.namespaces.map((n) => [n.name, n.labels]));
  const podSel = (s: AdminPodSelector, pod: Pod) =>
    matches(s.namespaceSelector, nsLabels.get(pod.namespace) ?? {}) && matches(s.podSelector, pod.labels);
  const peerMatches = (peer: AdminPeer, t: PartyTarget): boolean => {
    if (t.pod && peer.namespaces && matches(peer.namespaces, nsLabels.get(t.pod.namespace) ?? {}))
      return true;
    if (t.pod && peer.pods && podSel(peer.pods, t.pod)) return true;
    if (
      !t.pod &&
      peer.nodes &&
      t.node !== undefined &&
      matches(peer.nodes, nodeLabels.get(t.node) ?? ({} as Labels))
    )
      return true;
    if (peer.networks) {
      const ips = (t.pod ? t.pod.ips : [t.ip]).map(parseIP);
      return peer.networks.some((n) => {
        const b = blocks.get(n);
        return !!b && ips.some((ip) => !!ip && blockContains(b, ip));
      });
    }
    return false;
  };
  return {
    labelKeys,
    portNames,
    blocks: [...blocks.values()],
    empty: policies.length === 0,
    decide(tier, direction, subject, peer, port, protocol, destination, unmodeled) {
      const pod = subject.pod;
      if (!pod) return undefined;
      for (const p of policies) {
        if ((p.tier === 'Admin') !== (tier === 'admin')) continue;
        if (!subjectMatches(p, pod, nsLabels.get(pod.namespace) ?? {})) continue;
        for (const rule of direction === 'Ingress' ? p.ingress : p.egress) {
          if (
            rule.ports !== 'all' &&
            !rule.ports.some((pp) => adminPortMatches(pp, port, protocol, destination))
          )
            continue;
          const hit = rule.peers.findIndex((pe) => peerMatches(pe, peer));
          if (hit < 0 && !peer.pod && unmodeled)
            rule.peers.forEach((pe, i) => {
              if (pe.domainNames)
                unmodeled.push(
                  `${p.key} ${direction.toLowerCase()}[${rule.index}].to[${i}].domainNames (${pe.domainNames.join(', ')})`,
                );
            });
          if (hit >= 0)
            return {
              tier,
              policy: p.key,
              rule: rule.index,
              peer: hit,
              action: rule.action,
              source: rule.peers[hit].source ?? rule.source,
            };
        }
      }
      return undefined;
    },
  };
}

function subjectMatches(p: AdminPolicy, pod: Pod, nsLabels: Labels): boolean {
  if (p.subject.namespaces) return matches(p.subject.namespaces, nsLabels);
  if (p.subject.pods)
    return (
      matches(p.subject.pods.namespaceSelector, nsLabels) && matches(p.subject.pods.podSelector, pod.labels)
    );
  return false;
}

/** Numeric ports and ranges match one protocol; a named port matches the destination pod's container port of that name. */
function adminPortMatches(
  pp: AdminPort,
  port: number,
  protocol: Protocol,
  destination: Pod | undefined,
): boolean {
  if (pp.name !== undefined)
    return !!destination?.ports.some(
      (cp) => cp.name === pp.name && cp.protocol === protocol && cp.containerPort === port,
    );
  if (pp.protocol !== protocol) return false;
  if (pp.port === undefined) return true;
  return pp.endPort !== undefined ? port >= pp.port && port <= pp.endPort : port === pp.port;
}
