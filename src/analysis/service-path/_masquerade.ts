import { policyCidrs } from './_policy-cidrs.ts';
import { k3sDisabled, k3sServerArgs } from '../../model/k3s-node-args.ts';
import type { ClusterModel, Node, Pod, Service } from '../../model/types.ts';
import { cidrAt, cidrSize, cidrsOverlap, formatIP, parseCidr, parseIP } from '../../lib/ip.ts';
import {
  calicoNode,
  crossesSubnet,
  flannelBackend,
  poolOf,
  type CalicoNode,
  type CalicoPool,
  type FlannelBackend,
} from './_cni-devices.ts';
import { serviceLbPods, serviceLbPodsOn } from './_servicelb.ts';

/**
 * One address kube-proxy's masquerade can give a connection: what the endpoint (and its ingress policies) sees.
 * `range` is set when `ip` stands in for any address of that range (a tunnel address the CNI's IPAM picks).
 */
export interface MasqueradeSource {
  readonly ip: string;
  readonly range?: string;
  /** The node whose kube-proxy masquerades. */
  readonly node: string;
  /** The node's device the address is on (`flannel.1`, `cni0`, a tunnel); undefined for the node's own address. */
  readonly device?: string;
  /** Which device the address is on, and why the kernel picks it. */
  readonly why: string;
  /** The client's own address, which a policy on the masquerading node may judge before the rewrite. */
  readonly unmasqueraded?: boolean;
  /** The pod whose own address it is (a k3s ServiceLB svclb pod): judged as that pod, egress included. */
  readonly pod?: Pod;
}

/** Where the masquerading node forwards to: the endpoint's node, or undefined when that is not known. */
export interface MasqueradeHop {
  /** The node that takes the connection (the node port's node); undefined: any node (a load balancer picks one). */
  readonly via?: string;
  readonly endpointNode?: string;
  /** The endpoint's address, for its family. */
  readonly endpointIP: string;
  /** The connection came from outside through a load-balancer address (k3s's ServiceLB may carry it). */
  readonly loadBalancer?: boolean;
  /** The Service it came through, whose svclb pods carry it; undefined: any Service's. */
  readonly service?: Pick<Service, 'namespace' | 'name'>;
  /**
   * The client's own address, from outside: on the node that masquerades and hosts the endpoint, a CNI that enforces
   * policy in the iptables FORWARD chain judges the packet before kube-proxy's POSTROUTING masquerade rewrites it.
   */
  readonly client?: string;
}

