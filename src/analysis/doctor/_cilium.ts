/**
 * Doctor rules for Cilium policies: the mistakes people make with CiliumNetworkPolicy and
 * CiliumClusterwideNetworkPolicy. Semantics: https://docs.cilium.io/en/stable/security/policy/language/
 */
import { cidrContains, cidrsOverlap, parseCidr, parseIP } from '../../lib/ip.ts';
import { formatSelector } from '../../lib/labels.ts';
import { ciliumLabels, type CiliumPeer, type CiliumPolicy } from '../../model/cilium-policy.ts';
import { cidrList } from '../../model/profile.ts';
import type { Pod } from '../../model/types.ts';
import { PolicyEngine } from '../policy/index.ts';
import type { DoctorContext, DoctorRule, Finding } from './types.ts';

const engineOf = (ctx: DoctorContext) => ctx.engine ?? new PolicyEngine(ctx.model);
const name = (p: CiliumPolicy) => `${p.kind} ${p.namespace ? `${p.namespace}/` : ''}${p.name}`;

/** Every L3 peer of every rule, with the policy and rule path. */
function peersOf(policies: readonly CiliumPolicy[]) {
  const out: { policy: CiliumPolicy; path: string; peer: CiliumPeer }[] = [];
  for (const policy of policies)
    for (const spec of policy.specs)
      for (const rule of spec.rules)
        if (rule.peers !== 'all')
          for (const peer of rule.peers)
            out.push({
              policy,
              path: `${spec.path === 'spec' ? '' : `${spec.path}.`}${rule.section}[${rule.index}].${peer.path}`,
              peer,
            });
  return out;
}

/** Cilium policies in a cluster whose CNI is not Cilium are not enforced (https://docs.cilium.io/en/stable/network/kubernetes/policy/). */
export const ciliumNotEnforced: DoctorRule = {
  code: 'cilium-policies-not-enforced',
  severity: 'warning',
  summary: "Cilium policies in a cluster whose profile's CNI is not Cilium: they are ignored",
  check: ({ model }) =>
    model.profile.cni.name.toLowerCase() === 'cilium'
      ? []
      : (model.ciliumPolicies ?? []).map((p) => ({
          code: 'cilium-policies-not-enforced',
          severity: 'warning',
          message: `${name(p)} is a Cilium policy, but the profile's CNI is ${model.profile.cni.name}: nothing enforces it`,
          objects: [{ key: p.key, source: p.source }],
          breaks: 'the isolation and denies it describes do not happen: the traffic it should stop flows',
          fix: 'Set cni: {name: cilium} in the profile if the cluster runs Cilium; otherwise translate it into NetworkPolicies.',
        })),
};

/**
 * A CiliumNetworkPolicy's `fromEndpoints`/`toEndpoints` selector that names no namespace stays in the policy's
 * namespace; when it selects nothing there but would select pods elsewhere, it was meant for another namespace
 * (https://docs.cilium.io/en/stable/security/policy/kubernetes/#namespaces).
 */
export const ciliumSelectorScoped: DoctorRule = {
  code: 'cilium-selector-scoped-to-namespace',
  severity: 'warning',
  summary:
    "a CiliumNetworkPolicy endpoint selector that matches no pod in the policy's namespace but would match pods in another",
  check(ctx) {
    const e = engineOf(ctx);
    const out: Finding[] = [];
    for (const { policy, path, peer } of peersOf(ctx.model.ciliumPolicies ?? [])) {
      if (peer.kind !== 'endpoints' || !policy.namespace) continue;
      if (e.cilium.select(peer.selector).length) continue;
      const rest = {
        requirements: peer.selector.requirements.filter((r) => r.key !== ciliumLabels.namespace),
      };
      const elsewhere = [...e.cilium.select(rest)].map((id) => e.classes[id].namespace);
      if (!elsewhere.length) continue;
      const nss = [...new Set(elsewhere)].sort();
      out.push({
        code: 'cilium-selector-scoped-to-namespace',
        severity: 'warning',
        message: `${name(policy)} ${path} {${formatSelector(rest)}} names no namespace, so it selects pods of ${policy.namespace} only — none match; pods in ${nss.join(', ')} do`,
        objects: [{ key: policy.key, source: peer.source }],
        breaks: `traffic from (or to) those pods in ${nss.join(', ')} is dropped`,
        fix: `Add the namespace to the selector: matchLabels: {k8s:io.kubernetes.pod.namespace: ${nss[0]}}.`,
        patch: `matchLabels:\n  k8s:io.kubernetes.pod.namespace: ${nss[0]}\n${rest.requirements
          .filter((r) => r.operator === 'In' && r.values.length === 1)
          .map((r) => `  ${r.key}: ${r.values[0]}`)
          .join('\n')}`,
      });
    }
    return out;
  },
};

