/**
 * Cilium Ingress and Gateway API traffic as Cilium's policy engine judges it: the per-node Envoy that serves them
 * carries the reserved `ingress` identity, so a request crosses two policy enforcement points — from the client to
 * `ingress` (the ingress policy of the `ingress` identity), and from `ingress` to the backend (the egress policy of
 * the `ingress` identity, then the backend pod's ingress policy, where the peer is `ingress`, not the client).
 * https://docs.cilium.io/en/stable/network/servicemesh/ingress-reference/ ("Cilium's ingress config and
 * CiliumNetworkPolicy"), https://docs.cilium.io/en/stable/network/servicemesh/ingress-and-network-policy/
 */
import { matches, type Labels, type Selector } from '../../lib/labels.ts';
import { parseIP } from '../../lib/ip.ts';
import type { CiliumPeer, CiliumPolicy, CiliumRule } from '../../model/cilium-policy.ts';
import type { Pod, Protocol } from '../../model/types.ts';
import { identityLabels, portRuleMatches } from './_cilium-match.ts';
import { portMatches } from './_ports.ts';
import type { PolicyEngine } from './_engine.ts';

/**
 * The labels of the `ingress` identity as an endpoint selector reads them: `reserved:ingress`, which a key written
 * without a source (`ingress`, source `any`) also names (pkg/labels: a selector key without a source matches a
 * label of any source). A `k8s:ingress` key, read without its source, matches it too here (kubetwin drops `k8s:`).
 */
const INGRESS_LABELS: Labels = { 'reserved:ingress': '', ingress: '' };

/** The client of a Cilium Ingress: an address outside the cluster, or a pod (which keeps its own identity). */
export type IngressClient = { readonly ip: string } | { readonly pod: Pod };

/** One enforcement point's answer. */
export interface IngressPointVerdict {
  readonly allowed: boolean;
  /** Why, in one line: the rule that decided, or that no policy applies. */
  readonly why: string;
  /** What kubetwin does not model that may change this verdict (the verdict is then not an answer). */
  readonly unknown: readonly string[];
  readonly policies: readonly { readonly key: string; readonly source?: CiliumPolicy['source'] }[];
}

/** The three checks of one request through a Cilium Ingress to one backend endpoint. */
export interface IngressPathVerdict {
  /** Client → `ingress`: the ingress policy of the `ingress` identity. */
  readonly toIngress: IngressPointVerdict;
  /** `ingress` → backend: the egress policy of the `ingress` identity. */
  readonly fromIngress: IngressPointVerdict;
  /** The backend pod's ingress policy, with `ingress` as the peer. */
  readonly atBackend: IngressPointVerdict;
}

/**
 * Judges a request a Cilium Ingress (or Gateway) forwards from `client` to `backend` on `port`. Port rules at the
 * first point are matched against the backend's port, as the Envoy filter does (cilium/proxy#351: "the destination
 * port of the selected backend is used also in ingress path policy enforcement").
 */
export function ciliumIngressPath(
  engine: PolicyEngine,
  q: {
    readonly client: IngressClient;
    readonly backend: Pod;
    readonly port: number;
    readonly protocol: Protocol;
  },
): IngressPathVerdict {
  const tier = engine.cilium;
  const specs = ingressIdentitySpecs(tier.policies);
  const peerLabels = (p: Pod) => identityLabels(p, engine.nsLabels(p.namespace), tier.cluster);
  const client: PeerView =
    'pod' in q.client
      ? {
          kind: 'pod',
          text: `pod ${q.client.pod.namespace}/${q.client.pod.name}`,
          labels: peerLabels(q.client.pod),
        }
      : { kind: 'world', text: q.client.ip, ip: q.client.ip };
  const backend: PeerView = {
    kind: 'pod',
    text: `pod ${q.backend.namespace}/${q.backend.name}`,
    labels: peerLabels(q.backend),
  };
  // The enforcement mode and audit mode are modeled for pods, not yet at the ingress identity's two points.
  const agent = tier.agent;
  const common = [
    ...agent.departures.map((d) => d.text),
    ...(agent.modeSetting ? [agent.modeSetting.text] : []),
    ...(agent.audit ? [agent.audit.text] : []),
  ].map((t) => `${t} is not modeled for the ingress identity`);
  const at = (point: IngressPointVerdict) => ({ ...point, unknown: [...point.unknown, ...common] });
  return {
    toIngress: at(identitySide(engine, specs, 'ingress', client, q)),
    fromIngress: at(identitySide(engine, specs, 'egress', backend, q)),
    atBackend: at(backendSide(engine, q)),
  };
}

/** The other end of a rule as the `ingress` identity's rules see it. */
type PeerView =
  | { readonly kind: 'pod'; readonly text: string; readonly labels: Labels }
  | { readonly kind: 'world'; readonly text: string; readonly ip: string };

/**
 * The specs that select the `ingress` identity: only a CiliumClusterwideNetworkPolicy can (a CiliumNetworkPolicy's
 * endpointSelector is bound to its namespace, pkg/k8s/apis/cilium.io/utils getEndpointSelector), with an
 * endpointSelector the identity's labels match — `{}`, `reserved:ingress`, or only negative requirements (the
 * documentation's default-deny example selects it with `io.kubernetes.pod.namespace NotIn [kube-system]`).
 */