/**
 * The addresses kube-proxy's masquerade can give a connection it forwards to an endpoint. Its rule is
 * `KUBE-POSTROUTING … -j MASQUERADE` (kubernetes/kubernetes pkg/proxy/iptables/proxier.go; the nftables proxier's
 * `masquerade fully-random`, IPVS the same chain): MASQUERADE takes the address the kernel picks for the outgoing
 * interface toward the endpoint, which is the node's own address only when that interface is the node's uplink.
 * Per CNI, from its sources:
 * - flannel, k3s's embedded flannel, Canal: another node's pods are routed over `flannel.1`, which flannel's VXLAN
 *   backend (the default; k3s's and Canal's too) addresses with the `.0` of the node's pod range, as a /32 "used as a
 *   source address for host to workload traffic" (flannel-io/flannel pkg/backend/vxlan/vxlan.go); its host-gw
 *   backend routes over the uplink (the node's address). A pod on the same node is reached over the `cni0` bridge,
 *   which the bridge plugin gives the range's gateway, `.1` (flannel's CNI plugin delegates to bridge with
 *   isGateway; host-local's default gateway). Where flanneld's Node annotation `flannel.alpha.coreos.com/backend-type`
 *   or the `net-conf.json` of its ConfigMap names the backend (`flannelBackend`), only that backend's address is
 *   judged (`flannelRemote`): the exact source.
 * - Calico: another node's pods are routed over `tunl0` (IPIP) or `vxlan.calico` (VXLAN), whose address Calico IPAM
 *   takes from the IP pool, from the node's block (https://docs.tigera.io/calico/latest/reference/resources/node,
 *   ipv4IPIPTunnelAddr / ipv4VXLANTunnelAddr); without encapsulation (BGP, or CrossSubnet within a subnet) over the
 *   uplink. A pod on the same node is routed over its `cali*` veth, which has no address: the kernel takes the
 *   node's. Where calico-node's Node annotations name the tunnel and node addresses (`calicoNode`), those are
 *   judged (`calicoRemote`); else kubetwin's stand-in for the tunnel address is the first of the node's pod range.
 * - Cilium (and GKE Dataplane V2, Cilium-based): the node's address, which its policy tier identifies as `host` or
 *   `remote-node` whatever address the packet carries (`_cilium-hosts.ts`).
 * - the AWS VPC CNI: pods hold VPC addresses, routed over the uplink: the node's address.
 * - any other CNI: kubetwin does not model its devices; the node's address and the first two of its pod range (where
 *   bridge- and tunnel-based CNIs put their own) are judged.
 * - an endpoint on the masquerading node itself, from outside: the packet is forwarded there, and a CNI that enforces
 *   policy in netfilter's FORWARD chain (Calico and Canal's Felix, k3s's kube-router controller, any unmodeled CNI)
 *   judges it before POSTROUTING, where the masquerade happens: the client's own address is a candidate too
 *   (https://kubernetes.io/docs/concepts/services-networking/network-policies/: "it is not defined whether this
 *   happens before or after NetworkPolicy processing"). Cilium and the VPC CNIs judge at the pod's own interface,
 *   after it.
 * - k3s (its embedded flannel) through a load-balancer address: its ServiceLB may carry the connection instead, a
 *   `svclb-*` pod on the node that DNATs it to the ClusterIP and masquerades it from the pod's own address
 *   (k3s-io/klipper-lb `entry`: `-t nat -I POSTROUTING -d <dest> -j MASQUERADE`); kube-proxy then leaves a pod's
 *   source as it is. Where the input holds the Service's svclb pods (a dump), the Ready one on the node is that
 *   source, judged as the pod it is, and a node without one has none (`_servicelb.ts`); where a k3s server's
 *   `--disable servicelb` runs no ServiceLB, there is none; otherwise kubetwin,
 *   which does not build those pods, stands in the last address of the node's range for one.
 * Sorted by address, one entry per address.
 */
export function masqueradeSources(model: ClusterModel, hop: MasqueradeHop): MasqueradeSource[] {
  const nodes = hop.via ? model.nodes.filter((n) => n.name === hop.via) : model.nodes;
  const family = parseIP(hop.endpointIP)?.family ?? 4;
  const out = new Map<string, MasqueradeSource>();
  for (const node of nodes)
    for (const s of nodeSources(model, node, family, hop)) if (!out.has(s.ip)) out.set(s.ip, s);
  return [...out.values()].sort((a, b) => cmpIP(a.ip, b.ip));
}

