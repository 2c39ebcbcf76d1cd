import type { ClusterModel, NetworkPolicy, PolicyPeer, PolicyRule, Protocol } from '../../model/types.ts';
import { objectKey } from '../../model/keys.ts';
import { everything, selectorFromMap, type Labels } from '../../lib/labels.ts';
import { cidrList } from '../../model/profile.ts';
import type { Party } from '../policy/index.ts';
import { masqueradeSources } from '../service-path/index.ts';
import { internetAddress, mergeSources, peerKey, type Edge, type Peer } from './_edges.ts';

/** One rule of a suggested policy: one peer, its ports, and the flow steps that need it. */
export interface RuleSpec {
  readonly peer: Peer;
  readonly ports: { readonly protocol: Protocol; readonly port: number | string }[];
  readonly why: string[];
}

/** A suggested NetworkPolicy, before it is YAML or a model record. */
export interface PolicySpec {
  readonly name: string;
  readonly namespace: string;
  /** `{}` selects every pod (the default deny). */
  readonly podLabels: Labels;
  readonly policyTypes: readonly ('Ingress' | 'Egress')[];
  readonly ingress: RuleSpec[];
  readonly egress: RuleSpec[];
  readonly comment: string;
}

/** The stand-in party for a peer, to ask the engine about it (for `world`, the first address seen). */
export function partyOf(p: Peer): Party {
  return partiesOf(p)[0];
}

/** Every party a peer stands for: one pod of the workload, each client address of `world`, the address. */
export function partiesOf(p: Peer): Party[] {
  if (p.kind === 'pods') return [{ kind: 'pod', pod: p.pod }];
  if (p.kind === 'world')
    return (p.addresses.size ? [...p.addresses].sort() : [internetAddress]).map((ip) => ({ kind: 'ip', ip }));
  return [{ kind: 'ip', ip: p.cidr.split('/')[0] }];
}

/**
 * The port as the destination pod names it (a named container port of that number and protocol), else the number;
 * always the number with `named: false`.
 */
export function portOf(e: Edge, named = true): number | string {
  if (e.to.kind !== 'pods' || !named) return e.port;
  return (
    e.to.pod.ports.find((cp) => cp.containerPort === e.port && cp.protocol === e.protocol)?.name ?? e.port
  );
}

/** Pod ranges left out of `world`: pod addresses are peers by label, never by address. */
export function podRanges(model: ClusterModel): string[] {
  return cidrList(model.profile.podCIDR).filter((c) => !c.includes(':'));
}

/**
 * The peers of a rule: the pods by label, an address, or for `world` every address outside the pod ranges plus the
 * node devices' addresses inside them that kube-proxy's masquerade gives outside clients (`deviceBlocks`).
 */
export function peersOf(model: ClusterModel, p: Peer): PolicyPeer[] {
  if (p.kind === 'pods')
    return [
      {
        podSelector: selectorFromMap(p.labels),
        namespaceSelector: selectorFromMap({ 'kubernetes.io/metadata.name': p.namespace }),
      },
    ];
  if (p.kind === 'world')
    return [
      { ipBlock: { cidr: '0.0.0.0/0', except: podRanges(model) } },
      ...deviceBlocks(model, p).map((d) => ({ ipBlock: { cidr: d.cidr, except: [] } })),
    ];
  return [{ ipBlock: { cidr: p.cidr, except: [] } }];
}

/**
 * The masquerade sources among a `world` peer's addresses that lie in a pod range (a node's `flannel.1`, `cni0`
 * or tunnel address: `masqueradeSources`), each as the block to admit — the address, or the range a stand-in
 * address stands for (Calico's tunnel address, which its IPAM takes from the node's block) — with why, sorted.
 */
export function deviceBlocks(
  model: ClusterModel,
  p: Extract<Peer, { kind: 'world' }>,
): { cidr: string; why: string }[] {
  const sources = new Map(
    masqueradeSources(model, { endpointIP: '0.0.0.0', loadBalancer: true }).map((s) => [s.ip, s]),
  );
  const out = new Map<string, string>();
  for (const ip of [...p.addresses].sort()) {
    const s = sources.get(ip);
    if (!s?.device) continue;
    const cidr = s.range ?? `${ip}/32`;
    if (!out.has(cidr)) out.set(cidr, `${ip}: ${s.why}`);
  }
  return [...out.entries()].map(([cidr, why]) => ({ cidr, why }));
}

/** A suggested policy as the builder would read it from its YAML. */
export function toModel(model: ClusterModel, s: PolicySpec): NetworkPolicy {
  const rules = (list: RuleSpec[]): PolicyRule[] =>
    list.map((r, index) => ({
      index,
      peers: peersOf(model, r.peer),
      ports: r.ports.map((p) => ({ protocol: p.protocol, port: p.port })),
    }));
  return {
    key: objectKey('NetworkPolicy', s.namespace, s.name),
    name: s.name,
    namespace: s.namespace,
    labels: { 'app.kubernetes.io/managed-by': 'kubetwin' },
    annotations: {},
    podSelector: Object.keys(s.podLabels).length ? selectorFromMap(s.podLabels) : everything,
    policyTypes: s.policyTypes,
    policyTypesInferred: false,
    ingress: rules(s.ingress),
    egress: rules(s.egress),
  };
}

export function defaultDeny(namespace: string): PolicySpec {
  return {
    name: 'kubetwin-default-deny',
    namespace,
    podLabels: {},
    policyTypes: ['Ingress', 'Egress'],
    ingress: [],
    egress: [],
    comment: `default deny for namespace ${namespace}: every pod isolated for ingress and egress; the policies below admit the flows`,
  };
}

/**
 * Adds an edge to the rule for its peer (one rule per peer, ports merged, reasons kept); ports by name where the
 * destination names them unless `named` is false.
 */
export function addRule(rules: RuleSpec[], peer: Peer, e: Edge, named = true): void {
  const port = portOf(e, named);
  let r = rules.find((x) => peerKey(x.peer) === peerKey(peer));
  // A copy of a world peer: the rule gathers the address sources of its edges without changing theirs.
  if (!r)
    rules.push(
      (r = {
        peer: peer.kind === 'world' ? { kind: 'world', addresses: new Set() } : peer,
        ports: [],
        why: [],
      }),
    );
  mergeSources(r.peer, peer);
  if (!r.ports.some((p) => p.port === port && p.protocol === e.protocol))
    r.ports.push({ protocol: e.protocol, port });
  for (const w of e.why) if (!r.why.includes(w)) r.why.push(w);
}

/**
 * DNS egress for every pod of a namespace, to the cluster DNS pods only (UDP and TCP 53, or the ports the DNS
 * Service targets): every pod with `dnsPolicy: ClusterFirst` resolves names there, and the doctor flags an egress-
 * isolated pod that cannot.
 */
export function allowDns(
  namespace: string,
  dns: { peer: Peer; ports: RuleSpec['ports']; why: string },
): PolicySpec {
  return {
    name: 'kubetwin-allow-dns',
    namespace,
    podLabels: {},
    policyTypes: ['Egress'],
    ingress: [],
    egress: [{ peer: dns.peer, ports: dns.ports, why: [dns.why] }],
    comment: `every pod of ${namespace} resolves names through the cluster DNS: egress to its pods only, UDP and TCP`,
  };
}
