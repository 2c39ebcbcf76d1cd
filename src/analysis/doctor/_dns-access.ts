import type { NetworkPolicy, Pod, PolicyRule } from '../../model/types.ts';
import { portMatches, type PodClass, type PolicyEngine } from '../policy/index.ts';

/** The port and protocol every lookup is sent to first (retried over TCP only when an answer is truncated). */
const DNS_PORT = 53;
const DNS_PROTOCOL = 'UDP';

/**
 * May a pod query at least one of the DNS pods on 53/UDP? The answer `engine.allows` gives for each DNS pod,
 * computed once per equivalence class of the asking pod instead of once per pod and DNS pod.
 *
 * When NetworkPolicy alone decides (`engine.networkPolicyOnly`), a verdict between two distinct pods that are
 * not their node's address depends on the pods' classes only (and, for a named port, on the destination pod):
 * the egress side admits when a rule of a policy isolating the source matches the port at the DNS pod and a peer
 * selects it; the ingress side when the DNS pod is not isolated for ingress or a rule of a policy isolating it
 * matches the port and a peer selects the source.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
 * Per policy, "does one of its egress rules reach this DNS pod" is decided once; per class, its isolating
 * policies (`engine.policiesOf`) are looked up; the DNS pods' ingress peers are matched once per class. Pairs the
 * classes do not decide (a DNS pod asking itself, a hostNetwork DNS pod, which may share the asker's node) and
 * every pair under the Cilium or admin tiers go through `engine.allows`, as before.
 */
export function dnsAccess(engine: PolicyEngine, dnsPods: readonly Pod[]): (pod: Pod) => boolean {
  const viaEngine = (pod: Pod, dns: readonly Pod[]) =>
    dns.some((d) => engine.allows({ kind: 'pod', pod }, { kind: 'pod', pod: d }, DNS_PORT, DNS_PROTOCOL));
  if (!engine.networkPolicyOnly) return (pod) => viaEngine(pod, dnsPods);
  const isDns = new Set(dnsPods);
  const special = dnsPods.filter((d) => d.hostNetwork || !engine.classOf(d));
  const regular = dnsPods
    .filter((d) => !special.includes(d))
    .map((d) => dnsTarget(engine, d, engine.classOf(d)!));
  const memo = new Int8Array(engine.classes.length).fill(-1);
  return (pod) => {
    const c = engine.classOf(pod);
    if (!c || pod.hostNetwork || isDns.has(pod)) return viaEngine(pod, dnsPods);
    if (memo[c.id] === -1) memo[c.id] = regular.some((t) => t.admits(c)) ? 1 : 0;
    return memo[c.id] === 1 || viaEngine(pod, special);
  };
}

/** One regular DNS pod as a destination: which policies' egress reaches it, and which sources its ingress admits. */
function dnsTarget(engine: PolicyEngine, dns: Pod, dnsClass: PodClass): { admits(c: PodClass): boolean } {
  const asDestination = { pod: dns, nsLabels: engine.nsLabels(dns.namespace), node: dns.nodeName };
  /** Per policy: -1 not asked yet, 0 no egress rule of it reaches the DNS pod, 1 one does. */
  const reaches = new Int8Array(engine.policies.length).fill(-1);
  const egressReaches = (i: number) => {
    if (reaches[i] === -1) {
      const np = engine.policies[i];
      reaches[i] = np.egress.some((r) => admitsPeer(engine, np, r, dns, asDestination)) ? 1 : 0;
    }
    return reaches[i] === 1;
  };
  // The DNS pod's ingress rules that match the port: sources are then matched against their peers.
  const ingress = Array.from(engine.policiesOf(dnsClass, 'Ingress'), (i) => engine.policies[i]);
  const rules = ingress.flatMap((np) => np.ingress.filter((r) => portsMatch(r, dns)).map((r) => ({ np, r })));
  const ingressAdmits = (c: PodClass) => {
    if (!ingress.length) return true;
    const asSource = { pod: c.firstPod, nsLabels: engine.nsLabels(c.namespace), node: c.firstPod.nodeName };
    return rules.some(
      ({ np, r }) => r.peers === 'all' || r.peers.some((p) => engine.peer(p, np.namespace, asSource).matched),
    );
  };
  return {
    admits: (c) => {
      const egress = engine.policiesOf(c, 'Egress');
      return (egress.length === 0 || egress.some(egressReaches)) && ingressAdmits(c);
    },
  };
}

/** Does the rule admit the DNS port at the DNS pod (named ports resolved there)? */
function portsMatch(rule: PolicyRule, dns: Pod): boolean {
  return rule.ports === 'all' || rule.ports.some((pp) => portMatches(pp, DNS_PORT, DNS_PROTOCOL, dns));
}

/** Does the egress rule admit the DNS pod: the port at it, and a peer selecting it? */
function admitsPeer(
  engine: PolicyEngine,
  np: NetworkPolicy,
  rule: PolicyRule,
  dns: Pod,
  target: Parameters<PolicyEngine['peer']>[2],
): boolean {
  if (!portsMatch(rule, dns)) return false;
  return rule.peers === 'all' || rule.peers.some((p) => engine.peer(p, np.namespace, target).matched);
}