function nodeSources(model: ClusterModel, node: Node, family: 4 | 6, hop: MasqueradeHop): MasqueradeSource[] {
  const endpointNode = hop.endpointNode;
  const cni = model.profile.cni.name.toLowerCase();
  const own = node.internalIP && parseIP(node.internalIP)?.family === family ? node.internalIP : undefined;
  const rangeText = node.podCIDRs.find((c) => parseCidr(c)?.family === family);
  const range = rangeText ? parseCidr(rangeText) : undefined;
  const at = (i: bigint) => (range ? formatIP(cidrAt(range, i)) : undefined);
  // An endpoint whose node is not known may be on this node or another.
  const same = endpointNode === undefined || endpointNode === node.name;
  const other = endpointNode !== node.name;
  const out: MasqueradeSource[] = [];
  const device = (ip: string | undefined, name: string, why: string, wide?: string) => {
    if (ip) out.push({ ip, node: node.name, device: name, why, ...(wide ? { range: wide } : {}) });
  };
  const nodeAddress = (why: string) => {
    if (own) out.push({ ip: own, node: node.name, why: `node ${node.name}'s address: ${why}` });
  };
  const client = hop.client && parseIP(hop.client)?.family === family ? hop.client : undefined;
  const beforeMasquerade = () => {
    if (same && client)
      out.push({
        ip: client,
        node: node.name,
        unmasqueraded: true,
        why: `the client's own address: on ${node.name}, which hosts the endpoint, the CNI's FORWARD-chain policy may judge it before the masquerade (the order is undefined upstream)`,
      });
  };
  if (cni === 'cilium' || cni === 'gke-dataplane-v2' || cni === 'aws-vpc-cni') {
    nodeAddress(
      cni === 'aws-vpc-cni'
        ? 'pods hold VPC addresses, routed over the uplink'
        : 'Cilium identifies it as host or remote-node',
    );
    return out;
  }
  const uplink = (ip: string | undefined, why: string) => {
    if (ip) out.push({ ip, node: node.name, why: `node ${node.name}'s address: ${why}` });
  };
  const pushRemote = (r: Remote) => {
    if (r.device) device(r.ip, r.device, r.why, r.range);
    else uplink(r.ip, r.why);
  };
  if (cni === 'flannel' || cni === 'k3s-flannel' || cni === 'canal') {
    beforeMasquerade();
    if (same) device(at(1n), 'cni0', `${node.name}'s cni0 bridge, the gateway of its pod range ${rangeText}`);
    if (other) {
      const remote = flannelRemote(flannelBackend(model, node, family), node.name, family, at(0n), own);
      for (const r of remote) pushRemote(r);
    }
    if (cni === 'k3s-flannel' && hop.loadBalancer) out.push(...serviceLbSources(model, node, family, hop));
    return out;
  }
  if (cni === 'calico') {
    beforeMasquerade();
    if (other) {
      const peer = endpointNode ? model.nodes.find((n) => n.name === endpointNode) : undefined;
      const remote = calicoRemote(
        {
          mine: calicoNode(node, family),
          peer: peer && calicoNode(peer, family),
          pool: poolOf(model, hop.endpointIP),
        },
        { node: node.name, family, own, standIn: at(0n), range: rangeText },
      );
      if (remote) for (const r of remote) pushRemote(r);
      else {
        device(
          at(0n),
          'tunl0 or vxlan.calico',
          `${node.name}'s IPIP or VXLAN tunnel, whose address Calico IPAM takes from the node's block; kubetwin stands in the first of ${rangeText}`,
          rangeText,
        );
        nodeAddress('Calico without encapsulation, BGP or CrossSubnet within a subnet');
      }
    }
    if (same) nodeAddress("the endpoint's cali* veth has no address of its own");
    return out;
  }
  const name = model.profile.cni.name;
  beforeMasquerade();
  nodeAddress(`kubetwin does not model the devices of CNI ${name}`);
  device(
    at(0n),
    `a ${name} device`,
    `the first address of ${node.name}'s pod range, where a ${name} device may be`,
  );
  device(
    at(1n),
    `a ${name} device`,
    `the gateway of ${node.name}'s pod range, where a ${name} device may be`,
  );
  return out;
}

/** One address toward another node's pod: a device's, or (no device) the node's uplink address. */
interface Remote {
  readonly ip: string | undefined;
  readonly device?: string;
  /** The range a stand-in address stands for. */
  readonly range?: string;
  readonly why: string;
}