const dnsPods = (pods: readonly Pod[]) =>
  pods.filter((p) => p.namespace === 'kube-system' && p.labels['k8s-app'] === 'kube-dns' && p.ip);

/**
 * DNS allowed on UDP 53 only: resolvers retry over TCP when an answer is truncated, and that fallback is dropped
 * (RFC 7766; https://docs.cilium.io/en/stable/security/policy/language/#dns-based examples allow ANY).
 */
export const ciliumDnsUdpOnly: DoctorRule = {
  code: 'cilium-dns-udp-only',
  severity: 'warning',
  summary: 'a pod whose Cilium egress rules allow DNS on UDP 53 but not TCP 53',
  check(ctx) {
    const e = engineOf(ctx);
    if (!e.cilium.active) return [];
    const dns = dnsPods(ctx.model.pods);
    if (!dns.length) return [];
    const seen = new Set<string>();
    const out: Finding[] = [];
    for (const cls of e.classes) {
      if (cls.hostNetwork || !e.cilium.isolates(cls, 'Egress')) continue;
      const from = { kind: 'pod' as const, pod: cls.firstPod };
      const to = { kind: 'pod' as const, pod: dns[0] };
      const udp = e.explain(from, to, 53, 'UDP', false);
      if (!udp.allowed || e.allows(from, to, 53, 'TCP')) continue;
      const m = udp.egress.match;
      if (!m || m.tier !== 'cilium' || seen.has(`${m.policy} ${m.path}`)) continue;
      seen.add(`${m.policy} ${m.path}`);
      out.push({
        code: 'cilium-dns-udp-only',
        severity: 'warning',
        message: `${m.policy} ${m.path} allows DNS to kube-dns on UDP 53 only; TCP 53 is denied`,
        objects: [{ key: m.policy, source: m.source }],
        breaks: 'lookups whose answers do not fit in UDP (truncated, retried over TCP) fail',
        fix: 'Allow port 53 with protocol ANY (or add TCP 53).',
        patch: `toPorts:\n  - ports:\n      - port: "53"\n        protocol: ANY`,
      });
    }
    return out;
  },
};

/** `toFQDNs` selects nothing unless the pod's DNS lookups go through Cilium's DNS proxy (a `rules.dns` rule). */
export const ciliumFqdnWithoutDns: DoctorRule = {
  code: 'cilium-fqdn-without-dns-rule',
  severity: 'warning',
  summary: 'toFQDNs on pods whose egress has no DNS rule (rules.dns), so the names are never learned',
  check(ctx) {
    const e = engineOf(ctx);
    const out: Finding[] = [];
    for (const policy of ctx.model.ciliumPolicies ?? [])
      for (const spec of policy.specs) {
        if (!spec.endpointSelector) continue;
        const ids = e.cilium.select(spec.endpointSelector);
        for (const rule of spec.rules) {
          if (rule.peers === 'all') continue;
          const fq = rule.peers.find((p) => p.kind === 'fqdn');
          if (!fq || !ids.length) continue;
          const cls = e.classes[ids[0]];
          const hasDns = e.cilium.rulesOf(cls, 'Egress').some((i) => {
            const r = e.cilium.entries[i].rule;
            return r.toPorts !== 'all' && r.toPorts.some((pr) => pr.dns?.length);
          });
          if (hasDns) continue;
          out.push({
            code: 'cilium-fqdn-without-dns-rule',
            severity: 'warning',
            message: `${name(policy)} ${spec.path === 'spec' ? '' : `${spec.path}.`}${rule.section}[${rule.index}] uses toFQDNs, but no egress rule of ${cls.firstPod.namespace}/${cls.firstPod.name} has a DNS rule: the DNS proxy never sees its lookups`,
            objects: [{ key: policy.key, source: fq.source }],
            breaks: 'connections to those names are dropped: toFQDNs selects no address',
            fix: 'Add an egress rule to kube-dns on port 53 with rules: {dns: [{matchPattern: "*"}]}.',
            patch: `- toEndpoints:\n    - matchLabels: {k8s:io.kubernetes.pod.namespace: kube-system, k8s:k8s-app: kube-dns}\n  toPorts:\n    - ports: [{port: "53", protocol: ANY}]\n      rules:\n        dns: [{matchPattern: "*"}]`,
          });
        }
      }
    return out;
  },
};

