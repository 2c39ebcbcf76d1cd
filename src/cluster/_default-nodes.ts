import { cidrList, defaultProfile, type Profile, type ProfileNode } from '../model/profile.ts';
import type { Node } from '../model/types.ts';
import { formatIP, parseCidr, parseIP } from '../lib/ip.ts';
import type { PodDraft } from './_workloads.ts';

/**
 * How many nodes the default cluster needs so that every pod fits (kubelet's `--max-pods`, the profile's
 * `maxPodsPerNode`): the pods bound to a node (DaemonSet pods, `spec.nodeName`) stay on theirs, the others share
 * what is left. Zero when the nodes are the user's (Node objects, a profile that lists nodes, observed nodes):
 * then a pod that does not fit is a real finding, and stays Pending.
 * https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/ (`--max-pods`)
 */
export function defaultNodesNeeded(
  profile: Profile,
  nodes: readonly Node[],
  drafts: readonly PodDraft[],
): number {
  if (profile.nodes !== defaultProfile.nodes || !nodes.length || nodes.some((n) => !n.fromProfile)) return 0;
  let bound = 0;
  let free = 0;
  for (const d of drafts) {
    if (d.statedPending && !d.explicitIPs.length) continue;
    if (d.phase === 'Succeeded' || d.phase === 'Failed') continue;
    if (d.boundNode) bound++;
    else free++;
  }
  const room = profile.maxPodsPerNode - Math.ceil(bound / nodes.length);
  if (room <= 0) return 0;
  const needed = Math.ceil(free / room);
  return needed > nodes.length ? needed : 0;
}

/**
 * How many nodes the pod CIDR can give a range to: the `/nodeCIDRMaskSize` subnets of each family's cluster range
 * (the node IPAM controller hands each node one, and a node past the last gets none: `CIDRNotAvailable`). The
 * default cluster never grows past it, so `replicas: 65536` on the default /16 stops at 256 nodes, its other pods
 * Pending and said, instead of hundreds of nodes without an address.
 * https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/ (`--node-cidr-mask-size`)
 */
export function podCidrNodeCapacity(profile: Profile): number {
  let capacity = Number.MAX_SAFE_INTEGER;
  for (const text of cidrList(profile.podCIDR)) {
    const cidr = parseCidr(text);
    if (!cidr) continue;
    const mask = cidr.family === 4 ? profile.nodeCIDRMaskSize : profile.nodeCIDRMaskSizeIPv6;
    const bits = mask - cidr.prefix;
    capacity = Math.min(capacity, bits < 0 ? 0 : bits >= 53 ? Number.MAX_SAFE_INTEGER : 2 ** bits);
  }
  return capacity;
}

/** The profile's nodes are kubetwin's stand-ins: neither the profile file nor the input lists any. */
export function usesDefaultNodes(profile: Profile): boolean {
  const origin = profile.origins?.nodes;
  return origin ? origin.from === 'default' : profile.nodes === defaultProfile.nodes;
}

/**
 * The default profile with `count` nodes: the three default nodes, then `node-4`, `node-5`, … in the same zones
 * in turn, with the next InternalIPs; their pod ranges are the pod CIDR's next free ones.
 */
export function withDefaultNodes(profile: Profile, count: number): Profile {
  const base = profile.nodes;
  const last = parseIP(base[base.length - 1].internalIP);
  const nodes: ProfileNode[] = [...base];
  for (let i = base.length; i < count; i++) {
    const zone = base[i % base.length].zone;
    const ip = last ? formatIP({ ...last, value: last.value + BigInt(i - base.length + 1) }) : undefined;
    nodes.push({ name: `node-${i + 1}`, ...(zone ? { zone } : {}), internalIP: ip ?? '' });
  }
  return { ...profile, nodes };
}
