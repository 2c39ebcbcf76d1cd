/**
 * Where Cilium's reading of a Kubernetes NetworkPolicy (and of a Cilium rule's port name) departs from the
 * upstream semantics kubetwin enforces, and differs between Cilium releases: such a verdict is named as not
 * modeled (so `reach`/`test` answer unknown) instead of given as the upstream answer. Pure: data in, notes out.
 */
import type { Selector } from '../../lib/labels.ts';
import type { NetworkPolicy, Pod, PolicyPeer, Protocol } from '../../model/types.ts';
import type { CiliumEntry } from './_cilium.ts';

/**
 * A NetworkPolicy peer whose `namespaceSelector` has only negative requirements (NotIn, DoesNotExist), with no
 * `podSelector` or one of negative requirements only. Cilium turns the peer into one endpoint selector of the
 * namespace-label requirements plus the pod selector's, and adds its "namespace exists" requirement only to an
 * empty `namespaceSelector` (cilium/cilium `pkg/k8s/network_policy.go`, `parseNetworkPolicyPeer`): a selector
 * that requires no label matches identities that are not pods — world, host, remote nodes — as well
 * (cilium/cilium#46949, open; the fix proposed in #46996 was not merged). Upstream, such a peer selects pods only.
 */
export function negativeOnlyPeer(peer: PolicyPeer): boolean {
  const ns = peer.namespaceSelector;
  if (!ns || ns.nothing || !ns.requirements.length) return false;
  return negative(ns) && (!peer.podSelector || negative(peer.podSelector));
}

function negative(s: Selector): boolean {
  return !s.nothing && s.requirements.every((r) => r.operator === 'NotIn' || r.operator === 'DoesNotExist');
}

/** Why a negative-only NetworkPolicy peer makes a verdict with an address unknown under Cilium. */
export const negativeNamespacePeerNote =
  'a namespaceSelector of only NotIn/DoesNotExist requirements, which Cilium releases (cilium/cilium#46949) may also match against world, host and remote-node identities';

/** The numbers each container port name has among the Cilium endpoints (pods not on the host network). */
export type NamedPortNumbers = ReadonlyMap<string, ReadonlySet<number>>;

const indexes = new WeakMap<readonly Pod[], NamedPortNumbers>();

/** `name/PROTOCOL` → the container port numbers pods give that name; computed once per pod list. */
export function namedPortNumbers(pods: readonly Pod[]): NamedPortNumbers {
  let out = indexes.get(pods);
  if (out) return out;
  const m = new Map<string, Set<number>>();
  for (const pod of pods) {
    if (pod.hostNetwork) continue;
    for (const cp of pod.ports) {
      if (!cp.name) continue;
      const k = `${cp.name}/${cp.protocol}`;
      let s = m.get(k);
      if (!s) m.set(k, (s = new Set()));
      s.add(cp.containerPort);
    }
  }
  out = m;
  indexes.set(pods, out);
  return out;
}

/**
 * An egress port given by name whose meaning differs across Cilium releases, or undefined when every release
 * reads it as upstream does (the destination pod's port of that name). Releases before cilium/cilium#44429
 * (merged in 2026) resolve an egress port name over the named ports of every endpoint of the cluster: when pods
 * give the name different numbers the agent skips the port ("duplicate named ports", cilium/cilium#30003), and
 * a destination that does not define the name (an outside address, a node, a pod without it) is still matched
 * on the number the cluster gives it; later releases resolve it over the destinations the rule selects.
 * Settled for `port`: no pod gives the name that number (no release matches it); the destination pod defines
 * the name and every pod that defines it gives the same number, or the destination gives it another number; the
 * destination is an address and pods give the name several numbers (no release matches it there).
 */
