import type { NetworkPolicy, Pod, PolicyPort, PolicyRule, Protocol } from '../../model/types.ts';
import type { PolicyEngine, PartyTarget } from './_engine.ts';
import { peerMissReason } from './_peers.ts';
import { portMatches, portMissReason } from './_ports.ts';
import type { Miss, RuleRef, SideVerdict } from './types.ts';
import type { HttpRequest } from './_cilium-match.ts';
import { ciliumSide } from './_cilium-side.ts';
import {
  negativeNamespacePeerNote,
  negativeOnlyPeer,
  namedPortNumbers,
  unsettledEgressPortName,
} from './_cilium-knp.ts';

export interface SideContext {
  readonly engine: PolicyEngine;
  readonly port: number;
  readonly protocol: Protocol;
  /** Build miss explanations (skipped on the fast path). */
  readonly withReasons: boolean;
  /** An HTTP request for the Cilium L7 rules. */
  readonly http?: HttpRequest;
  /** Where sides add verdict-level warnings (fields kubetwin does not model). */
  readonly warnings?: string[];
}

export const notes = {
  ipBlockOnPod:
    'an ipBlock matched a pod IP: the upstream e2e suite expects this, but CNIs disagree (some apply ipBlock to traffic leaving or entering the cluster only)',
  ciliumOwnNodeEgress:
    "under Cilium only traffic from a pod's own node is always allowed: egress to it is the host entity, subject to policy (Kubernetes NetworkPolicies included)",
  hostNetwork:
    'hostNetwork pods are treated as their node: NetworkPolicy does not select them and peers see the node address (upstream leaves this undefined; configurable)',
} as const;

/**
 * One direction of a connection at one pod. Order of precedence (https://network-policy-api.sigs.k8s.io/api-overview/):
 * admin tier by priority (Allow / Deny decide, Pass skips to NetworkPolicy), then NetworkPolicy — a pod is isolated
 * in a direction only when some policy selecting it has that policyType, and then only the union of those
 * policies' rules admits traffic — then the baseline tier, then allow.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation
 * Traffic between a pod and itself, and between a pod and its own node, is always allowed
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/, "a pod cannot block access to
 * itself"; "traffic to and from the node where a Pod is running is always allowed").
 */
