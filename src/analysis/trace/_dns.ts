import type { Pod } from '../../model/types.ts';
import { nodeSearchAssumed, unknownResolution, type PodResolution, type ResolvConf } from '../dns/index.ts';
import { editDistance } from '../../model/schema.ts';
import type { TraceContext } from './_context.ts';
import { serviceHop } from './_service.ts';
import { policyHop } from './_policy.ts';
import { proxyDnsRules, proxyRefusal } from './_cilium-dns-proxy.ts';
import type { Fix, Hop } from './types.ts';

export interface DnsOutcome {
  readonly hops: Hop[];
  readonly addresses: string[];
  readonly reason?: string;
  readonly fix?: Fix;
  /** The name is meant for the world (kubetwin never queries public DNS): its address is unknown, not absent. */
  readonly outside?: boolean;
}

/**
 * Whether a pod's DNS queries to `nameserver` get an answer: when it is a Service (kube-dns), the query is traffic
 * too, so the Service needs endpoints and the pod's egress (and the DNS pods' ingress) must admit 53/UDP to one.
 * Returns the failing hop, the reason and the fix; undefined when the queries get through or the nameserver is
 * not a Service of the model (dnsPolicy Default or None: kubetwin does not judge the node's resolver).
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/ (egress isolation covers DNS too)
 */
export function dnsQueryFailure(
  ctx: TraceContext,
  pod: Pod,
  nameserver: string | undefined,
): DnsOutcome | undefined {
  if (nameserver && ctx.dns.nodeLocal?.addresses.includes(nameserver))
    return nodeLocalQueries(ctx, pod, nameserver);
  const dnsSvc = nameserver ? ctx.serviceByIP(nameserver) : undefined;
  if (!dnsSvc) return undefined;
  const svc = serviceHop(ctx, dnsSvc, 53, 'UDP', { kind: 'pod', pod: `${pod.namespace}/${pod.name}` });
  if (svc.reason)
    return {
      hops: svc.hops.map((h) => ({ ...h, kind: 'dns' as const })),
      addresses: [],
      reason: `DNS: ${svc.reason}`,
    };
  const pol = policyHop(
    ctx,
    { kind: 'pod', pod },
    svc.candidates.map((c) => ({
      label: c.pod ? `${c.pod.namespace}/${c.pod.name}` : c.address,
      address: c.address,
      port: c.port,
      pod: c.pod,
    })),
    'UDP',
  );
  if (pol.delivered.length) return undefined;
  return {
    hops: [
      {
        kind: 'dns',
        title: `DNS query to ${nameserver}:53/UDP blocked`,
        verdict: 'fail',
        details: pol.hop.details,
        objects: pol.hop.objects,
      },
    ],
    addresses: [],
    reason: `DNS queries from ${pod.namespace}/${pod.name} time out: ${pol.reason}`,
    fix: pol.fix,
  };
}

/**
 * Queries to node-local-dns (NodeLocal DNSCache) stay on the pod's node: they never reach the kube-dns Service's
 * endpoints, so that Service is not judged. A pod whose egress NetworkPolicies admit 53/UDP to the address gets
 * through; otherwise the outcome is unknown — how a CNI applies policy to the link-local or NOTRACK'd kube-dns
 * address node-local-dns listens on is not modeled (the docs ask for the address to be allowed).
 * https://kubernetes.io/docs/tasks/administer-cluster/nodelocaldns/
 */
function nodeLocalQueries(ctx: TraceContext, pod: Pod, nameserver: string): DnsOutcome | undefined {
  // GKE's metadata server (Cloud DNS for GKE) listens on the node as node-local-dns does.
  const server = ctx.dns.nodeLocal?.kind === 'cloud-dns' ? 'the GKE metadata server' : 'node-local-dns';
  const label = `${server} ${nameserver}`;
  const pol = policyHop(ctx, { kind: 'pod', pod }, [{ label, address: nameserver, port: 53 }], 'UDP');
  if (pol.delivered.length) return undefined;
  const why = `DNS queries go to ${server} at ${nameserver} on the pod's node; the pod's egress policies do not admit that address on 53/UDP, and how the CNI applies them to ${server} is not modeled`;
  return {
    hops: [
      {
        kind: 'dns',
        title: `DNS query to ${label}:53/UDP: not admitted by the pod's egress policies`,
        verdict: 'fail',
        details: pol.hop.details,
        objects: pol.hop.objects,
        unknown: [why],
        undecided: why,
      },
    ],
    addresses: [],
    reason: why,
  };
}

/** Why a pod's resolution gets no reply, for `resolve --from`, a `resolve: {from}` test entry and the HTTP API. */
export interface QueriesBlocked {
  readonly reason: string;
  readonly details: readonly string[];
  /** Cilium's DNS proxy answers REFUSED (a reply, not a timeout). */
  readonly refused?: boolean;
}

/**
 * Whether the queries of a pod's search-list walk (`res`, from `dns.resolveFrom`) get no reply: see dnsQueryFailure.
 * Undefined when they get through, or when /etc/hosts answered and no query was sent.
 */