/**
 * flannel toward another node's pod, by backend (flannel-io/flannel pkg/backend): vxlan routes over `flannel.1`
 * (`flannel-v6.1`), ipip over `flannel.ipip` and wireguard over `flannel-wg`, each addressed with the `.0` of the
 * node's lease as a /32 (vxlan/device.go, ipip/ipip.go: "just used as a source address for host to workload
 * traffic"; wireguard/device.go `Configure(lease.Subnet.IP)`); host-gw routes via the peer's public IP over the
 * external interface (hostgw/hostgw.go), so the kernel takes that interface's address, flannel's `public-ip`.
 * vxlan and ipip with DirectRouting do the same for a node on the same subnet, which kubetwin cannot tell.
 * Without a backend kubetwin can read, or for another backend: the tunnel's and the node's address, both judged.
 */
function flannelRemote(
  b: FlannelBackend | undefined,
  node: string,
  family: 4 | 6,
  first: string | undefined,
  own: string | undefined,
): Remote[] {
  const uplinkIP = b?.publicIP ?? own;
  const tunnel: Record<string, string | undefined> = {
    vxlan: family === 4 ? 'flannel.1' : 'flannel-v6.1',
    wireguard: 'flannel-wg',
    ipip: family === 4 ? 'flannel.ipip' : undefined,
  };
  if (!b || !(b.type in tunnel || b.type === 'host-gw'))
    return [
      { ip: first, device: 'flannel.1', why: `${node}'s flannel.1, flannel's VXLAN backend (its default)` },
      {
        ip: own,
        why: b
          ? `flannel's ${b.type} backend (${b.from}), whose devices kubetwin does not model`
          : "flannel's host-gw backend routes over the uplink",
      },
    ];
  if (b.type === 'host-gw')
    return [{ ip: uplinkIP, why: `flannel's host-gw backend routes over the uplink (${b.from})` }];
  const name = tunnel[b.type];
  const out: Remote[] = name
    ? [
        {
          ip: first,
          device: name,
          why: `${node}'s ${name}, addressed with the .0 of its pod range (${b.from})`,
        },
      ]
    : [];
  if (b.directRouting !== false && b.type !== 'wireguard')
    out.push({
      ip: uplinkIP,
      why:
        b.directRouting === true
          ? `flannel's ${b.type} DirectRouting reaches a node of the same subnet over the uplink`
          : `flannel's ${b.type} DirectRouting, which kubetwin does not know without the net-conf.json ConfigMap, reaches a node of the same subnet over the uplink`,
    });
  return out;
}

/**
 * Calico toward another node's pod. The IP pool holding the endpoint's address decides the encapsulation
 * (https://docs.tigera.io/calico/latest/reference/resources/ippool `ipipMode`, `vxlanMode`;
 * https://docs.tigera.io/calico/latest/networking/configuring/vxlan-ipip): `Always` routes over the tunnel —
 * `tunl0` (IPIP) or `vxlan.calico` (VXLAN), whose address calico-node's Node annotation names (`calicoNode`; else
 * kubetwin's stand-in, the first of the node's pod range) — `CrossSubnet` only toward a node outside the node's
 * subnet (else over the uplink), `Never` over the uplink (the node's Calico address). Without the pool: over the
 * tunnel the node's annotations name, and over the uplink when the node has no tunnel address (no pool
 * encapsulates) or could share the peer's subnet (CrossSubnet). Undefined: nothing read, judge every candidate.
 */