export function evaluateSide(
  ctx: SideContext,
  direction: 'Ingress' | 'Egress',
  subject: PartyTarget,
  peer: PartyTarget,
): SideVerdict {
  const base = { direction, isolatedBy: [] as SideVerdict['isolatedBy'], misses: [] as Miss[] };
  if (!subject.pod) {
    const hostPod = subject.hostPod;
    return {
      ...base,
      allowed: true,
      reason: hostPod ? 'host-network' : 'not-a-pod',
      notes: hostPod ? [notes.hostNetwork] : [],
    };
  }
  if (peer.pod === subject.pod) return { ...base, allowed: true, reason: 'self', notes: [] };
  const engine = ctx.engine;
  const cilium = engine.cilium.enforcing;
  // Under Cilium only ingress from the pod's own node is always allowed (allow-localhost); egress to the node
  // is the `host` entity, subject to policy — a Kubernetes NetworkPolicy's too, Cilium policies or not.
  // https://docs.cilium.io/en/stable/security/policy/language/#access-to-from-local-host
  if (
    !peer.pod &&
    peer.node !== undefined &&
    peer.node === subject.node &&
    (!engine.cilium.active || direction === 'Ingress')
  ) {
    if (direction === 'Egress') ownNodeAdminDeny(ctx, subject, peer);
    return { ...base, allowed: true, reason: 'own-node', notes: peer.hostPod ? [notes.hostNetwork] : [] };
  }
  const pod = subject.pod;
  const destination = direction === 'Ingress' ? subject.pod : peer.pod;
  const hostNote = peer.hostPod ? [notes.hostNetwork] : [];
  const unmodeled: string[] = [];
  const admin = engine.admin.decide(
    'admin',
    direction,
    subject,
    peer,
    ctx.port,
    ctx.protocol,
    destination,
    unmodeled,
  );
  // An admin rule kubetwin cannot match (domainNames) may decide instead: the verdict is not an answer.
  for (const u of unmodeled)
    ctx.warnings?.push(`${u} is not modeled by kubetwin and may change this verdict`);
  if (admin && admin.action !== 'Pass')
    return { ...base, allowed: admin.action === 'Allow', reason: 'admin', match: admin, notes: hostNote };
  const passNote = admin
    ? [
        `admin rule ${admin.policy} ${direction.toLowerCase()}[${admin.rule}] passed the decision to NetworkPolicy`,
      ]
    : [];
  const cls = subject.cls;
  const c = cilium && cls ? ciliumSide(ctx, direction, subject, peer, destination) : undefined;
  if (c?.deny)
    return {
      ...base,
      allowed: false,
      reason: 'deny',
      match: c.deny,
      notes: [...passNote, ...hostNote],
    };
  const indices: ArrayLike<number> & Iterable<number> = cls ? engine.policiesOf(cls, direction) : [];
  if (!indices.length && !c?.isolating) {
    const baseline = engine.admin.decide(
      'baseline',
      direction,
      subject,
      peer,
      ctx.port,
      ctx.protocol,
      destination,
    );
    if (baseline && baseline.action !== 'Pass')
      return {
        ...base,
        allowed: baseline.action === 'Allow',
        reason: 'baseline',
        match: baseline,
        notes: [...passNote, ...hostNote],
      };
    return { ...base, allowed: true, reason: 'not-isolated', notes: [...passNote, ...hostNote] };
  }
  const isolatedBy = [
    ...Array.from(indices, (i) => ({
      policy: engine.policies[i].key,
      source: engine.policies[i].source,
    })),
    ...(c?.isolatedBy ?? []),
  ];
  const misses: Miss[] = [];
  // Under Cilium, rules whose reading differs across releases: they may admit where kubetwin finds no match,
  // or admit only through a reading that some releases do not share (see _cilium-knp.ts).
  const departs = engine.cilium.active ? ciliumDepartures(ctx, direction, peer, destination) : undefined;
  let pending: { verdict: SideVerdict; why: string } | undefined;
  for (const i of indices) {
    const np = engine.policies[i];
    const rules: readonly PolicyRule[] = direction === 'Ingress' ? np.ingress : np.egress;
    for (const rule of rules) {
      const unsettled = departs?.ports(np, rule) ?? [];
      if (
        rule.ports !== 'all' &&
        !rule.ports.some((pp) => portMatches(pp, ctx.port, ctx.protocol, destination))
      ) {
        if (unsettled.length && departs!.peerMatches(np, rule)) departs!.maybe.push(...unsettled);
        if (ctx.withReasons)
          misses.push({
            policy: np.key,
            rule: rule.index,
            reason: portMissReason(rule.ports, ctx.port, ctx.protocol, destination),
            source: rule.source,
          });
        continue;
      }
      // Admitted only through a port name Cilium releases read differently: kept while a plain rule may follow.
      const onlyUnsettled =
        unsettled.length > 0 &&
        rule.ports !== 'all' &&
        rule.ports.every(
          (pp) =>
            !portMatches(pp, ctx.port, ctx.protocol, destination) || departs!.isUnsettled(pp, destination),
        );
      if (rule.peers === 'all') {
        const match: RuleRef = {
          tier: 'networkpolicy',
          policy: np.key,
          rule: rule.index,
          source: rule.source,
        };
        const verdict: SideVerdict = {
          direction,
          allowed: true,
          reason: 'rule',
          match,
          isolatedBy,
          misses: [],
          notes: [...passNote, ...hostNote],
        };
        if (!onlyUnsettled) return verdict;
        pending ??= { verdict, why: unsettled[0] };
        continue;
      }
      const reasons: string[] = [];
      for (const [p, pr] of rule.peers.entries()) {
        const m = engine.peer(pr, np.namespace, peer);
        if (m.matched) {
          const match: RuleRef = {
            tier: 'networkpolicy',
            policy: np.key,
            rule: rule.index,
            peer: p,
            source: pr.source ?? rule.source,
          };
          const verdict: SideVerdict = {
            direction,
            allowed: true,
            reason: 'rule',
            match,
            isolatedBy,
            misses: [],
            notes: [...passNote, ...hostNote, ...(m.ipBlockOnPod ? [notes.ipBlockOnPod] : [])],
          };
          if (!onlyUnsettled) return verdict;
          pending ??= { verdict, why: unsettled[0] };
          break;
        }
        if (departs && !peer.pod && negativeOnlyPeer(pr))
          departs.maybe.push(
            `${np.key} ${direction.toLowerCase()}[${rule.index}].${direction === 'Ingress' ? 'from' : 'to'}[${p}] (${negativeNamespacePeerNote})`,
          );
        if (ctx.withReasons)
          reasons.push(
            `${direction === 'Ingress' ? 'from' : 'to'}[${p}]: ${peerMissReason(pr, np.namespace, peer)}`,
          );
      }
      if (ctx.withReasons)
        misses.push({ policy: np.key, rule: rule.index, reason: reasons.join('; '), source: rule.source });
    }
    if (ctx.withReasons && !rules.length)
      misses.push({
        policy: np.key,
        rule: -1,
        reason: `has no ${direction.toLowerCase()} rules: it only isolates ${pod.namespace}/${pod.name}`,
        source: np.source,
      });
  }
  if (c?.allow) return c.allowed(isolatedBy, [...passNote, ...hostNote]);
  if (pending) {
    ctx.warnings?.push(`${pending.why} is not modeled by kubetwin and may change this verdict`);
    return pending.verdict;
  }
  for (const u of departs?.maybe ?? [])
    ctx.warnings?.push(`${u} is not modeled by kubetwin and may change this verdict`);
  const ownNode =
    departs && direction === 'Egress' && !peer.pod && peer.node !== undefined && peer.node === subject.node;
  return {
    direction,
    allowed: false,
    reason: 'no-rule-matched',
    isolatedBy,
    misses: [...misses, ...(c?.misses ?? [])],
    notes: [...passNote, ...hostNote, ...(ownNode ? [notes.ciliumOwnNodeEgress] : [])],
  };
}

