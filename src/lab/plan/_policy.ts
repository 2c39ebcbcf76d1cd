import { matches } from '../../lib/labels.ts';
import type { AdminPeer, AdminPolicy, AdminPort, AdminRule } from '../../model/admin-policy.ts';
import type { ClusterModel, PolicyPeer, PolicyPort, PolicyRule } from '../../model/types.ts';
import { nftProto, nftSet, Resolver, v4Cidr } from './_match.ts';
import type { LabNode, LabPod } from './types.ts';

type Dir = 'Ingress' | 'Egress';

/** Where a denied connection ends: an ICMP admin-prohibited error, so a probe learns "denied" at once, counted. */
export const REJECT = 'counter reject with icmp type admin-prohibited';

/** Chains of one pod in one direction, and whether the pod needs them at all. */
interface PodChains {
  readonly lines: string[];
}

/**
 * NetworkPolicies and the admin tiers compiled to nftables, per pod and direction, as a policy-enforcing CNI
 * programs them on the node (Calico's per-workload-interface chains): the node's forward hook sends a pod's
 * outgoing packets (by input interface, the pod's veth) to its egress chain and packets towards it (by output
 * interface) to its ingress chain, after kube-proxy's DNAT, so Service traffic is judged against the endpoint.
 * Replies of admitted connections pass (`ct state established,related accept`).
 *
 * Per pod and direction: `eg-pN` / `in-pN` hold the admin tier (AdminNetworkPolicy / ClusterNetworkPolicy Admin
 * by priority: Allow admits, Deny rejects, Pass goes to NetworkPolicy), then `eg-pN-np` / `in-pN-np`: if some
 * NetworkPolicy selecting the pod has that policyType, the union of their rules admits and the rest is rejected;
 * otherwise the baseline tier decides and the rest is admitted.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation
 * https://network-policy-api.sigs.k8s.io/api-overview/
 */
export function planPolicy(
  model: ClusterModel,
  node: LabNode,
  pods: readonly LabPod[],
  all: readonly LabPod[],
  nodes: readonly LabNode[],
  table: string,
): string | undefined {
  if (!model.profile.cni.enforcesNetworkPolicy) return undefined;
  const r = new Resolver(model, all);
  const admin = [...(model.adminPolicies ?? [])].sort(
    (a, b) =>
      a.priority - b.priority ||
      (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) ||
      (a.name < b.name ? -1 : 1),
  );
  const chains: string[] = [];
  const dispatch: Record<Dir, string[]> = { Ingress: [], Egress: [] };
  for (const lp of pods) {
    if (lp.node !== node.name) continue;
    for (const dir of ['Egress', 'Ingress'] as const) {
      const c = podChains(r, model, admin, nodes, lp, dir);
      if (!c) continue;
      chains.push(...c.lines);
      dispatch[dir].push(`"${lp.hostLink}" : jump ${chainName(lp, dir)}`);
    }
  }
  const out = [
    `table ip ${table} {`,
    `  chain forward {`,
    `    type filter hook forward priority filter; policy accept;`,
    `    ct state established,related accept`,
  ];
  if (dispatch.Egress.length) out.push(`    iifname vmap { ${dispatch.Egress.join(', ')} }`);
  if (dispatch.Ingress.length) out.push(`    oifname vmap { ${dispatch.Ingress.join(', ')} }`);
  out.push('  }', ...chains, '}');
  return out.join('\n') + '\n';
}

const chainName = (lp: LabPod, dir: Dir) =>
  `${dir === 'Egress' ? 'eg' : 'in'}-${lp.netns.replace(/^.*-/, '')}`;