function calicoRemote(
  read: { mine?: CalicoNode; peer?: CalicoNode; pool?: CalicoPool },
  at: { node: string; family: 4 | 6; own?: string; standIn?: string; range?: string },
): Remote[] | undefined {
  const { mine, peer, pool } = read;
  const { node, family } = at;
  const v = family === 4 ? 'IPv4' : 'IPv6';
  const address = mine?.address?.ip ?? at.own;
  const uplink = (why: string): Remote => ({ ip: address, why });
  const ipip = (): Remote =>
    mine?.ipip
      ? {
          ip: mine.ipip,
          device: 'tunl0',
          why: `${node}'s IPIP tunnel tunl0 (annotation projectcalico.org/IPv4IPIPTunnelAddr)`,
        }
      : {
          ip: at.standIn,
          device: 'tunl0',
          range: at.range,
          why: `${node}'s IPIP tunnel tunl0, whose address Calico IPAM takes from the node's block; kubetwin stands in the first of ${at.range}`,
        };
  const vxlan = (): Remote => {
    const name = family === 4 ? 'vxlan.calico' : 'vxlan-v6.calico';
    return mine?.vxlan
      ? {
          ip: mine.vxlan,
          device: name,
          why: `${node}'s VXLAN tunnel (annotation projectcalico.org/${v}VXLANTunnelAddr)`,
        }
      : {
          ip: at.standIn,
          device: name,
          range: at.range,
          why: `${node}'s VXLAN tunnel ${name}, whose address Calico IPAM takes from the node's block; kubetwin stands in the first of ${at.range}`,
        };
  };
  const crosses = crossesSubnet(mine, peer);
  if (pool) {
    const ipipOn = family === 4 && pool.ipipMode !== 'Never';
    const mode = ipipOn ? pool.ipipMode : pool.vxlanMode;
    const of = `IPPool ${pool.name} ${ipipOn ? 'ipipMode' : 'vxlanMode'}: ${mode}`;
    if (mode === 'Never')
      return [uplink(`IPPool ${pool.name} encapsulates nothing: Calico routes over the uplink`)];
    const tunnel = { ...(ipipOn ? ipip() : vxlan()) };
    const tagged = { ...tunnel, why: `${tunnel.why} (${of})` };
    if (mode === 'Always' || crosses === true) return [tagged];
    const within = uplink(
      crosses === false
        ? `${of} reaches a node of ${node}'s subnet ${mine?.address?.cidr} over the uplink`
        : `${of} reaches a node of ${node}'s subnet over the uplink (the peer node's Calico address is not known)`,
    );
    return crosses === false ? [within] : [tagged, within];
  }
  if (!mine) return undefined;
  const tunnels: Remote[] = [...(mine.ipip ? [ipip()] : []), ...(mine.vxlan ? [vxlan()] : [])];
  if (!tunnels.length)
    return mine.address
      ? [
          uplink(
            `no Calico tunnel address on ${node} (annotation projectcalico.org/${v}Address ${mine.address.cidr}): no IP pool encapsulates, Calico routes over the uplink`,
          ),
        ]
      : undefined;
  if (crosses === true || !mine.address) return tunnels;
  return [
    ...tunnels,
    uplink(
      crosses === false
        ? `an IP pool in CrossSubnet mode reaches a node of ${node}'s subnet ${mine.address.cidr} over the uplink (no IPPool in the input)`
        : `an IP pool in CrossSubnet mode reaches a node of ${node}'s subnet over the uplink (the peer node's Calico address is not known)`,
    ),
  ];
}

/**
 * Why a masquerade source's verdict may not stand for its whole range: a policy CIDR (an ipBlock's cidr or except,
 * an admin policy's networks) narrower than the range cuts it, so addresses of the range are judged differently.
 */
export function rangeCut(model: ClusterModel, s: MasqueradeSource): string | undefined {
  const range = s.range ? parseCidr(s.range) : undefined;
  if (!range) return undefined;
  const cut = policyCidrs(model).find((c) => c.prefix > range.prefix && cidrsOverlap(c, range));
  return cut
    ? `${s.ip} stands in for the address of ${s.device ?? 'a device'} on ${s.node}, one of ${s.range}, which the policy CIDR ${cut.text} cuts: its verdict is not the range's`
    : undefined;
}

const cmpIP = (a: string, b: string): number => {
  const x = parseIP(a);
  const y = parseIP(b);
  if (!x || !y) return a < b ? -1 : a > b ? 1 : 0;
  return x.family - y.family || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0);
};