/**
 * NetworkPolicy exempts the pod's own node ("traffic to and from the node where a Pod is running is always
 * allowed", https://kubernetes.io/docs/concepts/services-networking/network-policies/); the Network Policy API
 * states no such exemption for its admin tiers, and an admin `nodes` or `networks` Deny that selects the pod's own
 * node is enforced or not as the implementation chooses. kubetwin keeps the exemption and names the rule, so the
 * verdict says unknown instead of a confident ALLOWED.
 * https://network-policy-api.sigs.k8s.io/reference/spec/#policy.networking.k8s.io/v1alpha1.AdminNetworkPolicyEgressPeer
 */
function ownNodeAdminDeny(ctx: SideContext, subject: PartyTarget, peer: PartyTarget): void {
  const admin = ctx.engine.admin;
  if (admin.empty || !ctx.warnings) return;
  const at = (tier: 'admin' | 'baseline') =>
    admin.decide(tier, 'Egress', subject, peer, ctx.port, ctx.protocol, undefined);
  const rule = at('admin') ?? at('baseline');
  if (rule?.action === 'Deny')
    ctx.warnings.push(
      `${rule.policy} egress[${rule.rule}] (a Deny that selects the pod's own node, exempt under NetworkPolicy) is not modeled by kubetwin and may change this verdict`,
    );
}

/** What departs from upstream in the NetworkPolicy rules of one side under Cilium (see _cilium-knp.ts). */
function ciliumDepartures(
  ctx: SideContext,
  direction: 'Ingress' | 'Egress',
  peer: PartyTarget,
  destination: Pod | undefined,
) {
  const numbers = direction === 'Egress' ? namedPortNumbers(ctx.engine.model.pods) : undefined;
  const why = (pp: PolicyPort, dest: Pod | undefined) =>
    numbers && typeof pp.port === 'string' && pp.protocol === ctx.protocol
      ? unsettledEgressPortName(numbers, pp.port, pp.protocol, ctx.port, dest)
      : undefined;
  return {
    /** Notes on rules that may admit where kubetwin finds no match (named when nothing admits). */
    maybe: [] as string[],
    /** The rule's egress port names whose reading differs across Cilium releases for this connection. */
    ports(np: NetworkPolicy, rule: PolicyRule): string[] {
      if (!numbers || rule.ports === 'all') return [];
      return rule.ports.flatMap((pp, k) => {
        const w = why(pp, destination);
        return w ? [`${np.key} egress[${rule.index}].ports[${k}] (${w})`] : [];
      });
    },
    isUnsettled: (pp: PolicyPort, dest: Pod | undefined) => why(pp, dest) !== undefined,
    /** Does some peer of the rule select the other end (ports aside)? */
    peerMatches(np: NetworkPolicy, rule: PolicyRule): boolean {
      return rule.peers === 'all' || rule.peers.some((pr) => ctx.engine.peer(pr, np.namespace, peer).matched);
    },
  };
}
