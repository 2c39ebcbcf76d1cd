import type { SourceRef } from '../model/diagnostic.ts';
import { cidrList, type Profile } from '../model/profile.ts';
import { cidrContains, formatIP, parseCidr, parseIP } from '../lib/ip.ts';
import type { Envelope } from './_envelope.ts';

/** A node that only pods tell of: its name, the address they report, and the pod range their IPs lie in. */
export interface ObservedNode {
  readonly name: string;
  hostIP?: string;
  /** The node-sized range (`nodeCIDRMaskSize`) of the cluster pod CIDR holding all its pods' IPs, if one does. */
  podCIDR?: string;
  readonly source: SourceRef;
}

/**
 * The nodes that pods read from a cluster (with `status.phase` or `status.hostIP`) name in `spec.nodeName` and
 * no Node object declares, in order of first mention, with the address the pods report (`status.hostIP`) and,
 * when the IPs of its (non-hostNetwork) pods all lie in one node-sized range of the pod CIDR, that range: the
 * range allocator hands each node one, and a node's pods take their IPs from it.
 * https://kubernetes.io/docs/concepts/cluster-administration/networking/
 */
export function nodesOfPods(
  envs: readonly Envelope[],
  declared: readonly string[],
  profile: Profile,
): ObservedNode[] {
  const known = new Set(declared);
  const out = new Map<string, ObservedNode>();
  const podIPs = new Map<string, string[]>();
  for (const env of envs) {
    if (env.kind !== 'Pod') continue;
    const f = env.f;
    const name = f.str(['spec', 'nodeName']);
    const hostIP = f.str(['status', 'hostIP']);
    // Only a pod read from a cluster vouches for its node; a hand-written nodeName may name no node at all.
    if (!name || known.has(name) || (!hostIP && f.get(['status', 'phase']) === undefined)) continue;
    const entry = out.get(name) ?? { name, source: env.raw.source };
    if (!entry.hostIP && hostIP && parseIP(hostIP)) entry.hostIP = hostIP;
    out.set(name, entry);
    const ip = f.str(['status', 'podIP']);
    if (ip && !f.bool(['spec', 'hostNetwork'])) podIPs.set(name, [...(podIPs.get(name) ?? []), ip]);
  }
  const cluster = parseCidr(cidrList(profile.podCIDR)[0]);
  if (cluster?.family === 4) {
    const mask = profile.nodeCIDRMaskSize;
    const size = 1n << BigInt(32 - mask);
    const claimed = new Set<string>();
    for (const [name, ips] of podIPs) {
      const parsed = ips.map(parseIP);
      const first = parsed[0];
      if (!first || first.family !== 4 || !cidrContains(cluster, first) || mask < cluster.prefix) continue;
      const range = parseCidr(
        `${formatIP({ family: 4, value: first.value - (first.value % size) })}/${mask}`,
      );
      if (!range || claimed.has(range.text) || !parsed.every((ip) => ip && cidrContains(range, ip))) continue;
      claimed.add(range.text);
      out.get(name)!.podCIDR = range.text;
    }
  }
  return [...out.values()];
}