export function queriesBlocked(ctx: TraceContext, res: PodResolution): QueriesBlocked | undefined {
  if (!res.walk.steps.length) return undefined;
  const failed = dnsQueryFailure(ctx, res.pod, res.resolvConf.nameservers[0]);
  if (failed)
    return {
      reason: failed.reason ?? 'DNS queries get no reply',
      details: failed.hops.flatMap((h) => h.details),
    };
  // Cilium's DNS proxy refuses the name that answers (or, under musl, an earlier form that ends the search).
  const rules = proxyDnsRules(ctx, res.pod, res.resolvConf.nameservers[0]);
  const refusal = rules && proxyRefusal(res, rules);
  if (refusal && (refusal.answer || res.walk.libc === 'musl'))
    return { reason: refusal.why, details: [refusal.why], refused: true };
  return undefined;
}

/**
 * The source pod's name resolution: its resolver walks the search list (as glibc or musl do) against CoreDNS,
 * and the queries themselves must get through: egress from the pod to the DNS Service's endpoints on 53/UDP.
 * https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#namespaces-of-services
 */
export function dnsHops(ctx: TraceContext, pod: Pod, host: string, family: 'IPv4' | 'IPv6'): DnsOutcome {
  const hops: Hop[] = [];
  const res = ctx.dns.resolveFrom(pod, { name: host, type: family === 'IPv6' ? 'AAAA' : 'A' });
  const { resolvConf, walk } = res;
  const nameserver = resolvConf.nameservers[0];
  const dnsSvc = nameserver ? ctx.serviceByIP(nameserver) : undefined;
  const failed = dnsQueryFailure(ctx, pod, nameserver);
  if (failed) return failed;
  const details = [
    `resolv.conf: nameserver ${resolvConf.nameservers.join(' ')}; search ${resolvConf.searches.join(' ')}; options ndots:${resolvConf.ndots} (${walk.libc})`,
    ...walk.steps.map(
      (s) =>
        `${s.name} ${family === 'IPv6' ? 'AAAA' : 'A'} → ${s.response.rcode}${s.response.answer.length ? ` ${s.response.answer.map((r) => ('address' in r.rdata ? r.rdata.address : 'target' in r.rdata ? r.rdata.target : r.rdata.type)).join(', ')}` : s.response.rcode === 'NOERROR' ? ' (no data)' : ''} — ${s.verdict}`,
    ),
    ...[nodeSearchAssumed(res)].filter((a) => a !== undefined).map((a) => `assumed: ${a}`),
  ];
  const addresses = walk.final.answer.flatMap((r) =>
    r.rdata.type === 'A' || r.rdata.type === 'AAAA' ? [r.rdata.address] : [],
  );
  const assumed = unknownResolution(res);
  if (assumed && !res.clusterDNS) return assumedHop(pod, host, walk.rcode, assumed, resolvConf, details);
  // Cluster DNS forwarded a query upstream: its answer is unknown (the caller weighs the pod's public egress).
  const unknown = assumed !== undefined ? { unknown: [assumed], undecided: assumed } : {};
  if (walk.rcode !== 'NOERROR' || !addresses.length) {
    const near = closestServices(ctx, pod.namespace, host);
    const outside = assumed !== undefined || isOutsideName(ctx, host);
    hops.push({
      kind: 'dns',
      title: assumed
        ? `${host} is not resolved here: cluster DNS forwards it upstream, whose answer is unknown`
        : outside
          ? `${host} is not resolved here (${walk.rcode}): outside the cluster, and not in the profile's externalHosts`
          : `${host} does not resolve (${walk.rcode})`,
      verdict: 'fail',
      details,
      objects: dnsSvc ? [{ key: dnsSvc.key }] : [],
      ...unknown,
    });
    return {
      hops,
      addresses: [],
      ...(outside ? { outside } : {}),
      reason: assumed
        ? `${host} is not resolved from ${pod.namespace}/${pod.name}: ${assumed}`
        : `${host} does not resolve from ${pod.namespace}/${pod.name} (${walk.rcode})${outside ? ": a name outside the cluster, and kubetwin never queries public DNS; the profile's externalHosts does not list it" : ''}`,
      fix: {
        summary: outside
          ? `if ${host} is a public name, list it with its addresses in the profile's externalHosts (kubetwin profile prints a profile to edit); kubetwin does not resolve public names itself`
          : near.length
            ? `use a name that exists, e.g. ${near.join(' or ')}`
            : `create the Service ${host.split('.')[0]} (or fix the name)`,
      },
    };
  }
  const rules = proxyDnsRules(ctx, pod, nameserver);
  const refusal = rules && proxyRefusal(res, rules);
  if (refusal) {
    // The answering name refused: no reply to use. An earlier form refused: musl ends the search there; glibc
    // is said to go on (Cilium's documentation names musl only), so the outcome depends on the libc.
    const libcDependent = !refusal.answer && walk.libc !== 'musl';
    const undecided = `${refusal.why}; it is an earlier form of the search list than the name that answers, and whether the resolver goes on after a REFUSED reply depends on its libc (musl ends the search; Cilium's documentation says others go on)`;
    hops.push({
      kind: 'dns',
      title: `${host}: lookup refused by Cilium's DNS proxy (${refusal.name})`,
      verdict: 'fail',
      details: [...details, refusal.why],
      objects: dnsSvc ? [{ key: dnsSvc.key }] : [],
      ...(libcDependent ? { unknown: [undecided], undecided } : {}),
    });
    return {
      hops,
      addresses: [],
      reason: `${host} does not resolve from ${pod.namespace}/${pod.name}: ${refusal.why}`,
      fix: {
        summary: `admit ${refusal.name.replace(/\.$/, '')} in a DNS rule of the pod's egress to its DNS server (e.g. matchPattern "*" there, with toFQDNs restricting where it connects)`,
      },
    };
  }
  hops.push({
    kind: 'dns',
    title: `${host} → ${addresses.join(', ')}${walk.resolvedName && walk.resolvedName !== host ? ` (as ${walk.resolvedName})` : ''}`,
    verdict: assumed ? 'warn' : 'ok',
    details,
    objects: dnsSvc ? [{ key: dnsSvc.key }] : [],
    ...(assumed ? { unknown: [assumed] } : {}),
  });
  return { hops, addresses };
}