/** CIDR rules never match pods or nodes under Cilium (https://docs.cilium.io/en/stable/security/policy/language/#ip-cidr-based). */
export const ciliumCidrInCluster: DoctorRule = {
  code: 'cilium-cidr-selects-cluster',
  severity: 'warning',
  summary: 'a Cilium CIDR rule naming pod or node addresses, which CIDR rules never match',
  check({ model }) {
    const podRanges = cidrList(model.profile.podCIDR)
      .map(parseCidr)
      .filter((c) => !!c);
    const nodes = model.nodes.map((n) => parseIP(n.internalIP ?? '')).filter((ip) => !!ip);
    const out: Finding[] = [];
    for (const { policy, path, peer } of peersOf(model.ciliumPolicies ?? [])) {
      if (peer.kind !== 'cidr') continue;
      const c = parseCidr(peer.cidr);
      if (!c) continue;
      const pods = podRanges.some((r) => cidrsOverlap(r, c));
      const node = nodes.some((ip) => cidrContains(c, ip));
      if (!pods && !node) continue;
      const what = [pods && 'pod', node && 'node'].filter(Boolean).join(' and ');
      out.push({
        code: 'cilium-cidr-selects-cluster',
        severity: 'warning',
        message: `${name(policy)} ${path} ${peer.cidr} covers ${what} addresses, which Cilium's CIDR rules never match`,
        objects: [{ key: policy.key, source: peer.source }],
        breaks: `traffic with those ${what}s is not allowed (or denied) by this rule`,
        fix: 'Select pods with fromEndpoints/toEndpoints and nodes with the host / remote-node entities.',
      });
    }
    return out;
  },
};

/** L7 HTTP rules on UDP or SCTP ports (or DNS's 53): that traffic is not HTTP, and the proxy cannot parse it. */
export const ciliumL7OnNonHttp: DoctorRule = {
  code: 'cilium-l7-on-non-http-port',
  severity: 'warning',
  summary: 'Cilium HTTP rules on a port that carries no HTTP (UDP, SCTP or 53)',
  check({ model }) {
    const out: Finding[] = [];
    for (const policy of model.ciliumPolicies ?? [])
      for (const spec of policy.specs)
        for (const rule of spec.rules)
          if (rule.toPorts !== 'all')
            for (const pr of rule.toPorts) {
              if (!pr.http) continue;
              const bad = pr.ports.find(
                (p) => p.protocol === 'UDP' || p.protocol === 'SCTP' || p.port === 53,
              );
              if (!bad) continue;
              out.push({
                code: 'cilium-l7-on-non-http-port',
                severity: 'warning',
                message: `${name(policy)} ${rule.section}[${rule.index}].toPorts[${pr.index}] puts HTTP rules on ${bad.port}/${bad.protocol}, which carries no HTTP`,
                objects: [{ key: policy.key, source: pr.source }],
                breaks: 'the proxy cannot parse the traffic on that port: connections fail',
                fix: 'Put HTTP rules on the TCP port the application serves HTTP on.',
              });
            }
    return out;
  },
};