function ingressIdentitySpecs(policies: readonly CiliumPolicy[]) {
  return policies
    .filter((p) => p.kind === 'CiliumClusterwideNetworkPolicy')
    .flatMap((policy) =>
      policy.specs
        .filter((s) => s.writtenSelector && selects(s.writtenSelector, INGRESS_LABELS))
        .map((spec) => ({ policy, spec })),
    );
}

function selects(selector: Selector, labels: Labels): boolean {
  return !selector.nothing && matches(selector, labels);
}

type Specs = ReturnType<typeof ingressIdentitySpecs>;

function identitySide(
  engine: PolicyEngine,
  specs: Specs,
  direction: 'ingress' | 'egress',
  peer: PeerView,
  q: { readonly backend: Pod; readonly port: number; readonly protocol: Protocol },
): IngressPointVerdict {
  const policies = specs.map((s) => ({ key: s.policy.key, source: s.policy.source }));
  const ruleText = (s: Specs[number], r: CiliumRule) =>
    `${s.policy.key} ${s.spec.path === 'spec' ? '' : `${s.spec.path}.`}${r.section}[${r.index}]`;
  const unknown: string[] = [];
  const hits = (deny: boolean) =>
    specs.flatMap((s) =>
      s.spec.rules
        .filter((r) => r.section === (deny ? `${direction}Deny` : direction))
        .filter((r) => {
          const m = identityRuleMatches(engine, r, peer, q);
          if (m === 'unknown')
            unknown.push(`${ruleText(s, r)}: a peer kubetwin does not match for the ingress identity`);
          return m === true;
        })
        .map((r) => ({ s, r })),
    );
  const denied = hits(true)[0];
  if (denied) return { allowed: false, why: `denied by ${ruleText(denied.s, denied.r)}`, unknown, policies };
  const isolating = specs.filter((s) => s.spec.defaultDeny[direction]);
  if (!isolating.length)
    return {
      allowed: true,
      why: `no CiliumClusterwideNetworkPolicy selecting the ingress identity has ${direction} rules`,
      unknown,
      policies,
    };
  const allowed = hits(false);
  for (const { s, r } of allowed) {
    if (r.unmodeled.length) unknown.push(`${ruleText(s, r)}: ${r.unmodeled.join(', ')}`);
    if (r.toPorts !== 'all' && r.toPorts.some((pr) => pr.http || pr.otherL7 || pr.unmodeled.length))
      unknown.push(
        `${ruleText(s, r)}: L7 rules at the ingress identity (Envoy applies them; not modeled here)`,
      );
  }
  if (allowed.length)
    return { allowed: true, why: `allowed by ${ruleText(allowed[0].s, allowed[0].r)}`, unknown, policies };
  return {
    allowed: false,
    why: `the ingress identity is in default deny for ${direction} (${isolating.map((s) => s.policy.key).join(', ')}) and no rule admits ${peer.text}`,
    unknown,
    policies,
  };
}

/** Does a rule of the `ingress` identity admit (or deny) the peer on the backend's port? */
function identityRuleMatches(
  engine: PolicyEngine,
  r: CiliumRule,
  peer: PeerView,
  q: { readonly backend: Pod; readonly port: number; readonly protocol: Protocol },
): boolean | 'unknown' {
  if (r.icmps) return false;
  if (r.toPorts !== 'all' && !r.toPorts.some((pr) => portRuleMatches(pr, q.port, q.protocol, q.backend)))
    return false;
  if (r.peers === 'all') return true;
  let unsure = false;
  for (const p of r.peers) {
    const m = peerMatches(engine, p, peer);
    if (m === true) return true;
    if (m === 'unknown') unsure = true;
  }
  return unsure ? 'unknown' : false;
}

/** Entities a pod or an outside address belongs to (pkg/policy/api/entity.go). */
function peerMatches(engine: PolicyEngine, p: CiliumPeer, peer: PeerView): boolean | 'unknown' {
  switch (p.kind) {
    case 'entity': {
      const world = peer.kind === 'world';
      const v6 = world && parseIP(peer.ip)?.family === 6;
      const of = world ? ['all', 'world', v6 ? 'world-ipv6' : 'world-ipv4'] : ['all', 'cluster'];
      return of.includes(p.entity);
    }
    case 'endpoints':
      return peer.kind === 'pod' && selects(p.selector, peer.labels);
    case 'cidr':
      // CIDR rules select outside addresses only, never pods.
      return peer.kind === 'world' && engine.cilium.inBlock(p.cidr, p.except, peer.ip);
    default:
      // toServices, toFQDNs, fromNodes/toNodes: not matched for the ingress identity.
      return 'unknown';
  }
}

