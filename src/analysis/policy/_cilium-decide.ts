import { matches, type Selector } from '../../lib/labels.ts';
import type {
  CiliumDnsRule,
  CiliumHttpRule,
  CiliumPeer,
  CiliumPortRule,
  CiliumRule,
} from '../../model/cilium-policy.ts';
import type { Pod, Protocol } from '../../model/types.ts';
import type { PodClass } from './_classes.ts';
import type { CiliumEntry, CiliumSide, CiliumTier } from './_cilium.ts';
import { ciliumPortMatches, dnsMatches, portRuleMatches, sortedHas } from './_cilium-match.ts';
import { namedPortNumbers, unsettledEgressPortName, type NamedPortNumbers } from './_cilium-knp.ts';
import { entitiesOf, peerMissReason, type CiliumTarget } from './_cilium-peers.ts';
import type { Miss, RuleRef } from './types.ts';

/** One side to decide: `subject` is the pod whose policies apply, `target` the other end. */
export interface SideQuery {
  readonly direction: 'Ingress' | 'Egress';
  readonly subject: CiliumTarget & { readonly cls: PodClass };
  readonly target: CiliumTarget;
  readonly port: number;
  readonly protocol: Protocol;
  /** The pod that resolves named ports (undefined for an address). */
  readonly destination: Pod | undefined;
  readonly withReasons: boolean;
}

/**
 * One side: `subject` is the pod whose policies apply, `target` the other end; `destination` the pod that
 * resolves named ports (undefined for an address). Deny rules first, then every allow rule that admits the
 * connection (the first one is the match; HTTP or DNS rules apply only when each of them carries some). A rule's
 * unmodeled fields are named for every connection it may judge; a port rule's (Kafka, listeners, TLS,
 * `headerMatches`) only for a connection it admits on its ports with no plain admitting rule beside it, since
 * "Layer 7 policy rules are embedded into Layer 4 rules" (https://docs.cilium.io/en/stable/security/policy/layer7/).
 */
