import type { ClusterModel, NetworkPolicy, PolicyPeer, PolicyRule, Protocol } from '../../model/types.ts';
import { objectKey } from '../../model/keys.ts';
import { everything, selectorFromMap, type Labels } from '../../lib/labels.ts';
import { cidrList } from '../../model/profile.ts';
import type { Party } from '../policy/index.ts';
import { peerKey, type Edge, type Peer } from './_edges.ts';

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

/** The stand-in party for a peer, to ask the engine about it. */
export function partyOf(p: Peer): Party {
  if (p.kind === 'pods') return { kind: 'pod', pod: p.pod };
  return { kind: 'ip', ip: p.kind === 'world' ? '203.0.113.7' : p.cidr.split('/')[0] };
}

/** The port as the destination pod names it (a named container port of that number and protocol), else the number. */
export function portOf(e: Edge): number | string {
  if (e.to.kind !== 'pods') return e.port;
  return (
    e.to.pod.ports.find((cp) => cp.containerPort === e.port && cp.protocol === e.protocol)?.name ?? e.port
  );
}

/** Pod ranges left out of `world`: pod addresses are peers by label, never by address. */
export function podRanges(model: ClusterModel): string[] {
  return cidrList(model.profile.podCIDR).filter((c) => !c.includes(':'));
}

export function peerOf(model: ClusterModel, p: Peer): PolicyPeer {
  if (p.kind === 'pods')
    return {
      podSelector: selectorFromMap(p.labels),
      namespaceSelector: selectorFromMap({ 'kubernetes.io/metadata.name': p.namespace }),
    };
  if (p.kind === 'world') return { ipBlock: { cidr: '0.0.0.0/0', except: podRanges(model) } };
  return { ipBlock: { cidr: p.cidr, except: [] } };
}

/** A suggested policy as the builder would read it from its YAML. */
export function toModel(model: ClusterModel, s: PolicySpec): NetworkPolicy {
  const rules = (list: RuleSpec[]): PolicyRule[] =>
    list.map((r, index) => ({
      index,
      peers: [peerOf(model, r.peer)],
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

/** Adds an edge to the rule for its peer (one rule per peer, ports merged, reasons kept). */
export function addRule(rules: RuleSpec[], peer: Peer, e: Edge): void {
  const port = portOf(e);
  let r = rules.find((x) => peerKey(x.peer) === peerKey(peer));
  if (!r) rules.push((r = { peer, ports: [], why: [] }));
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
