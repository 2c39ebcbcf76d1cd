import type { ClusterModel, NetworkPolicy, Pod, Protocol } from '../../model/types.ts';
import type { AdminPodSelector, AdminPolicy } from '../../model/admin-policy.ts';
import { formatSelector, matches, type Selector } from '../../lib/labels.ts';
import { portMatches } from './_ports.ts';
import type { Party, SideVerdict, Verdict } from './types.ts';

/** The one namespace label the API server sets itself, known whether or not the Namespace is in the input. */
const nameLabel = 'kubernetes.io/metadata.name';

/**
 * Namespaces whose object is not in the input (kubetwin made them: a namespace objects use, or a system one):
 * their labels are unknown beyond `kubernetes.io/metadata.name`.
 */
export function namespacesNotInInput(model: ClusterModel): Set<string> {
  return new Set(model.namespaces.filter((n) => !n.source).map((n) => n.name));
}

/** Does a namespaceSelector read a label other than `kubernetes.io/metadata.name`? */
export const readsOtherLabels = (s: Selector | undefined): boolean =>
  !!s && !s.nothing && s.requirements.some((r) => r.key !== nameLabel);

/**
 * Why a verdict may be wrong because a NetworkPolicy peer selects namespaces by labels the input does not give:
 * "namespaceSelector … selects namespaces based on labels" (the labels of the Namespace object,
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors),
 * and only `kubernetes.io/metadata.name` is set by the API server on every namespace
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-namespace-by-its-name).
 * For a namespace absent from the input, such a peer could match or not. A side admitted by a rule that does not
 * depend on it stands; otherwise each dependent rule (on this port) is named. Empty when the verdict is sure.
 */
export function unknownNamespaceLabels(
  model: ClusterModel,
  from: Party,
  to: Party,
  verdict: Verdict,
  absent: ReadonlySet<string> = namespacesNotInInput(model),
): string[] {
  const out: string[] = [];
  const dest = to.kind === 'pod' ? to.pod : undefined;
  const side = (sv: SideVerdict, other: Party, rules: 'ingress' | 'egress') => {
    if (other.kind !== 'pod' || !absent.has(other.pod.namespace) || !sv.isolatedBy.length) return;
    const deps = dependentRules(model, sv, other.pod, rules, verdict.port, verdict.protocol, dest);
    // Admitted by a rule that does not read the unknown labels: whatever they are, the side is admitted.
    if (sv.allowed && !(sv.match && deps.some((d) => d.policy.key === sv.match!.policy))) return;
    for (const d of deps)
      out.push(
        `namespace ${other.pod.namespace} is not in the input, so its labels are unknown: ${d.policy.key} ${rules}[${d.rule}] selects namespaces by ${formatSelector(d.selector)}, which could ${sv.allowed ? 'miss' : 'match'} it (add the Namespace object to the input)`,
      );
  };
  side(verdict.egress, to, 'egress');
  side(verdict.ingress, from, 'ingress');
  out.push(...adminDependence(model, from, to, absent));
  return [...new Set(out)].sort();
}

/** Do the selector's requirements on `kubernetes.io/metadata.name` (known for every namespace) admit `namespace`? */
const nameAllows = (s: Selector, namespace: string): boolean =>
  matches({ requirements: s.requirements.filter((r) => r.key === nameLabel) }, { [nameLabel]: namespace });

/** Per model, by key, the NetworkPolicies with a peer that reads namespace labels: most models have none. */
const readersOf = new WeakMap<ClusterModel, ReadonlyMap<string, NetworkPolicy>>();
function labelReaders(model: ClusterModel): ReadonlyMap<string, NetworkPolicy> {
  let m = readersOf.get(model);
  if (!m) {
    const reads = (np: NetworkPolicy) =>
      [...np.ingress, ...np.egress].some(
        (r) => r.peers !== 'all' && r.peers.some((p) => readsOtherLabels(p.namespaceSelector)),
      );
    m = new Map(model.networkPolicies.filter(reads).map((np) => [np.key, np]));
    readersOf.set(model, m);
  }
  return m;
}