export function decideSide(tier: CiliumTier, q: SideQuery): CiliumSide {
  const { direction, subject, target, port, protocol, destination, withReasons } = q;
  const cls = subject.cls;
  const list = tier.rulesOf(cls, direction);
  const isolating = tier.isolates(cls, direction);
  const entities = entitiesOf(subject, target, tier.apiserver);
  const mode = tier.modeIsolation;
  const isolatedBy =
    isolating && withReasons
      ? [
          ...tier.isolatingPolicies(cls, direction).map((p) => ({ policy: p.key, source: p.source })),
          ...(mode ? [mode] : []),
        ]
      : [];
  const misses: Miss[] = [];
  // `always` isolates a pod no Cilium rule names in this direction: say so where a rule's miss would stand.
  if (mode && isolating && withReasons && !list.length)
    misses.push({
      policy: mode.policy,
      rule: -1,
      reason: `the policy enforcement mode isolates every endpoint both ways, selected by a policy or not, and no Cilium rule selects it for ${direction}`,
      ...(mode.source ? { source: mode.source } : {}),
    });
  const unmodeled: string[] = [];
  let allow: RuleRef | undefined;
  let http: { rule: CiliumHttpRule; ref: RuleRef }[] | undefined = [];
  let dns: CiliumDnsRule[] | undefined = [];
  const portUnmodeled: string[] = [];
  const maybeAllow: string[] = [];
  const maybeDeny: string[] = [];
  let plain = false;
  let deny: RuleRef | undefined;
  const numbers = direction === 'Egress' ? namedPortNumbers(tier.model.pods) : undefined;
  const unsettledAllow: string[] = [];
  let settledAllow = false;
  for (const i of list) {
    const e = tier.entries[i];
    const rule = e.rule;
    for (const u of rule.unmodeled) unmodeled.push(`${e.policy.key} ${e.path}.${u}`);
    // fromNodes/toNodes: unknown unless the input's cilium-config says the agent accepts them.
    if (!tier.agent.nodeSelectorLabels)
      for (const u of e.policy.nodeRules ?? []) unmodeled.push(`${e.policy.key} ${u}`);
    for (const u of e.policy.unmodeled ?? []) unmodeled.push(`${e.policy.key} ${u}`);
    const isDeny = rule.section.endsWith('Deny');
    if (isDeny && deny) continue;
    const ports =
      rule.toPorts === 'all'
        ? 'all'
        : rule.toPorts.filter((pr) => portRuleMatches(pr, port, protocol, destination));
    // An egress port name Cilium releases resolve differently (_cilium-knp.ts): the rule may or may not apply.
    const unsettled = numbers && rule.toPorts !== 'all' ? unsettledNames(numbers, rule.toPorts, q) : [];
    const onlyUnsettled =
      unsettled.length > 0 &&
      ports !== 'all' &&
      ports.every((pr) => pr.ports.every((pp) => !plainPortMatches(pp, q) || unsettled.includes(pp)));
    if (unsettled.length && (isDeny || !ports.length || onlyUnsettled)) {
      if (matchPeer(tier, rule, e, subject, target, entities) !== undefined) {
        const note = `${e.policy.key} ${e.path}.toPorts (${unsettledNote(numbers!, unsettled, q)})`;
        if (isDeny || !ports.length) (isDeny ? maybeDeny : maybeAllow).push(note);
        else unsettledAllow.push(note);
      }
      if (isDeny && (!ports.length || onlyUnsettled)) continue;
    }
    if (ports !== 'all' && !ports.length) {
      if (withReasons && !isDeny)
        misses.push(
          miss(
            e,
            rule.icmps
              ? `its icmps admit ICMP only, not ${port}/${protocol}`
              : `port ${port}/${protocol} is not in its toPorts`,
            rule.source,
          ),
        );
      continue;
    }
    const peer = matchPeer(tier, rule, e, subject, target, entities);
    // A peer Cilium may match where kubetwin does not: it matters only if nothing else decides the same way.
    const maybe = isDeny ? maybeDeny : maybeAllow;
    if (peer === undefined && rule.peers !== 'all' && target.cls)
      for (const p of rule.peers)
        if (p.kind === 'endpoints' && p.unscoped && sortedHas(tier.select(p.unscoped), target.cls.id))
          maybe.push(`${e.policy.key} ${e.path}.${p.path} (${namespaceLabelsNote})`);
    if (peer === undefined && rule.peers !== 'all' && !target.pod)
      for (const p of rule.peers)
        if (p.kind === 'endpoints' && requiresNoLabel(p.selector))
          maybe.push(`${e.policy.key} ${e.path}.${p.path} (${negativeSelectorNote})`);
    if (peer === undefined) {
      if (withReasons && !isDeny)
        misses.push(
          miss(
            e,
            rule.emptyPeerList
              ? `its ${rule.emptyPeerList} is an empty list, which selects no peer (Cilium 1.15+): it only enables default deny`
              : rule.peers === 'all' || !rule.peers.length
                ? 'the rule names no peer: it only enables default deny'
                : rule.peers.map((p) => `${p.path}: ${peerMissReason(p, target, entities)}`).join('; '),
            rule.source,
          ),
        );
      continue;
    }
    const via = peer >= 0 ? (rule.peers as CiliumPeer[])[peer] : undefined;
    if (via?.kind === 'service' && target.cls)
      unmodeled.push(`${e.policy.key} ${e.path}.${via.path} (${selectorServiceNote})`);
    const ref: RuleRef = {
      tier: 'cilium',
      policy: e.policy.key,
      rule: rule.index,
      ...(peer >= 0 ? { peer } : {}),
      action: isDeny ? 'Deny' : 'Allow',
      path: peer >= 0 ? `${e.path}.${(rule.peers as CiliumPeer[])[peer].path}` : e.path,
      source: peer >= 0 ? ((rule.peers as CiliumPeer[])[peer].source ?? rule.source) : rule.source,
    };
    if (isDeny) {
      deny = ref;
      continue;
    }
    allow ??= ref;
    if (!onlyUnsettled) settledAllow = true;
    // A port rule's unmodeled L7 parts (Kafka, l7proto, headerMatches) only restrict what its peers send on
    // its ports; another admitting rule with no L7 part on the port lifts them ("the layer 7 portions of the
    // latter rule will have no effect", https://docs.cilium.io/en/stable/security/policy/layer7/).
    // Listeners and TLS settings are not L7 rules: kubetwin does not know what a plain rule beside them does.
    if (ports === 'all' || ports.some((pr) => !pr.http && !pr.dns && !pr.unmodeled.length)) plain = true;
    if (ports !== 'all')
      for (const pr of ports)
        for (const u of pr.unmodeled)
          (u.includes('.rules.') ? portUnmodeled : unmodeled).push(`${e.policy.key} ${e.path}.${u}`);
    // DNS rules restrict lookups only when every admitting rule carries some on this port (an empty list admits all).
    if (dns) {
      if (ports === 'all' || ports.some((pr) => !pr.dns?.length)) dns = undefined;
      else for (const pr of ports) dns.push(...pr.dns!);
    }
    if (http) {
      if (ports === 'all' || ports.some((pr) => !pr.http)) http = undefined;
      else
        for (const pr of ports)
          for (const h of pr.http ?? [])
            http.push({
              rule: h,
              ref: {
                ...ref,
                path: `${e.path}.toPorts[${pr.index}].rules.http[${h.index}]`,
                source: h.source,
              },
            });
    }
  }
  if (allow && !deny && !plain) unmodeled.push(...portUnmodeled);
  if (allow && !deny && !settledAllow) unmodeled.push(...unsettledAllow);
  if (!allow && !deny) unmodeled.push(...maybeAllow);
  if (!deny) unmodeled.push(...maybeDeny);
  return {
    isolating,
    isolatedBy,
    deny,
    allow,
    ...(allow && http ? { http } : {}),
    ...(allow && dns?.length ? { dns } : {}),
    misses,
    unmodeled,
  };
}

/**
 * `toServices` matching a pod is a Service with a selector: Cilium's documentation says "These rules will only
 * take effect on Kubernetes services without a selector" ("For services backed by pods, use labels based rules"),
 * https://docs.cilium.io/en/stable/security/policy/language/#services-based — kubetwin matches its pods, but the
 * agent may not, so the verdict names it as not modeled (reach/test: unknown).
 */