/**
 * The backend pod's ingress side with the `ingress` identity as the peer: a Cilium deny rule naming it drops; a pod
 * isolated by neither tier admits; else a rule must admit it — Cilium rules by the entities `ingress`, `cluster`
 * (which includes `ingress`, pkg/policy/api/entity.go InitEntities) and `all`, or a `reserved:ingress` selector; a
 * NetworkPolicy rule only when it names no peer (its pod, namespace and ipBlock peers select pods and CIDRs, never
 * the `ingress` identity). A selector of only negative requirements also matches it in Cilium releases
 * (cilium/cilium#46949): unknown.
 */
function backendSide(
  engine: PolicyEngine,
  q: { readonly backend: Pod; readonly port: number; readonly protocol: Protocol },
): IngressPointVerdict {
  const tier = engine.cilium;
  const unknown: string[] = [];
  const pod = q.backend;
  const cls = engine.classOf(pod);
  const who = `pod ${pod.namespace}/${pod.name}`;
  if (pod.hostNetwork)
    unknown.push(
      `${who} uses the host network: the host firewall decides, which kubetwin does not model here`,
    );
  if (engine.model.adminPolicies?.length)
    unknown.push('AdminNetworkPolicies are not judged for the ingress identity');
  const entries = cls ? tier.rulesOf(cls, 'Ingress').map((i) => tier.entries[i]) : [];
  const peerOf = (r: CiliumRule): boolean | 'unknown' => {
    if (r.icmps) return false;
    if (r.toPorts !== 'all' && !r.toPorts.some((pr) => portRuleMatches(pr, q.port, q.protocol, pod)))
      return false;
    if (r.peers === 'all') return true;
    let unsure = false;
    for (const p of r.peers) {
      if (p.kind === 'entity' && ['all', 'cluster', 'ingress'].includes(p.entity)) return true;
      if (p.kind === 'endpoints' && selects(p.selector, INGRESS_LABELS)) {
        if (p.selector.requirements.some((x) => x.key.startsWith('reserved:') || x.key === 'ingress'))
          return true;
        unsure = true;
      }
    }
    return unsure ? 'unknown' : false;
  };
  const policies = new Map<string, { key: string; source?: CiliumPolicy['source'] }>();
  for (const e of entries) policies.set(e.policy.key, { key: e.policy.key, source: e.policy.source });
  const nps = engine.isolating(pod, 'Ingress');
  for (const np of nps) policies.set(np.key, { key: np.key, source: np.source });
  const list = [...policies.values()];
  for (const e of entries.filter((x) => x.rule.section.endsWith('Deny'))) {
    const m = peerOf(e.rule);
    if (m === 'unknown') unknown.push(`${e.policy.key} ${e.path}: ${negative}`);
    if (m === true)
      return { allowed: false, why: `denied by ${e.policy.key} ${e.path}`, unknown, policies: list };
  }
  const ciliumIsolates = !!cls && tier.isolates(cls, 'Ingress');
  if (!ciliumIsolates && !nps.length)
    return { allowed: true, why: `no policy isolates ${who} for ingress`, unknown, policies: list };
  for (const e of entries.filter((x) => !x.rule.section.endsWith('Deny'))) {
    const m = peerOf(e.rule);
    if (m === 'unknown') unknown.push(`${e.policy.key} ${e.path}: ${negative}`);
    if (m !== true) continue;
    if (e.rule.toPorts !== 'all' && e.rule.toPorts.some((pr) => pr.http || pr.otherL7))
      unknown.push(
        `${e.policy.key} ${e.path}: its L7 rules judge the request Envoy forwards (not modeled here)`,
      );
    return { allowed: true, why: `allowed by ${e.policy.key} ${e.path}`, unknown, policies: list };
  }
  for (const np of nps)
    for (const r of np.ingress) {
      if (r.ports !== 'all' && !r.ports.some((pp) => portMatches(pp, q.port, q.protocol, pod))) continue;
      if (r.peers === 'all')
        return {
          allowed: true,
          why: `allowed by NetworkPolicy/${np.namespace}/${np.name} ingress[${r.index}] (no from: every peer)`,
          unknown,
          policies: list,
        };
      if (r.peers.some((p) => p.namespaceSelector && negativeOnly(p.namespaceSelector) && !p.podSelector))
        unknown.push(`NetworkPolicy/${np.namespace}/${np.name} ingress[${r.index}]: ${negative}`);
    }
  const by = [
    ...(cls ? tier.isolatingPolicies(cls, 'Ingress').map((p) => p.key) : []),
    ...nps.map((n) => n.key),
  ];
  return {
    allowed: false,
    why: `${who} is isolated for ingress (${by.join(', ')}) and no rule admits the ingress identity: Cilium Ingress traffic reaches it from the reserved identity ingress, not from the client (allow it with fromEntities: [ingress] or [cluster])`,
    unknown,
    policies: list,
  };
}

const negative =
  'a selector of only NotIn/DoesNotExist requirements, which Cilium releases (cilium/cilium#46949) also match against reserved identities such as ingress';

function negativeOnly(s: Selector): boolean {
  return (
    !s.nothing &&
    s.requirements.length > 0 &&
    s.requirements.every((r) => r.operator === 'NotIn' || r.operator === 'DoesNotExist')
  );
}