function podChains(
  r: Resolver,
  model: ClusterModel,
  admin: readonly AdminPolicy[],
  nodes: readonly LabNode[],
  lp: LabPod,
  dir: Dir,
): PodChains | undefined {
  const pod = r.pod(lp);
  const allow = dir === 'Egress' ? 'return' : 'accept';
  const name = chainName(lp, dir);
  const adminLines: string[] = [];
  const baselineLines: string[] = [];
  for (const p of admin) {
    if (!adminSubject(r, p, lp)) continue;
    for (const rule of dir === 'Ingress' ? p.ingress : p.egress) {
      const verdict =
        rule.action === 'Allow'
          ? allow
          : rule.action === 'Deny'
            ? REJECT
            : p.tier === 'Admin'
              ? `goto ${name}-np`
              : allow;
      const target = p.tier === 'Admin' ? adminLines : baselineLines;
      target.push(...adminRule(r, nodes, lp, dir, p, rule, verdict));
    }
  }
  const isolating = model.networkPolicies.filter(
    (np) =>
      np.namespace === pod.namespace && np.policyTypes.includes(dir) && matches(np.podSelector, pod.labels),
  );
  if (!adminLines.length && !baselineLines.length && !isolating.length) return undefined;
  const np: string[] = [];
  if (isolating.length) {
    for (const policy of isolating)
      for (const rule of dir === 'Ingress' ? policy.ingress : policy.egress)
        np.push(
          ...npRule(
            r,
            lp,
            dir,
            policy.namespace,
            `${policy.key} ${dir.toLowerCase()}[${rule.index}]`,
            rule,
            allow,
          ),
        );
    np.push(`    # isolated for ${dir} by ${isolating.map((x) => x.key).join(', ')}`);
    np.push(`    ${REJECT} ${comment(`${dir} default deny`)}`);
  } else {
    np.push(...baselineLines, `    ${allow}`);
  }
  const lines = [`  chain ${name} {`, `    # ${lp.ref} ${dir}`, ...adminLines, `    goto ${name}-np`, '  }'];
  lines.push(`  chain ${name}-np {`, ...np, '  }');
  return { lines };
}

/** `ip saddr` for ingress (the peer sends), `ip daddr` for egress (the peer receives). */
const field = (dir: Dir) => (dir === 'Ingress' ? 'ip saddr' : 'ip daddr');

function comment(text: string): string {
  return `comment "${text.replace(/"/g, "'").slice(0, 127)}"`;
}

function npRule(
  r: Resolver,
  lp: LabPod,
  dir: Dir,
  namespace: string,
  label: string,
  rule: PolicyRule,
  allow: string,
): string[] {
  const addrs: (string | undefined)[] =
    rule.peers === 'all' ? [''] : rule.peers.map((peer) => npPeer(r, dir, namespace, peer));
  const ports: (string | undefined)[] =
    rule.ports === 'all' ? [''] : rule.ports.map((pp) => npPort(r, lp, dir, pp));
  const out: string[] = [];
  addrs.forEach((a, i) => {
    if (a === undefined) return;
    for (const p of ports)
      if (p !== undefined)
        out.push(
          `    ${[a, p].filter(Boolean).join(' ')} counter ${allow} ${comment(`${label}${rule.peers === 'all' ? '' : `.${dir === 'Ingress' ? 'from' : 'to'}[${i}]`}`)}`,
        );
  });
  return out;
}

/** A NetworkPolicyPeer as an address match: ipBlock (cidr minus except) or the addresses of the pods it selects. */
function npPeer(r: Resolver, dir: Dir, namespace: string, peer: PolicyPeer): string | undefined {
  if (peer.ipBlock) {
    const cidr = v4Cidr(peer.ipBlock.cidr);
    if (!cidr) return undefined;
    const except = nftSet(peer.ipBlock.except.map(v4Cidr).filter((c): c is string => !!c));
    return `${field(dir)} ${cidr}${except ? ` ${field(dir)} != ${except}` : ''}`;
  }
  const set = nftSet(r.select(peer.namespaceSelector, peer.podSelector, namespace).map((p) => p.ip));
  return set && `${field(dir)} ${set}`;
}

