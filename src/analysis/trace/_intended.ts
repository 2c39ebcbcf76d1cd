import type { NetworkPolicy, Pod, PolicyPeer, PolicyRule, Protocol } from '../../model/types.ts';
import { formatLabels, formatSelector, matches } from '../../lib/labels.ts';
import { cidrContains, parseCidr, parseIP } from '../../lib/ip.ts';
import { portMatches, type Party, type PolicyEngine } from '../policy/index.ts';

/** The rule that was meant to admit a denied connection, and what it lacks. */
export interface Intended {
  readonly policy: NetworkPolicy;
  readonly rule: PolicyRule;
  readonly direction: 'Ingress' | 'Egress';
  /** `port`: it admits the peer but not the port; `selector`: peer and port, but its policy does not select the pod; `peer`: the port but not the peer. */
  readonly lacks: 'port' | 'selector' | 'peer';
  /** One sentence naming the rule (with file:line) and what it lacks. */
  readonly text: string;
}

/** A pod by its workload (`ns/name`, every replica alike), an address by its label. */
const label = (p: Party) =>
  p.kind === 'pod'
    ? p.pod.owner
      ? p.pod.owner.split('/').slice(1).join('/')
      : `${p.pod.namespace}/${p.pod.name}`
    : (p.label ?? p.ip);

function peerMatches(engine: PolicyEngine, pr: PolicyPeer, ns: string, other: Party): boolean {
  if (pr.ipBlock) {
    const ip = parseIP(other.kind === 'pod' ? (other.pod.ip ?? '') : other.ip);
    const cidr = parseCidr(pr.ipBlock.cidr);
    if (!ip || !cidr || !cidrContains(cidr, ip)) return false;
    return !pr.ipBlock.except.some((e) => {
      const c = parseCidr(e);
      return !!c && cidrContains(c, ip);
    });
  }
  if (other.kind !== 'pod') return false;
  const nsOk = pr.namespaceSelector
    ? matches(pr.namespaceSelector, engine.nsLabels(other.pod.namespace))
    : other.pod.namespace === ns;
  return nsOk && (!pr.podSelector || matches(pr.podSelector, other.pod.labels));
}

/** A pod's labels without the ones controllers add. */
export const ownLabels = (pod: Pod) =>
  Object.fromEntries(
    Object.entries(pod.labels).filter(
      ([k]) =>
        !/^(pod-template-hash|controller-revision-hash|statefulset\.kubernetes\.io\/pod-name|apps\.kubernetes\.io\/pod-index|job-name|batch\.kubernetes\.io\/.*|controller-uid)$/.test(
          k,
        ),
    ),
  );

/** Does the policy's podSelector select any pod of its namespace? */
const selectsAnyPod = (engine: PolicyEngine, np: NetworkPolicy) =>
  engine.model.pods.some((p) => p.namespace === np.namespace && matches(np.podSelector, p.labels));

/** How specifically a rule names its peers: a pod selector with labels names a workload. */
const specificity = (r: PolicyRule) =>
  r.peers === 'all' ? 0 : Math.max(0, ...r.peers.map((p) => (p.podSelector?.requirements.length ? 2 : 1)));

/**
 * The closest NetworkPolicy rule to a denied side: among the rules of the policies of the isolated pod's namespace
 * for that direction, those two of three conditions short of admitting it — (peer and pod selected, not the port),
 * (peer and port, the policy's podSelector misses the pod and selects no other pod: a selector typo), (port and
 * pod selected, not the peer).
 * A rule that admits the peer ranks first (it names who was meant to connect), the most specific peer first, then
 * by policy and rule order. Undefined when no rule comes that close: the isolating policies' misses stand.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
 */
export function intendedRule(
  engine: PolicyEngine,
  direction: 'Ingress' | 'Egress',
  subject: Pod,
  other: Party,
  port: number,
  protocol: Protocol,
  destination: Pod | undefined,
): Intended | undefined {
  const found: { np: NetworkPolicy; rule: PolicyRule; lacks: Intended['lacks']; rank: number }[] = [];
  for (const np of engine.policies) {
    if (np.namespace !== subject.namespace || !np.policyTypes.includes(direction)) continue;
    const selects = matches(np.podSelector, subject.labels);
    for (const rule of direction === 'Ingress' ? np.ingress : np.egress) {
      const portOk =
        rule.ports === 'all' || rule.ports.some((pp) => portMatches(pp, port, protocol, destination));
      const peerOk =
        rule.peers !== 'all' && rule.peers.some((pr) => peerMatches(engine, pr, np.namespace, other));
      // A policy whose podSelector selects other pods is theirs, not a typo for this one: changing its selector
      // would take their access away, so it is no evidence of what was meant here.
      const lacks =
        !portOk && peerOk && selects
          ? 'port'
          : portOk && peerOk && !selects && !selectsAnyPod(engine, np)
            ? 'selector'
            : undefined;
      // The port alone is weak evidence: only a rule of a policy selecting the pod, naming some workload.
      const weak = portOk && selects && !peerOk && rule.peers !== 'all' && specificity(rule) === 2;
      if (lacks) found.push({ np, rule, lacks, rank: 10 + specificity(rule) });
      else if (weak) found.push({ np, rule, lacks: 'peer', rank: 0 });
    }
  }
  found.sort((a, b) => b.rank - a.rank);
  const best = found[0];
  if (!best) return undefined;
  const { np, rule, lacks } = best;
  const where = rule.source ?? np.source;
  const at = `${np.name} ${direction.toLowerCase()}[${rule.index}]${where ? ` (${where.file}:${where.line})` : ''}`;
  const conn = `${port}/${protocol}`;
  const ports =
    rule.ports === 'all' ? 'all' : rule.ports.map((p) => `${p.port ?? 'any'}/${p.protocol}`).join(', ');
  const text =
    lacks === 'port'
      ? `${at} admits ${label(other)} but not ${conn} (its ports: ${ports})`
      : lacks === 'selector'
        ? `${at} admits ${label(other)} on ${conn}, but ${np.name}'s podSelector ${formatSelector(np.podSelector)} does not select ${label({ kind: 'pod', pod: subject })} (labels ${formatLabels(ownLabels(subject))})`
        : `${at} is for ${conn} but none of its peers matches ${label(other)}`;
  return { policy: np, rule, direction, lacks, text };
}
