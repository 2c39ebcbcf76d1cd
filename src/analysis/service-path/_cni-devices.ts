/**
 * What a node's CNI agent wrote about its devices, which pins the address kube-proxy's masquerade takes: flannel's
 * backend (its Node annotations, its `net-conf.json`) and Calico's tunnel and node addresses (its Node annotations).
 * Absent, undefined: the caller judges every candidate address.
 */
import type { ClusterModel, Node } from '../../model/types.ts';
import { cidrContains, parseCidr, parseIP } from '../../lib/ip.ts';

/** flannel's backend on a node, and whether it may route straight over the uplink (`DirectRouting`). */
export interface FlannelBackend {
  /** `vxlan`, `host-gw`, `wireguard`, `ipip`, … as flanneld registers it. */
  readonly type: string;
  /** `DirectRouting` of vxlan and ipip: true or undefined (not known) keep the uplink a candidate. */
  readonly directRouting?: boolean;
  /** Where the type was read: the annotation or the ConfigMap. */
  readonly from: string;
  /** The address flannel registered for the node's external interface (`public-ip`), where it is that address. */
  readonly publicIP?: string;
}

const flannelKey = (name: string) => `flannel.alpha.coreos.com/${name}`;

/**
 * The node's flannel backend. flanneld's kube subnet manager writes it on the Node (flannel-io/flannel
 * pkg/subnet/kube/annotations.go: `flannel.alpha.coreos.com/backend-type`, `public-ip`, `public-ip-overwrite`,
 * `backend-data`); the install's ConfigMap holds the `net-conf.json` flanneld reads (`kube-flannel-cfg`, Canal's
 * `canal-config`): `Backend.Type` and `Backend.DirectRouting` (vxlan and ipip: a node on the same subnet is reached
 * over the uplink, pkg/backend/vxlan/vxlan_network.go, pkg/backend/ipip/ipip.go). The annotation, written by the
 * node's own flanneld, wins over the ConfigMap. k3s generates its embedded flannel's config without DirectRouting
 * (k3s-io/k3s pkg/agent/flannel/setup.go: `{"Type": "vxlan"}`).
 */
export function flannelBackend(model: ClusterModel, node: Node, family: 4 | 6): FlannelBackend | undefined {
  const conf = netConf(model);
  const annotated = node.annotations[flannelKey('backend-type')];
  const type = (annotated ?? conf?.type)?.toLowerCase();
  if (!type) return undefined;
  const directRouting = conf
    ? conf.directRouting
    : model.profile.cni.name.toLowerCase() === 'k3s-flannel'
      ? false
      : undefined;
  const overwritten =
    node.annotations[flannelKey(family === 4 ? 'public-ip-overwrite' : 'public-ipv6-overwrite')] !==
    undefined;
  const publicIP = overwritten
    ? undefined
    : ipOfFamily(node.annotations[flannelKey(family === 4 ? 'public-ip' : 'public-ipv6')], family);
  return {
    type,
    ...(directRouting === undefined ? {} : { directRouting }),
    from: annotated
      ? `Node ${node.name} annotation ${flannelKey('backend-type')}: ${annotated}`
      : `ConfigMap ${conf?.at} net-conf.json Backend.Type: ${conf?.type}`,
    ...(publicIP ? { publicIP } : {}),
  };
}

interface NetConf {
  readonly type?: string;
  readonly directRouting: boolean;
  readonly at: string;
}

const netConfs = new WeakMap<ClusterModel, NetConf | null>();
/** The `net-conf.json` of flannel's ConfigMap (`kube-flannel-cfg`, or Canal's `canal-config`), parsed once. */
function netConf(model: ClusterModel): NetConf | undefined {
  let found = netConfs.get(model);
  if (found === undefined) {
    found = null;
    const maps = [...(model.configMaps ?? [])]
      .filter((c) => c.name === 'kube-flannel-cfg' || c.name === 'canal-config')
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const c of maps) {
      const text = c.entries.find((e) => e.key === 'net-conf.json')?.value;
      const backend = text ? backendOf(text) : undefined;
      if (backend) {
        found = { ...backend, at: `${c.namespace}/${c.name}` };
        break;
      }
    }
    netConfs.set(model, found);
  }
  return found ?? undefined;
}

function backendOf(text: string): { type?: string; directRouting: boolean } | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const backend = (json as { Backend?: { Type?: unknown; DirectRouting?: unknown } } | null)?.Backend;
  if (!backend || typeof backend !== 'object') return undefined;
  // flanneld's default backend is udp when Backend.Type is absent (pkg/subnet/config.go).
  const type = typeof backend.Type === 'string' ? backend.Type : 'udp';
  return { type, directRouting: backend.DirectRouting === true };
}

/** Calico's addresses on a node, from the annotations calico-node writes. */
export interface CalicoNode {
  /** `tunl0`'s address (IPIP), present when an IPIP pool is enabled for the node. */
  readonly ipip?: string;
  /** `vxlan.calico`'s (or `vxlan-v6.calico`'s) address, present when a VXLAN pool is enabled for the node. */
  readonly vxlan?: string;
  /** The node's address and subnet Calico uses (`IPv4Address: 10.0.0.11/24`). */
  readonly address?: { readonly ip: string; readonly cidr: string };
}

const calicoKey = (name: string) => `projectcalico.org/${name}`;

