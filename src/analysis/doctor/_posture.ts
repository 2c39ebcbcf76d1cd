import type { ClusterModel, NetworkPolicy, PolicyType } from '../../model/types.ts';
import { cidrContains, cidrsOverlap, parseCidr, parseIP, type IP } from '../../lib/ip.ts';
import { cidrList } from '../../model/profile.ts';
import type { DoctorRule, Finding } from './types.ts';
import { isCiliumDefaultDeny } from './_cilium-default-deny.ts';
import { webhookTargets } from './_webhooks.ts';

const systemNamespaces = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

/** Does `np` isolate every pod of its namespace in `type` without allowing anything (a default deny)? */
export function isDefaultDeny(np: NetworkPolicy, type: PolicyType): boolean {
  return (
    np.podSelector.requirements.length === 0 &&
    !np.podSelector.nothing &&
    np.policyTypes.includes(type) &&
    (type === 'Ingress' ? np.ingress : np.egress).length === 0
  );
}

/**
 * A rule that admits every port from (or to) everyone, undoing a default deny: `ingress: [{}]` (no `from`), a peer
 * `namespaceSelector: {}` without a narrower podSelector (every pod of every namespace), or `ipBlock 0.0.0.0/0`
 * (or `::/0`) with no `except`, with no `ports`. Rules are ORed, so one such rule makes the direction open.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#allow-all-ingress-traffic
 */
export function admitsEverything(np: NetworkPolicy, type: PolicyType): boolean {
  if (!np.policyTypes.includes(type)) return false;
  const empty = (s?: { requirements: readonly unknown[]; nothing?: boolean }) =>
    !!s && s.requirements.length === 0 && !s.nothing;
  return (type === 'Ingress' ? np.ingress : np.egress).some(
    (r) =>
      r.ports === 'all' &&
      (r.peers === 'all' ||
        r.peers.some(
          (p) =>
            (empty(p.namespaceSelector) && (!p.podSelector || empty(p.podSelector))) ||
            (p.ipBlock && /^(0\.0\.0\.0|::)\/0$/.test(p.ipBlock.cidr) && !p.ipBlock.except.length),
        )),
  );
}

/** Items by a key, each list in input order. */
function grouped<T>(items: readonly T[], key: (x: T) => string | undefined): Map<string | undefined, T[]> {
  const out = new Map<string | undefined, T[]>();
  for (const x of items) (out.get(key(x)) ?? out.set(key(x), []).get(key(x))!).push(x);
  return out;
}

/** Application namespaces: those running pods, minus the control-plane ones. */
function appNamespaces(model: ClusterModel): string[] {
  return [...new Set(model.pods.map((p) => p.namespace))].filter((n) => !systemNamespaces.has(n)).sort();
}

/**
 * Zero trust needs a default deny in every application namespace: without one, a pod that no policy selects
 * accepts (and sends) everything. https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies
 */
export const namespaceWithoutDefaultDeny: DoctorRule = {
  code: 'namespace-without-default-deny',
  severity: 'warning',
  summary: 'an application namespace with no default-deny policy for ingress or egress',
  check: ({ model }) => {
    const out: Finding[] = [];
    // Policies and namespaces by name, once: not a filter of every policy per namespace.
    const npsIn = grouped(model.networkPolicies, (np) => np.namespace);
    const cnpsIn = grouped(model.ciliumPolicies ?? [], (p) => p.namespace);
    const namespaces = new Map(model.namespaces.map((n) => [n.name, n] as const).reverse());
    for (const ns of appNamespaces(model)) {
      const nps = npsIn.get(ns) ?? [];
      const cnps = cnpsIn.get(ns) ?? [];
      const missing = (['Ingress', 'Egress'] as const).filter(
        (t) => !nps.some((np) => isDefaultDeny(np, t)) && !cnps.some((p) => isCiliumDefaultDeny(p, t)),
      );
      if (!missing.length) continue;
      const n = namespaces.get(ns);
      // The API server's calls to admission webhooks are a flow no manifest declares: the bare deny would cut them.
      const webhooks = missing.includes('Ingress') ? webhookTargets(model, ns) : [];
      const webhookNote = webhooks.length
        ? ` The API server calls admission webhooks here (${webhooks.join(', ')}): allow ingress on ${webhooks.length > 1 ? 'those ports' : 'that port'} too, or the default deny refuses its calls (webhook-unreachable).`
        : '';
      out.push({
        code: 'namespace-without-default-deny',
        severity: 'warning',
        message: `namespace ${ns} has no default-deny policy for ${missing.join(' and ')}${otherPolicies(nps.length, cnps.length)}`,
        objects: [{ key: n?.key ?? `Namespace/${ns}`, source: n?.source }],
        breaks: `pods in ${ns} that no policy selects ${missing.length === 2 ? 'accept and send traffic from anywhere' : missing[0] === 'Ingress' ? 'accept traffic from anywhere' : 'send traffic anywhere'}`,
        fix: `Add a default deny for ${missing.join(' and ')} and explicit allows for the flows the namespace needs.${webhookNote}`,
        patch: `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: ${ns}\nspec:\n  podSelector: {}\n  policyTypes: [${missing.join(', ')}]`,
      });
    }
    return out;
  },
};

