import type { ClusterModel, NetworkPolicy, PolicyType } from '../../model/types.ts';
import { cidrContains, cidrsOverlap, parseCidr, parseIP, type IP } from '../../lib/ip.ts';
import { cidrList } from '../../model/profile.ts';
import type { DoctorRule, Finding } from './types.ts';
import { isCiliumDefaultDeny } from './_cilium-default-deny.ts';
import { webhookTargets } from './_webhooks.ts';
import { enforcementUnknown } from '../policy/index.ts';

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
 * A namespace with some policies but no default deny is the common case, and the message says what it leaves
 * open now: how many of the namespace's pods no policy isolates in each direction (policies isolate only the
 * pods they select: "By default, a pod is non-isolated for ingress", same page, #isolated-and-non-isolated-pods).
 */
export const namespaceWithoutDefaultDeny: DoctorRule = {
  code: 'namespace-without-default-deny',
  severity: 'warning',
  summary: 'an application namespace with no default-deny policy for ingress or egress',
  check: ({ model, engine }) => {
    const out: Finding[] = [];
    // Policies, pods and namespaces by name, once: not a filter of every policy per namespace.
    const npsIn = grouped(model.networkPolicies, (np) => np.namespace);
    const cnpsIn = grouped(model.ciliumPolicies ?? [], (p) => p.namespace);
    const podsIn = grouped(
      model.pods.filter((p) => !p.hostNetwork && (p.phase === 'Running' || p.phase === 'Pending')),
      (p) => p.namespace,
    );
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
      const pods = podsIn.get(ns) ?? [];
      const open = missing.map((t) => ({
        t,
        pods: engine ? pods.filter((p) => !engine.isolatedBy(p, t).length) : pods,
      }));
      const none = !nps.length && !cnps.length;
      out.push({
        code: 'namespace-without-default-deny',
        severity: 'warning',
        message: none
          ? `namespace ${ns} has no NetworkPolicy at all: no default deny for ${missing.join(' or ')}, and nothing isolates its ${countPods(pods.length)}`
          : `namespace ${ns} has ${otherPolicies(nps.length, cnps.length)} but no default deny for ${missing.join(' or ')}: ${isolation(open, pods.length)}`,
        objects: [{ key: n?.key ?? `Namespace/${ns}`, source: n?.source }],
        breaks: (open.length === 2 && sameList(open[0]!.pods, open[1]!.pods)
          ? [{ t: 'both' as const, pods: open[0]!.pods }]
          : open
        )
          .map((o) => {
            const does =
              o.t === 'Ingress'
                ? 'accepts connections from anywhere'
                : o.t === 'Egress'
                  ? 'may connect anywhere'
                  : 'accepts connections from anywhere and may connect anywhere';
            if (o.pods.length)
              return `${o.pods.length === 1 ? `pod ${o.pods[0]!.namespace}/${o.pods[0]!.name}` : `${o.pods.length} pods (e.g. ${o.pods[0]!.namespace}/${o.pods[0]!.name})`} ${o.pods.length === 1 ? does : does.replace('accepts', 'accept')}`;
            return `every pod in ${ns} is isolated for ${o.t === 'both' ? 'Ingress and Egress' : o.t} today by a policy that selects it, but a new pod none selects ${does}`;
          })
          .join('; '),
        fix: `Add a default deny for ${missing.join(' and ')} and explicit allows for the flows the namespace needs.${webhookNote}`,
        patch: `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: ${ns}\nspec:\n  podSelector: {}\n  policyTypes: [${missing.join(', ')}]`,
      });
    }
    return out;
  },
};

const sameList = <T>(a: readonly T[], b: readonly T[]) =>
  a.length === b.length && a.every((x, i) => x === b[i]);
/** What the namespace's policies leave open in each direction lacking a default deny, for the message. */
function isolation(open: readonly { t: string; pods: readonly unknown[] }[], total: number): string {
  const which = (k: number) => (k === total ? `its ${countPods(total)}` : `${k} of its ${countPods(total)}`);
  const gaps = open.filter((o) => o.pods.length).map((o) => `${which(o.pods.length)} for ${o.t}`);
  const covered = open.filter((o) => !o.pods.length).map((o) => o.t);
  return [
    ...(gaps.length ? [`no policy isolates ${gaps.join(', nor ')}`] : []),
    ...(covered.length
      ? [
          `the policies select every pod for ${covered.join(' and ')}, but a new pod none selects is not isolated`,
        ]
      : []),
  ].join('; ');
}

const countPods = (n: number) => `${n} pod${n === 1 ? '' : 's'}`;

/** The namespace's policies, for the message: its NetworkPolicies and Cilium policies (which isolate only the pods they select). */
function otherPolicies(nps: number, cnps: number): string {
  const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;
  const np = plural(nps, 'NetworkPolicy', 'NetworkPolicies');
  const cilium = plural(cnps, 'CiliumNetworkPolicy', 'CiliumNetworkPolicies');
  return nps && cnps ? `${np} and ${cilium}` : cnps ? cilium : np;
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
            // k3s turns its embedded kube-router policy controller off with a server flag, not by its CNI.
            // https://docs.k3s.io/networking/basic-network-options
            fix:
              model.profile.cni.name === 'k3s-flannel'
                ? "Start the k3s servers without --disable-network-policy (k3s's embedded network policy controller then enforces them), or run a CNI that enforces NetworkPolicy."
                : 'Run a CNI that enforces NetworkPolicy (Calico, Cilium, Antrea, …), or set cni.enforcesNetworkPolicy in the profile if it does.',
          },
        ]
      : [],
};

/**
 * Policies whose effect is unknown: the CNI is unknown (`cni.name: unknown`: a dump whose kube-system holds no node
 * agent kubetwin knows), and "creating a NetworkPolicy resource without a controller that implements it will have
 * no effect" (https://kubernetes.io/docs/concepts/services-networking/network-policies/#prerequisites). The
 * namespaces' default denies and the findings built on what the policies deny hold only if it enforces them.
 */
export const cniEnforcementUnknown: DoctorRule = {
  code: 'cni-enforcement-unknown',
  severity: 'warning',
  summary: 'NetworkPolicies exist but whether the (unknown) CNI enforces them is unknown',
  check: ({ model }) =>
    model.networkPolicies.length && enforcementUnknown(model)
      ? [
          {
            code: 'cni-enforcement-unknown',
            severity: 'warning',
            message: `${model.networkPolicies.length} NetworkPolic${model.networkPolicies.length === 1 ? 'y exists' : 'ies exist'}, but the cluster's CNI is unknown (no node agent kubetwin knows is in the input): whether NetworkPolicy is enforced is unknown`,
            objects: [
              {
                key: 'ClusterProfile',
                source: model.profile.origins?.cni?.sources?.[0] ?? model.profile.source,
              },
              ...model.networkPolicies.slice(0, 1).map((np) => ({ key: np.key, source: np.source })),
            ],
            breaks:
              'if the CNI does not enforce NetworkPolicy, every connection is allowed: the default denies protect nothing, and the findings about traffic the policies block do not apply',
            fix: 'Name the CNI in the profile (cni: {name: …, enforcesNetworkPolicy: …}); kubetwin profile prints one to edit.',
          },
        ]
      : [],
};