const selectorServiceNote = 'a Service with a selector, which Cilium documents toServices as not applying to';

/** Why a peer on namespace labels in a CiliumNetworkPolicy makes a verdict unknown (see `CiliumPeer.unscoped`). */
export const namespaceLabelsNote =
  "namespace labels without io.kubernetes.pod.namespace in a CiliumNetworkPolicy: recent Cilium selects matching pods of every namespace, its documentation and older releases only the policy's namespace";

/**
 * An endpoint selector made only of negative requirements (NotIn, DoesNotExist) requires no label, so it matches
 * identities that are not pods (world, host, remote nodes): Cilium adds the namespace requirement that keeps a
 * peer selector on pods only when the selector does not name the namespace, and "the NotIn selector does not
 * require the existence of the label" (cilium/cilium#46949, open, affects 1.19 and 1.20; the fix, #46996, was not
 * merged). kubetwin matches pods only, so a verdict with an address such a selector may match is unknown.
 */
export const negativeSelectorNote =
  'a selector of only NotIn/DoesNotExist requirements, which Cilium releases (cilium/cilium#46949) also match against world, host and remote-node identities';

function requiresNoLabel(selector: Selector): boolean {
  return (
    !selector.nothing &&
    selector.requirements.length > 0 &&
    selector.requirements.every((r) => r.operator === 'NotIn' || r.operator === 'DoesNotExist')
  );
}

/** Index of the first peer of the rule that matches (-1: the rule admits every peer), undefined for none. */
function matchPeer(
  tier: CiliumTier,
  rule: CiliumRule,
  e: CiliumEntry,
  subject: CiliumTarget & { readonly cls: PodClass },
  target: CiliumTarget,
  entities: ReadonlySet<string>,
): number | undefined {
  if (rule.peers === 'all') return -1;
  for (let k = 0; k < rule.peers.length; k++)
    if (peerMatches(tier, rule.peers[k], e, subject, target, entities)) return k;
  return undefined;
}

function peerMatches(
  tier: CiliumTier,
  p: CiliumPeer,
  e: CiliumEntry,
  subject: CiliumTarget & { readonly cls: PodClass },
  target: CiliumTarget,
  entities: ReadonlySet<string>,
): boolean {
  const world = entities.has('world');
  switch (p.kind) {
    case 'endpoints': {
      const reserved = p.selector.requirements.find((r) => r.key.startsWith('reserved:'));
      if (reserved) return entities.has(reserved.key.slice('reserved:'.length));
      return !!target.cls && sortedHas(tier.select(p.selector), target.cls.id);
    }
    case 'entity':
      return entities.has(p.entity);
    case 'cidr':
      return world && !!target.ip && tier.inBlock(p.cidr, p.except, target.ip);
    case 'nodes': {
      const node = target.pod ? undefined : target.node;
      const labels = tier.model.nodes.find((n) => n.name === node)?.labels;
      return !!labels && matches(p.selector, labels);
    }
    case 'service': {
      const s = tier.service(p);
      if (target.cls) return s.selectors.some((sel) => sortedHas(tier.select(sel), target.cls!.id));
      return world && !!target.ip && s.addresses.has(target.ip);
    }
    case 'fqdn': {
      if (!world || !target.ip) return false;
      const names = tier.namesOf(target.ip, target.fqdn);
      return names.some((n) => fqdnMatches(p, n) && tier.dnsAllowed(subject.cls, n));
    }
  }
}

function fqdnMatches(p: CiliumPeer & { kind: 'fqdn' }, name: string): boolean {
  return dnsMatches({ matchName: p.matchName, matchPattern: p.matchPattern }, name);
}

function miss(e: CiliumEntry, reason: string, source: Miss['source']): Miss {
  return { policy: e.policy.key, rule: e.rule.index, path: e.path, reason, source };
}

type PortEntry = CiliumPortRule['ports'][number];

/** Does the port entry admit the connection at the destination (as kubetwin reads a name: the destination's)? */
function plainPortMatches(pp: PortEntry, q: SideQuery): boolean {
  return ciliumPortMatches(pp, q.port, q.protocol, q.destination);
}

/** The port-name entries of a rule's `toPorts` whose reading differs across Cilium releases for this connection. */
function unsettledNames(
  numbers: NamedPortNumbers,
  toPorts: readonly CiliumPortRule[],
  q: SideQuery,
): PortEntry[] {
  return toPorts.flatMap((pr) =>
    pr.ports.filter(
      (pp) =>
        typeof pp.port === 'string' &&
        (pp.protocol === 'ANY' || pp.protocol === q.protocol) &&
        unsettledEgressPortName(numbers, pp.port, q.protocol, q.port, q.destination) !== undefined,
    ),
  );
}

function unsettledNote(numbers: NamedPortNumbers, entries: readonly PortEntry[], q: SideQuery): string {
  return unsettledEgressPortName(numbers, entries[0].port as string, q.protocol, q.port, q.destination)!;
}