/** A NetworkPolicyPort: protocol, port or range; a named port resolved at the destination pod. */
function npPort(r: Resolver, lp: LabPod, dir: Dir, pp: PolicyPort): string | undefined {
  const proto = `meta l4proto ${nftProto(pp.protocol)}`;
  if (pp.port === undefined) return proto;
  if (typeof pp.port === 'number')
    return `${proto} th dport ${pp.port}${pp.endPort !== undefined ? `-${pp.endPort}` : ''}`;
  const name = pp.port;
  if (dir === 'Ingress') {
    const set = nftSet(r.named(lp, name, pp.protocol).map((x) => String(x.port)));
    return set && `${proto} th dport ${set}`;
  }
  const set = nftSet(r.pods.flatMap((d) => r.named(d, name, pp.protocol).map((x) => `${d.ip} . ${x.port}`)));
  return set && `${proto} ip daddr . th dport ${set}`;
}

function adminSubject(r: Resolver, p: AdminPolicy, lp: LabPod): boolean {
  const pod = r.pod(lp);
  const ns = r.nsLabels(pod.namespace);
  if (p.subject.namespaces) return matches(p.subject.namespaces, ns);
  if (p.subject.pods)
    return matches(p.subject.pods.namespaceSelector, ns) && matches(p.subject.pods.podSelector, pod.labels);
  return false;
}

function adminRule(
  r: Resolver,
  nodes: readonly LabNode[],
  lp: LabPod,
  dir: Dir,
  p: AdminPolicy,
  rule: AdminRule,
  verdict: string,
): string[] {
  const ports = rule.ports === 'all' ? [''] : rule.ports.map((pp) => adminPort(r, lp, dir, pp));
  const out: string[] = [];
  rule.peers.forEach((peer, i) => {
    for (const a of adminPeer(r, nodes, dir, peer))
      for (const port of ports)
        if (port !== undefined)
          out.push(
            `    ${[a, port].filter(Boolean).join(' ')} counter ${verdict} ${comment(`${p.key} ${dir.toLowerCase()}[${rule.index}].peer[${i}] ${rule.action}`)}`,
          );
  });
  return out;
}

/** An admin peer: pods of matching namespaces, pods, nodes' addresses, networks. */
function adminPeer(r: Resolver, nodes: readonly LabNode[], dir: Dir, peer: AdminPeer): string[] {
  const out: string[] = [];
  const f = field(dir);
  const add = (set: string | undefined) => set && out.push(`${f} ${set}`);
  if (peer.namespaces) add(nftSet(r.select(peer.namespaces, undefined).map((p) => p.ip)));
  if (peer.pods) add(nftSet(r.select(peer.pods.namespaceSelector, peer.pods.podSelector).map((p) => p.ip)));
  if (peer.nodes) {
    const sel = peer.nodes;
    add(nftSet(nodes.filter((n) => matches(sel, r.nodeLabels(n.name))).map((n) => n.ip)));
  }
  if (peer.networks) add(nftSet(peer.networks.map(v4Cidr).filter((c): c is string => !!c)));
  return out;
}

function adminPort(r: Resolver, lp: LabPod, dir: Dir, pp: AdminPort): string | undefined {
  if (pp.name !== undefined) {
    const name = pp.name;
    if (dir === 'Ingress')
      return ((s) => s && `meta l4proto . th dport ${s}`)(
        nftSet(r.named(lp, name).map((x) => `${nftProto(x.protocol)} . ${x.port}`)),
      );
    const set = nftSet(
      r.pods.flatMap((d) => r.named(d, name).map((x) => `${d.ip} . ${nftProto(x.protocol)} . ${x.port}`)),
    );
    return set && `ip daddr . meta l4proto . th dport ${set}`;
  }
  if (!pp.protocol) return undefined;
  const proto = `meta l4proto ${nftProto(pp.protocol)}`;
  if (pp.port === undefined) return proto;
  return `${proto} th dport ${pp.port}${pp.endPort !== undefined ? `-${pp.endPort}` : ''}`;
}