/** What else the namespace holds, for the message: its other NetworkPolicies and Cilium policies, or none at all. */
function otherPolicies(nps: number, cnps: number): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  if (!cnps)
    return nps ? ` (${plural(nps, 'other policy', 'other policies')})` : ' (no NetworkPolicy at all)';
  const cilium = `${plural(cnps, 'CiliumNetworkPolicy', 'CiliumNetworkPolicies')}, which ${cnps === 1 ? 'isolates only the pods it selects' : 'isolate only the pods they select'}`;
  return nps
    ? ` (${plural(nps, 'other NetworkPolicy', 'other NetworkPolicies')}; ${cilium})`
    : ` (no NetworkPolicy; ${cilium})`;
}

/**
 * ipBlock is meant for traffic from or to outside the cluster. Upstream leaves undefined whether policies see a
 * Service IP or the endpoint behind it (kube-proxy DNATs first, so policies see endpoints); an ipBlock naming
 * Service IPs may match nothing, and one overlapping the pod CIDR matches pod IPs only on some CNIs.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource (ipBlock)
 */
export const ipBlockMisuse: DoctorRule = {
  code: 'ipblock-cluster-range',
  severity: 'warning',
  summary:
    'an ipBlock that names Service IPs (never matched, after DNAT) or overlaps the pod CIDR (CNIs disagree)',
  check: ({ model }) => {
    const out: Finding[] = [];
    const serviceCidrs = cidrList(model.profile.serviceCIDR).map((c) => parseCidr(c)!);
    const podCidrs = cidrList(model.profile.podCIDR).map((c) => parseCidr(c)!);
    let clusterIPs: { s: (typeof model.services)[number]; ips: IP[] }[] | undefined;
    for (const np of model.networkPolicies)
      for (const dir of ['ingress', 'egress'] as const)
        for (const rule of np[dir]) {
          if (rule.peers === 'all') continue;
          rule.peers.forEach((peer, index) => {
            if (!peer.ipBlock) return;
            const block = parseCidr(peer.ipBlock.cidr);
            if (!block) return;
            const path = `spec.${dir}[${rule.index}].${dir === 'ingress' ? 'from' : 'to'}[${index}].ipBlock`;
            const where = { key: np.key, source: peer.source ? { ...peer.source, path } : np.source };
            const whole = block.prefix === 0;
            if (!whole && serviceCidrs.some((c) => cidrsOverlap(c, block))) {
              // Every ClusterIP parsed once for the whole check, not once per ipBlock peer.
              clusterIPs ??= model.services.map((s) => ({
                s,
                ips: s.clusterIPs.map((ip) => parseIP(ip)).filter((ip): ip is IP => !!ip),
              }));
              const svcIPs = clusterIPs
                .filter(({ ips }) => ips.some((ip) => cidrContains(block, ip)))
                .map(({ s }) => s);
              out.push({
                code: 'ipblock-cluster-range',
                severity: 'warning',
                message: `${np.namespace}/${np.name} ${dir}[${rule.index}]: ipBlock ${peer.ipBlock.cidr} covers the service CIDR${
                  svcIPs.length
                    ? ` (${svcIPs
                        .slice(0, 3)
                        .map((s) => `${s.namespace}/${s.name}`)
                        .join(', ')}${svcIPs.length > 3 ? ', …' : ''})`
                    : ''
                }; whether policies see Service IPs or the endpoints behind them is not defined upstream (with kube-proxy they see the endpoints, after DNAT), so it may never match`,
                objects: [where],
                breaks:
                  'traffic to those Services may not be allowed by this rule (it is, on no kube-proxy-based data path)',
                fix: 'Select the pods behind the Service with podSelector/namespaceSelector instead of its ClusterIP.',
              });
            } else if (
              !whole &&
              podCidrs.some((c) => cidrsOverlap(c, block)) &&
              !peer.ipBlock.except.some((e) =>
                podCidrs.some((c) => cidrsOverlap(c, parseCidr(e) ?? c) && parseCidr(e)!.prefix <= c.prefix),
              )
            )
              out.push({
                code: 'ipblock-cluster-range',
                severity: 'warning',
                message: `${np.namespace}/${np.name} ${dir}[${rule.index}]: ipBlock ${peer.ipBlock.cidr} overlaps the pod CIDR ${model.profile.podCIDR}; whether it matches pod IPs depends on the CNI`,
                objects: [where],
                breaks: 'the verdict differs between CNIs (pod IPs may or may not match ipBlock)',
                fix: 'Use podSelector/namespaceSelector for pods; keep ipBlock for addresses outside the cluster (add the pod CIDR to except).',
              });
          });
        }
    return out;
  },
};

/** Policies do nothing when the CNI does not enforce them (flannel, kindnet). */
export const cniDoesNotEnforce: DoctorRule = {
  code: 'cni-does-not-enforce',
  severity: 'error',
  summary: 'NetworkPolicies exist but the profile CNI does not enforce them',
  check: ({ model }) =>
    model.networkPolicies.length && !model.profile.cni.enforcesNetworkPolicy
      ? [
          {
            code: 'cni-does-not-enforce',
            severity: 'error',
            message: `${model.networkPolicies.length} NetworkPolicies exist, but the CNI ${model.profile.cni.name} does not enforce NetworkPolicy`,
            objects: [
              { key: 'ClusterProfile', source: model.profile.source },
              ...model.networkPolicies.slice(0, 1).map((np) => ({ key: np.key, source: np.source })),
            ],
            breaks: 'every connection is allowed: the policies are ignored',
            fix: 'Run a CNI that enforces NetworkPolicy (Calico, Cilium, Antrea, …), or set cni.enforcesNetworkPolicy in the profile if it does.',
          },
        ]
      : [],
};
