import { cidrContains, parseCidr, parseIP } from '../../lib/ip.ts';
import type { ClusterModel } from '../../model/types.ts';
import type { Argv, LabNode, LabPod, LabPort } from './types.ts';

/** The address every pod's default gateway has (on each host-side veth), as Calico does it: link-local, never routed. */
export const GATEWAY = '169.254.1.1';

export interface Topology {
  readonly fabric: string;
  readonly nodes: LabNode[];
  readonly pods: LabPod[];
  readonly skipped: { key: string; reason: string }[];
  readonly namespaces: string[];
  readonly commands: Argv[];
}

const isV4 = (ip: string | undefined) => !!ip && parseIP(ip)?.family === 4;

/**
 * Namespaces, links, addresses and routes. Pod netns `PREFIXpN` holds `eth0` with the pod IP/32 and a default
 * route to the node end of its veth (`PREFIXpN` in the node netns, holding 169.254.1.1/32 and a /32 route back to
 * the pod). Node netns `PREFIXnN` holds the node's InternalIP/32 on `PREFIXfab`, a veth whose peer is a port of
 * the bridge in `PREFIXfabric`; routes to the other nodes and their pod CIDRs go over it. Nothing is created in the
 * host namespace and no namespace has a route out of the lab.
 */
export function planTopology(model: ClusterModel, prefix: string): Topology {
  const p = (s: string) => `${prefix}${s}`;
  const fabric = p('fabric');
  const bridge = p('br');
  const nodes: LabNode[] = [];
  const skipped: { key: string; reason: string }[] = [];
  model.nodes.forEach((n, i) => {
    if (!isV4(n.internalIP)) return;
    nodes.push({
      name: n.name,
      netns: p(`n${i}`),
      ip: n.internalIP!,
      podCIDRs: n.podCIDRs.filter((c) => c.includes('.')),
      fabricLink: p('fab'),
      fabricPeer: p(`n${i}`),
    });
  });
  const nodeByName = new Map(nodes.map((n) => [n.name, n]));
  const pods: LabPod[] = [];
  model.pods.forEach((pod, i) => {
    const why = pod.hostNetwork
      ? 'hostNetwork: the pod shares its node namespace (policies treat it as the node)'
      : !pod.ip
        ? 'no pod IP (not scheduled or no free address)'
        : !isV4(pod.ip)
          ? 'IPv6 pod address: the lab builds IPv4 only'
          : !pod.nodeName || !nodeByName.has(pod.nodeName)
            ? `node ${pod.nodeName ?? '<none>'} has no IPv4 InternalIP in the model`
            : undefined;
    if (why) return void skipped.push({ key: pod.key, reason: why });
    const ports: LabPort[] = [];
    const skippedPorts: LabPort[] = [];
    const seen = new Set<string>();
    for (const cp of pod.ports) {
      const port: LabPort = { port: cp.containerPort, protocol: cp.protocol, name: cp.name };
      const id = `${cp.containerPort}/${cp.protocol}`;
      if (seen.has(id)) continue;
      seen.add(id);
      (cp.protocol === 'SCTP' ? skippedPorts : ports).push(port);
    }
    pods.push({
      key: pod.key,
      ref: `${pod.namespace}/${pod.name}`,
      netns: p(`p${i}`),
      node: pod.nodeName!,
      ip: pod.ip!,
      hostLink: p(`p${i}`),
      ports,
      skippedPorts,
      serve: ports,
      dns: [],
    });
  });
  const commands: Argv[] = [];
  const ip = (ns: string, ...args: string[]) => commands.push(['ip', '-n', ns, ...args]);
  const sysctl = (ns: string, ...kv: string[]) =>
    commands.push(['ip', 'netns', 'exec', ns, 'sysctl', '-q', '-w', ...kv]);
  // Ordered in phases, one namespace after the other (fabric, each node, each pod), so that an executor may
  // send each namespace's commands to one `ip -n NS -batch -`: a link is created before its peer end is used.
  ip(fabric, 'link', 'set', 'lo', 'up');
  ip(fabric, 'link', 'add', bridge, 'type', 'bridge');
  ip(fabric, 'link', 'set', bridge, 'up');
  for (const n of nodes) {
    ip(fabric, 'link', 'add', n.fabricPeer, 'type', 'veth', 'peer', 'name', n.fabricLink, 'netns', n.netns);
    ip(fabric, 'link', 'set', n.fabricPeer, 'master', bridge, 'up');
  }
  // ClusterIPs are routed onto the fabric, as a node's default route carries them: a connection kube-proxy does not
  // DNAT (a Service port without endpoints) then reaches the forward hook, where kube-proxy rejects it, instead of
  // failing the route lookup. Nothing answers those addresses on the fabric: the packets stay in the lab.
  const serviceRanges = model.profile.serviceCIDR
    .split(',')
    .map((c) => c.trim())
    .filter((c) => parseCidr(c)?.family === 4);
  const ranges = serviceRanges.map((c) => parseCidr(c)!);
  const outside = new Set<string>();
  for (const svc of model.services)
    for (const cip of svc.clusterIPs) {
      const ipv = parseIP(cip);
      if (ipv?.family === 4 && !ranges.some((r) => cidrContains(r, ipv))) outside.add(`${cip}/32`);
    }
  const serviceRoutes = [...serviceRanges, ...[...outside].sort()];
  for (const n of nodes) {
    sysctl(
      n.netns,
      'net.ipv4.ip_forward=1',
      'net.ipv4.conf.all.rp_filter=0',
      'net.ipv4.conf.default.rp_filter=0',
      // Policy rejects answer with ICMP at probe rate: no rate limit inside the lab.
      'net.ipv4.icmp_ratelimit=0',
      'net.ipv4.icmp_msgs_per_sec=100000',
      'net.ipv4.icmp_msgs_burst=100000',
    );
    ip(n.netns, 'link', 'set', 'lo', 'up');
    ip(n.netns, 'addr', 'add', `${n.ip}/32`, 'dev', n.fabricLink);
    ip(n.netns, 'link', 'set', n.fabricLink, 'up');
    for (const other of nodes) {
      if (other === n) continue;
      ip(n.netns, 'route', 'add', `${other.ip}/32`, 'dev', n.fabricLink);
      for (const cidr of other.podCIDRs)
        ip(n.netns, 'route', 'add', cidr, 'via', other.ip, 'dev', n.fabricLink, 'onlink');
    }
    for (const r of serviceRoutes) ip(n.netns, 'route', 'add', r, 'dev', n.fabricLink);
    for (const pod of pods) {
      if (pod.node !== n.name) continue;
      ip(n.netns, 'link', 'add', pod.hostLink, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', pod.netns);
      ip(n.netns, 'addr', 'add', `${GATEWAY}/32`, 'dev', pod.hostLink);
      ip(n.netns, 'link', 'set', pod.hostLink, 'up');
      ip(n.netns, 'route', 'add', `${pod.ip}/32`, 'dev', pod.hostLink);
    }
  }
  for (const pod of pods) {
    ip(pod.netns, 'link', 'set', 'lo', 'up');
    ip(pod.netns, 'addr', 'add', `${pod.ip}/32`, 'dev', 'eth0');
    ip(pod.netns, 'link', 'set', 'eth0', 'up');
    ip(pod.netns, 'route', 'add', `${GATEWAY}/32`, 'dev', 'eth0', 'scope', 'link');
    ip(pod.netns, 'route', 'add', 'default', 'via', GATEWAY, 'dev', 'eth0');
  }
  const namespaces = [fabric, ...nodes.map((n) => n.netns), ...pods.map((x) => x.netns)];
  return { fabric, nodes, pods, skipped, namespaces, commands };
}