/** The sources in short: `10.0.0.11 (node-1), 10.244.1.0 (flannel.1 of node-1)`. */
export function sourcesShort(sources: readonly MasqueradeSource[]): string {
  const label = (s: MasqueradeSource) =>
    s.unmasqueraded
      ? `the client, before ${s.node}'s masquerade`
      : s.pod
        ? `${s.device ?? 'pod'} ${s.pod.namespace}/${s.pod.name} on ${s.node}`
        : s.device
          ? `${s.device} of ${s.node}`
          : s.node;
  return sources.map((s) => `${s.ip} (${label(s)})`).join(', ');
}

/** The sources in words: `10.0.0.11 (node node-1's address …) or 10.244.1.0 (flannel.1 …)`. */
export function sourcesText(sources: readonly MasqueradeSource[]): string {
  return sources.map((s) => `${s.ip} (${s.why})`).join(' or ');
}

/** The masquerade sources of one connection split by the verdict each gets, and the sources whose range is cut. */
export interface SourceVerdicts {
  readonly allowedBy: readonly MasqueradeSource[];
  readonly deniedBy: readonly MasqueradeSource[];
  /** Why a stand-in's verdict may not hold for its range (`rangeCut`). */
  readonly cut: readonly string[];
}

/** Judges each source with `allows`; the answer is known when every source gets the same verdict and none is cut. */
export function judgeSources(
  model: ClusterModel,
  sources: readonly MasqueradeSource[],
  allows: (s: MasqueradeSource) => boolean,
): SourceVerdicts {
  const allowedBy: MasqueradeSource[] = [];
  const deniedBy: MasqueradeSource[] = [];
  const cut: string[] = [];
  for (const s of sources) {
    (allows(s) ? allowedBy : deniedBy).push(s);
    const why = rangeCut(model, s);
    if (why) cut.push(why);
  }
  return { allowedBy, deniedBy, cut };
}

/** Undefined when the verdicts agree; else why the answer is unknown, naming the addresses on each side. */
export function sourcesDisagree(target: string, v: SourceVerdicts): string | undefined {
  const split = v.allowedBy.length && v.deniedBy.length;
  if (!split && !v.cut.length) return undefined;
  const head = `kube-proxy masquerades the connection to ${target}: which source address the endpoint sees depends on the CNI's mode and the node (kubetwin does not know them)`;
  return split
    ? `${head}; its ingress policies admit ${sourcesText(v.allowedBy)} but not ${sourcesText(v.deniedBy)}`
    : `${head}; ${v.cut.join('; ')}`;
}

/**
 * The k3s ServiceLB sources of a connection arriving on `node` through a load-balancer address (rule
 * `k3s-servicelb-svclb-pods`): the Ready svclb pods there when the input holds the Service's svclb pods, none when
 * the k3s servers run without ServiceLB, else kubetwin's stand-in, the last address of the node's pod range.
 */
function serviceLbSources(
  model: ClusterModel,
  node: Node,
  family: 4 | 6,
  hop: MasqueradeHop,
): MasqueradeSource[] {
  const pods = serviceLbPods(model, { service: hop.service });
  if (pods.length)
    return serviceLbPodsOn(pods, node, family).map((pod) => ({
      ip: pod.ips.find((ip) => parseIP(ip)?.family === family)!,
      node: node.name,
      device: 'svclb pod',
      pod,
      why: `k3s ServiceLB pod ${pod.namespace}/${pod.name} on ${node.name}, which DNATs the connection to the Service and masquerades it from its own address`,
    }));
  const off = k3sDisabled(k3sServerArgs(model.nodes), 'servicelb');
  if (off?.disabled && !off.disagree) return [];
  const rangeText = node.podCIDRs.find((c) => parseCidr(c)?.family === family);
  const range = rangeText ? parseCidr(rangeText) : undefined;
  if (!range) return [];
  return [
    {
      ip: formatIP(cidrAt(range, cidrSize(range) - 1n)),
      node: node.name,
      device: 'svclb pod',
      range: rangeText,
      why: `a k3s ServiceLB svclb-* pod on ${node.name}, which masquerades from its own address in ${rangeText}; kubetwin stands in the range's last`,
    },
  ];
}
