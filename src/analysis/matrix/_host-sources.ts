import type { Pod } from '../../model/types.ts';
import { cidrContains, cidrsOverlap, parseCidr, parseIP, type Cidr } from '../../lib/ip.ts';
import type { PolicyEngine } from '../policy/index.ts';
import { hostSourceUnknown, masqueradeSources, policyCidrs } from '../service-path/index.ts';
import type { Layout } from './_layout.ts';

/** At most this many (source node, destination pod, port) checks per matrix: each is a few policy evaluations. */
const budget = 20_000;

/**
 * The matrix judges a hostNetwork pod (`--host-network node`, the default) as its node's address. Toward a pod on
 * another node the node sends from the address of its interface toward it, which the CNI decides (flannel's
 * `flannel.1` `.0` "used as a source address for host to workload traffic", flannel-io/flannel
 * pkg/backend/vxlan/device.go; Calico's tunnel address); where the destination's ingress policies judge that address
 * otherwise than the node's, `reach` and `trace` say unknown (service-path `hostSourceUnknown`, rule
 * `host-to-workload-source-address`). The matrix asks the same question of one pod per (policy class, node) and
 * port, and warns once per source node, naming the destination groups whose cells are unknown; where every address
 * gets the node's verdict its cells stand. Only source nodes whose device address some policy CIDR (an ipBlock, its
 * except, an admin policy's networks) could tell from the node's are checked: no CIDR, no difference.
 */
export function hostSourceWarnings(
  engine: PolicyEngine,
  layout: Layout,
  groupOf: (p: Pod) => string,
): string[] {
  if (engine.hostNetwork !== 'node' || !engine.enforced) return [];
  const model = engine.model;
  const hosts = [...layout.groupOf.keys()].filter((p) => p.hostNetwork && p.nodeName);
  if (!hosts.length) return [];
  const cidrs = policyCidrs(engine.model);
  if (!cidrs.length) return [];
  // One pod per (class, node) stands for the others: its policies and its node decide the verdict.
  const targets: Pod[] = [];
  for (const [cls, pods] of [...layout.classPods].sort(([a], [b]) => a.id - b.id)) {
    if (cls.hostNetwork) continue;
    const seen = new Set<string>();
    for (const p of pods)
      if (p.nodeName && p.ip && !p.hostNetwork && !seen.has(p.nodeName)) {
        seen.add(p.nodeName);
        targets.push(p);
      }
  }
  const spend = { left: budget };
  const out: string[] = [];
  const unchecked: string[] = [];
  for (const node of [...new Set(hosts.map((p) => p.nodeName!))].sort()) {
    if (spend.left <= 0) {
      unchecked.push(node);
      continue;
    }
    const own = model.nodes.find((n) => n.name === node)?.internalIP;
    if (!own || !cidrCouldSplit(engine, cidrs, { node, own, targets, spend })) continue;
    const client = hosts.find((p) => p.nodeName === node)!;
    const unknownTo = new Set<string>();
    let cut = false;
    for (const t of targets) {
      if (t.nodeName === node) continue;
      for (const x of layout.portsOf(t)) {
        if (spend.left-- <= 0) {
          cut = true;
          break;
        }
        const port = layout.ports[x]!;
        if (hostSourceUnknown(engine, client, { pod: t, port: port.port, protocol: port.protocol })) {
          // Every pod of the class on another node than the source's shares the answer.
          for (const [cls, pods] of layout.classPods)
            if (!cls.hostNetwork && pods.includes(t))
              for (const p of pods) if (p.nodeName !== node) unknownTo.add(groupOf(p));
          break;
        }
      }
      if (cut) break;
    }
    if (!unknownTo.size && !cut) continue;
    const groups = [...new Set(hosts.filter((p) => p.nodeName === node).map(groupOf))].sort();
    const to = [...unknownTo].sort();
    out.push(
      `hostNetwork ${groups.join(', ')} on ${node}: the matrix judges them as ${node}'s address ${own}, but toward pods on other nodes ${node} sends from the address of its interface toward them, which the CNI decides${to.length ? `, and the ingress policies of ${to.join(', ')} judge it otherwise: those cells are unknown` : ''}${cut ? `${to.length ? '; ' : ', and '}not every destination was checked (over ${budget} checks): cells to pods on other nodes may be unknown` : ''} (reach and trace name the addresses)`,
    );
  }
  if (unchecked.length)
    out.push(
      `hostNetwork pods on ${unchecked.length} node(s) (${unchecked.slice(0, 3).join(', ')}${unchecked.length > 3 ? ', …' : ''}) not checked (over ${budget} checks): toward pods on other nodes their node sends from a CNI device's address the policy CIDRs may judge otherwise than the node's, so those cells may be unknown (reach and trace say which)`,
    );
  return out;
}

/** Could a policy CIDR hold one of the node's address and a device address it sends from (or cut its range)? */
function cidrCouldSplit(
  engine: PolicyEngine,
  cidrs: readonly Cidr[],
  at: { node: string; own: string; targets: readonly Pod[]; spend: { left: number } },
): boolean {
  const { node, targets, spend } = at;
  const ownIP = parseIP(at.own);
  if (!ownIP) return false;
  const peers = new Map<string, Pod>();
  for (const t of targets) if (t.nodeName !== node && !peers.has(t.nodeName!)) peers.set(t.nodeName!, t);
  for (const [peerNode, peer] of peers) {
    // Past the budget the node may differ: checked (and so said) rather than left out.
    if (spend.left-- <= 0) return true;
    const hop = { via: node, endpointNode: peerNode, endpointIP: peer.ip! };
    for (const s of masqueradeSources(engine.model, hop)) {
      if (!s.device || s.unmasqueraded) continue;
      const ip = parseIP(s.ip);
      const range = s.range ? parseCidr(s.range) : undefined;
      for (const c of cidrs) {
        if (ip && cidrContains(c, ip) !== cidrContains(c, ownIP)) return true;
        if (range && cidrsOverlap(c, range) && c.prefix > range.prefix) return true;
      }
    }
  }
  return false;
}