export function unsettledEgressPortName(
  numbers: NamedPortNumbers,
  name: string,
  protocol: Protocol,
  port: number,
  destination: Pod | undefined,
): string | undefined {
  const known = [...(numbers.get(`${name}/${protocol}`) ?? [])].sort((a, b) => a - b);
  if (!known.includes(port)) return undefined;
  const own = destination?.ports.find((cp) => cp.name === name && cp.protocol === protocol);
  if (own && (known.length === 1 || own.containerPort !== port)) return undefined;
  // An address defines no name: releases before #44429 skip a conflicting name, later ones find none there.
  if (!destination && known.length > 1) return undefined;
  const given = `pods of the cluster give ${name}/${protocol} the number${known.length > 1 ? 's' : ''} ${known.join(', ')}`;
  const where = own ? '' : `, the destination does not define it`;
  return `an egress port name: ${given}${where}; Cilium releases before cilium/cilium#44429 resolve it over every pod of the cluster and skip it on a conflict ("duplicate named ports", cilium/cilium#30003), later ones over the destinations the rule selects`;
}

/** One egress rule's port names, as `tierWarnings` lists them: `CiliumNetworkPolicy/ns/p egress[0].toPorts`. */
export interface NamedEgressPorts {
  readonly where: string;
  readonly names: readonly { readonly name: string; readonly protocol: string }[];
}

/**
 * The answer-wide warnings (`matrix`) for the readings above: every NetworkPolicy peer of only negative
 * namespace requirements (cells with node addresses may differ), and every egress port name that pods give
 * several numbers (cells on those numbers may differ). Sorted by the caller.
 */
export function knpTierWarnings(
  networkPolicies: readonly NetworkPolicy[],
  pods: readonly Pod[],
  ciliumEgress: readonly NamedEgressPorts[],
): string[] {
  const out: string[] = [];
  const numbers = namedPortNumbers(pods);
  const conflicting = (where: string, names: NamedEgressPorts['names']) => {
    for (const { name, protocol } of names) {
      const known = [...(numbers.get(`${name}/${protocol}`) ?? [])].sort((a, b) => a - b);
      if (known.length > 1)
        out.push(
          `${where} port ${name}/${protocol} (an egress port name pods give the numbers ${known.join(', ')}: Cilium releases before cilium/cilium#44429 skip it, "duplicate named ports") is not modeled by kubetwin and may change verdicts on those ports`,
        );
    }
  };
  for (const np of networkPolicies) {
    np.ingress.forEach((r) => {
      if (r.peers !== 'all')
        r.peers.forEach((p, k) => {
          if (negativeOnlyPeer(p))
            out.push(
              `${np.key} ingress[${r.index}].from[${k}] (${negativeNamespacePeerNote}) is not modeled by kubetwin and may change verdicts with addresses: cells show pods matched only`,
            );
        });
    });
    np.egress.forEach((r) => {
      if (r.peers !== 'all')
        r.peers.forEach((p, k) => {
          if (negativeOnlyPeer(p))
            out.push(
              `${np.key} egress[${r.index}].to[${k}] (${negativeNamespacePeerNote}) is not modeled by kubetwin and may change verdicts with addresses: cells show pods matched only`,
            );
        });
      if (r.ports !== 'all')
        conflicting(
          `${np.key} egress[${r.index}]`,
          r.ports.flatMap((pp) =>
            typeof pp.port === 'string' ? [{ name: pp.port, protocol: pp.protocol }] : [],
          ),
        );
    });
  }
  for (const e of ciliumEgress) conflicting(e.where, e.names);
  return out;
}

/** The port names of the Cilium egress rules (allow and deny), for `knpTierWarnings`. */
export function egressPortNamesOf(entries: readonly CiliumEntry[]): NamedEgressPorts[] {
  return entries.flatMap((e) =>
    e.rule.section.startsWith('egress') && e.rule.toPorts !== 'all'
      ? [
          {
            where: `${e.policy.key} ${e.path}.toPorts`,
            names: e.rule.toPorts.flatMap((pr) =>
              pr.ports.flatMap((pp) =>
                typeof pp.port !== 'string'
                  ? []
                  : pp.protocol === 'ANY'
                    ? (['TCP', 'UDP', 'SCTP'] as const).map((protocol) => ({
                        name: pp.port as string,
                        protocol,
                      }))
                    : [{ name: pp.port, protocol: pp.protocol }],
              ),
            ),
          },
        ]
      : [],
  );
}