/** Rules of the isolating NetworkPolicies whose namespaceSelector peer reads unknown labels of `other`'s namespace. */
function dependentRules(
  model: ClusterModel,
  sv: SideVerdict,
  other: Pod,
  rules: 'ingress' | 'egress',
  port: number,
  protocol: Protocol,
  dest: Pod | undefined,
): { policy: NetworkPolicy; rule: number; selector: Selector }[] {
  const readers = labelReaders(model);
  const out: { policy: NetworkPolicy; rule: number; selector: Selector }[] = [];
  if (!readers.size) return out;
  for (const { policy: key } of sv.isolatedBy) {
    const np = readers.get(key);
    if (!np) continue;
    for (const r of np[rules]) {
      if (r.peers === 'all') continue;
      if (r.ports !== 'all' && !r.ports.some((pp) => portMatches(pp, port, protocol, dest))) continue;
      for (const p of r.peers)
        if (
          readsOtherLabels(p.namespaceSelector) &&
          nameAllows(p.namespaceSelector!, other.namespace) &&
          (!p.podSelector || matches(p.podSelector, other.labels))
        )
          out.push({ policy: np, rule: r.index, selector: p.namespaceSelector! });
    }
  }
  return out;
}

/** Could this namespace selector (and pod selector) take `pod`, whose namespace's labels are unknown? */
function mayTake(ns: Selector | undefined, pods: Selector | undefined, pod: Pod): boolean {
  return readsOtherLabels(ns) && nameAllows(ns!, pod.namespace) && (!pods || matches(pods, pod.labels));
}
const takesBy = (sel: { namespaces?: Selector; pods?: AdminPodSelector }, pod: Pod) =>
  mayTake(sel.namespaces, undefined, pod) ||
  (!!sel.pods && mayTake(sel.pods.namespaceSelector, sel.pods.podSelector, pod));

/** Does the policy's subject select `pod` by the labels kubetwin has, or could it by labels it lacks? */
function subjectMay(model: ClusterModel, ap: AdminPolicy, pod: Pod, absent: ReadonlySet<string>): boolean {
  const nsLabels = model.namespaces.find((n) => n.name === pod.namespace)?.labels ?? {};
  const s = ap.subject;
  const known = s.namespaces
    ? matches(s.namespaces, nsLabels)
    : !!s.pods && matches(s.pods.namespaceSelector, nsLabels) && matches(s.pods.podSelector, pod.labels);
  return known || (absent.has(pod.namespace) && takesBy(s, pod));
}

/**
 * The admin tiers (AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy) select subjects and peers by
 * namespace labels too (https://network-policy-api.sigs.k8s.io/api-overview/): a policy whose subject or a rule's
 * peer reads another label of a namespace absent from the input may or may not apply to the pair. Conservative: named
 * whenever it could touch the pair in that direction, whatever the other tiers decide.
 */
function adminDependence(model: ClusterModel, from: Party, to: Party, absent: ReadonlySet<string>): string[] {
  const out: string[] = [];
  const unknownNs = (p: Party) => (p.kind === 'pod' && absent.has(p.pod.namespace) ? p.pod : undefined);
  const a = unknownNs(from);
  const b = unknownNs(to);
  if (!a && !b) return out;
  const say = (ap: AdminPolicy, pod: Pod, where: string) =>
    out.push(
      `namespace ${pod.namespace} is not in the input, so its labels are unknown: ${ap.key} ${where} selects namespaces by labels, which could take it (add the Namespace object to the input)`,
    );
  for (const ap of model.adminPolicies ?? []) {
    // Ingress rules judge `to` as the subject and `from` among the peers; egress rules the other way round.
    for (const [subject, peer, rules, dir] of [
      [to, from, ap.ingress, 'ingress'],
      [from, to, ap.egress, 'egress'],
    ] as const) {
      if (!rules.length || subject.kind !== 'pod') continue;
      if (subject === to ? b : a) {
        if (takesBy(ap.subject, subject.pod)) say(ap, subject.pod, 'subject');
      }
      const other = peer === to ? b : a;
      if (other && subjectMay(model, ap, subject.pod, absent))
        for (const r of rules)
          if (r.peers.some((p) => takesBy(p, other))) say(ap, other, `${dir}[${r.index}]`);
    }
  }
  return out;
}