/**
 * Calico's addresses on a node: calico-node writes `projectcalico.org/IPv4Address` (the node's address with its
 * subnet), and its tunnel address allocator `projectcalico.org/IPv4IPIPTunnelAddr` and `IPv4VXLANTunnelAddr`
 * (`IPv6VXLANTunnelAddr`, `IPv6Address` for IPv6) — a tunnel address only while a pool with that encapsulation is
 * enabled for the node, removed otherwise (https://docs.tigera.io/calico/latest/reference/resources/node:
 * ipv4IPIPTunnelAddr, ipv4VXLANTunnelAddr; projectcalico/calico node/pkg/allocateip). Undefined when the node
 * carries none of them (a hand-written Node, or not read back from a cluster).
 */
export function calicoNode(node: Node, family: 4 | 6): CalicoNode | undefined {
  const v = family === 4 ? 'IPv4' : 'IPv6';
  const ipip = family === 4 ? ipOfFamily(node.annotations[calicoKey('IPv4IPIPTunnelAddr')], 4) : undefined;
  const vxlan = ipOfFamily(node.annotations[calicoKey(`${v}VXLANTunnelAddr`)], family);
  const text = node.annotations[calicoKey(`${v}Address`)];
  const cidr = text ? parseCidr(text.includes('/') ? text : `${text}/${family === 4 ? 32 : 128}`) : undefined;
  const ip = text ? ipOfFamily(text.split('/')[0], family) : undefined;
  const address = cidr && ip && cidr.family === family ? { ip, cidr: cidr.text } : undefined;
  if (!ipip && !vxlan && !address) return undefined;
  return { ...(ipip ? { ipip } : {}), ...(vxlan ? { vxlan } : {}), ...(address ? { address } : {}) };
}

/**
 * Whether Calico's CrossSubnet mode would encapsulate between two nodes: it does when the peer's address is outside
 * the node's subnet (https://docs.tigera.io/calico/latest/networking/configuring/vxlan-ipip: "encapsulation only
 * when crossing subnet boundaries"). Undefined when either subnet is not known.
 */
export function crossesSubnet(from: CalicoNode | undefined, to: CalicoNode | undefined): boolean | undefined {
  const net = from?.address ? parseCidr(from.address.cidr) : undefined;
  const peer = to?.address ? parseIP(to.address.ip) : undefined;
  if (!net || !peer || net.prefix === (net.family === 4 ? 32 : 128)) return undefined;
  return !cidrContains(net, peer);
}

function ipOfFamily(text: string | undefined, family: 4 | 6): string | undefined {
  const ip = text ? parseIP(text.trim()) : undefined;
  return ip && ip.family === family ? text!.trim() : undefined;
}

/** Encapsulation of a Calico IP pool in one mode field (`ipipMode`, `vxlanMode`). */
export type EncapMode = 'Always' | 'CrossSubnet' | 'Never';

/** A Calico IP pool as the masquerade needs it. */
export interface CalicoPool {
  readonly name: string;
  readonly cidr: string;
  readonly ipipMode: EncapMode;
  readonly vxlanMode: EncapMode;
}

const pools = new WeakMap<ClusterModel, readonly CalicoPool[]>();

/**
 * The enabled Calico IP pools of the input (`IPPool`, projectcalico.org/v3 or the crd.projectcalico.org/v1 it is
 * stored as): `spec.cidr`, `ipipMode` and `vxlanMode`, each `Never` when absent
 * (https://docs.tigera.io/calico/latest/reference/resources/ippool), `disabled` pools left out. A mode kubetwin
 * cannot read (a legacy `ipip:` block, another value) leaves the pool out, so its addresses fall back to judging
 * every candidate. Sorted by name.
 */
export function calicoPools(model: ClusterModel): readonly CalicoPool[] {
  let list = pools.get(model);
  if (!list) {
    const out: CalicoPool[] = [];
    for (const o of model.others) {
      if (o.kind !== 'IPPool' || !/^(crd\.)?projectcalico\.org\//.test(o.apiVersion)) continue;
      const spec = o.body.spec as Record<string, unknown> | undefined;
      if (!spec || spec.disabled === true || typeof spec.cidr !== 'string' || !parseCidr(spec.cidr)) continue;
      if ('ipip' in spec || 'vxlan' in spec) continue;
      const ipipMode = modeOf(spec.ipipMode);
      const vxlanMode = modeOf(spec.vxlanMode);
      if (ipipMode && vxlanMode) out.push({ name: o.name, cidr: spec.cidr, ipipMode, vxlanMode });
    }
    list = out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    pools.set(model, list);
  }
  return list;
}

/** The enabled pool holding `ip` (the most specific one), or undefined. */
export function poolOf(model: ClusterModel, ip: string): CalicoPool | undefined {
  const addr = parseIP(ip);
  if (!addr) return undefined;
  let best: { pool: CalicoPool; prefix: number } | undefined;
  for (const p of calicoPools(model)) {
    const c = parseCidr(p.cidr)!;
    if (cidrContains(c, addr) && (!best || c.prefix > best.prefix)) best = { pool: p, prefix: c.prefix };
  }
  return best?.pool;
}

function modeOf(v: unknown): EncapMode | undefined {
  if (v === undefined || v === null) return 'Never';
  return v === 'Always' || v === 'CrossSubnet' || v === 'Never' ? v : undefined;
}