/**
 * The name as a client resolves it: getaddrinfo with AF_UNSPEC (curl's default) asks for A and AAAA records, so a
 * name with only AAAA records (a single-stack IPv6 Service) resolves too. The A answer is taken when there is one;
 * otherwise the AAAA one, with a note. https://man7.org/linux/man-pages/man3/getaddrinfo.3.html (AF_UNSPEC)
 */
export function dnsHopsAnyFamily(ctx: TraceContext, pod: Pod, host: string): DnsOutcome {
  const v4 = dnsHops(ctx, pod, host, 'IPv4');
  if (v4.addresses.length || v4.outside) return v4;
  const v6 = dnsHops(ctx, pod, host, 'IPv6');
  if (!v6.addresses.length) return v4;
  const [first, ...rest] = v6.hops;
  const note = `no A record: the AAAA answer is used (getaddrinfo asks for both address families)`;
  return { ...v6, hops: first ? [{ ...first, details: [...first.details, note] }, ...rest] : v6.hops };
}

/**
 * A name the pod asks a server other than cluster DNS about, answered by an assumed NXDOMAIN: the outcome is unknown,
 * not a failure. A hostNetwork pod gets there by the ClusterFirst fallback to the node's resolver, which
 * ClusterFirstWithHostNet avoids (https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#pod-s-dns-policy).
 */
function assumedHop(
  pod: Pod,
  host: string,
  rcode: string,
  assumed: string,
  resolvConf: ResolvConf,
  details: string[],
): DnsOutcome {
  const fallback = pod.hostNetwork && pod.dnsPolicy === 'ClusterFirst';
  return {
    hops: [
      {
        kind: 'dns',
        title: `${host} is not resolved here (kubetwin's reply ${rcode}, the real one unknown): ${resolvConf.nameservers[0] ?? 'the nameserver'} is not cluster DNS`,
        verdict: 'fail',
        details: [...details, ...resolvConf.notes],
        objects: [{ key: pod.key, source: pod.source }],
        unknown: [assumed],
        undecided: assumed,
      },
    ],
    addresses: [],
    reason: `${host} is not resolved from ${pod.namespace}/${pod.name}: ${assumed}`,
    fix: {
      summary: fallback
        ? `set dnsPolicy: ClusterFirstWithHostNet on ${pod.namespace}/${pod.name} to use cluster DNS (with hostNetwork, ClusterFirst falls back to the node's resolver)`
        : `if ${resolvConf.nameservers[0] ?? 'its nameserver'} answers ${host}, list the name with its addresses in the profile's externalHosts`,
    },
  };
}

function closestServices(ctx: TraceContext, ns: string, host: string): string[] {
  const first = host.split('.')[0];
  return ctx.model.services
    .map((s) => ({ s, d: editDistance(s.name, first) }))
    .filter((x) => x.d <= 3)
    .sort((a, b) => a.d - b.d || (a.s.namespace === ns ? -1 : 1))
    .slice(0, 2)
    .map((x) => (x.s.namespace === ns ? x.s.name : `${x.s.name}.${x.s.namespace}`));
}

/**
 * A name meant for the world rather than the cluster: dotted, not under the cluster domain, and not
 * `service.namespace` (`svc`-less short form) of a namespace that exists. Public DNS is never queried, so such a
 * name resolves only through the profile's `externalHosts` (or a Corefile `hosts`/`forward` stub kubetwin reads).
 */
function isOutsideName(ctx: TraceContext, host: string): boolean {
  const name = host.replace(/\.$/, '').toLowerCase();
  const domain = ctx.model.profile.clusterDomain.toLowerCase();
  if (!name.includes('.') || name === domain || name.endsWith(`.${domain}`)) return false;
  const labels = name.split('.');
  if (labels[1] === 'svc' || labels[1] === 'pod') return false;
  return !ctx.model.namespaces.some((n) => n.name === labels[1]);
}
