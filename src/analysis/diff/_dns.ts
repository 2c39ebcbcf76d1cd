import type { Pod, Service } from '../../model/types.ts';
import type { AnalysedCluster } from '../../pipeline/index.ts';
import { rdataText, type DnsResponse } from '../dns/index.ts';
import type { Attributor } from './_attribute.ts';
import type { Effect, ObjectChange } from './types.ts';

const abs = (n: string) => (n.endsWith('.') ? n : `${n}.`).toLowerCase();

/**
 * Names worth asking on both sides: every Service's FQDN, the names the Corefile's `hosts` entries and exact or
 * suffix `rewrite name` rules answer, and the profile's external hosts.
 */
function questions(a: AnalysedCluster, out: Set<string>, only?: ReadonlySet<string>): void {
  const domain = a.model.profile.clusterDomain;
  const fqdns = a.model.services.map((s) => abs(`${s.name}.${s.namespace}.svc.${domain}`));
  a.model.services.forEach((s, i) => (!only || only.has(`${s.namespace}/${s.name}`)) && out.add(fqdns[i]));
  for (const server of a.context.dns.config.servers) {
    for (const e of server.hosts?.entries ?? []) e.names.forEach((n) => out.add(abs(n)));
    for (const r of server.rewrites) {
      if (r.match === 'exact') out.add(abs(r.from));
      if (r.match === 'suffix')
        for (const f of fqdns)
          if (f.endsWith(abs(r.to))) out.add(f.slice(0, f.length - abs(r.to).length) + abs(r.from));
    }
  }
  Object.keys(a.model.profile.externalHosts).forEach((n) => out.add(abs(n)));
}

const answerText = (r: DnsResponse) =>
  r.rcode === 'NOERROR' && r.answer.length
    ? r.answer
        .map((rr) => rdataText(rr.rdata))
        .sort()
        .join(', ')
    : r.rcode === 'NOERROR'
      ? 'NOERROR, no records'
      : r.rcode;

/** The first running pod with an address in each namespace, standing for its search list (sorted by namespace). */
function clients(a: AnalysedCluster): Map<string, Pod> {
  const out = new Map<string, Pod>();
  for (const p of a.model.pods) if (p.ip && !out.has(p.namespace)) out.set(p.namespace, p);
  return out;
}

/**
 * With `only` (`dnsScope`), the Services' own names are asked for those Services alone (`ns/name`).
 * DNS names added, removed or answered differently (type A), asked absolutely; then each Service's short name
 * from a pod of its namespace (the search list's view), where a namespace's pods could see it differently.
 */
export function dnsEffects(
  before: AnalysedCluster,
  after: AnalysedCluster,
  attr: Attributor,
  only?: ReadonlySet<string>,
): Effect[] {
  const names = new Set<string>();
  questions(before, names, only);
  questions(after, names, only);
  const out: Effect[] = [];
  const push = (subject: string, x: string, y: string, deps: string[]) => {
    const gone = y === 'NXDOMAIN' && x !== 'NXDOMAIN';
    const come = x === 'NXDOMAIN' && y !== 'NXDOMAIN';
    out.push({
      layer: 'dns',
      severity: gone ? 'high' : 'medium',
      subject,
      change: come ? 'added' : gone ? 'removed' : 'changed',
      direction: gone ? 'broken' : come ? 'fixed' : 'neutral',
      before: x,
      after: y,
      details: [],
      cause: attr.cause(
        deps,
        (c) =>
          c.kind === 'Service' ||
          c.kind === 'ConfigMap' ||
          c.kind === 'ClusterProfile' ||
          c.kind === 'EndpointSlice',
      ),
    });
  };
  const corefile = ['ConfigMap/kube-system/coredns'];
  const serviceOf = (n: string) => {
    const m = /^([^.]+)\.([^.]+)\.svc\./.exec(n);
    return m ? [`Service/${m[2]}/${m[1]}`] : [];
  };
  for (const n of [...names].sort()) {
    const x = answerText(before.context.dns.answer({ name: n, type: 'A' }));
    const y = answerText(after.context.dns.answer({ name: n, type: 'A' }));
    if (x !== y) push(`${n} A`, x, y, [...serviceOf(n), ...corefile]);
  }
  // Short names from each namespace's pods: search lists differ per namespace (and per pod dnsConfig).
  const ca = clients(before);
  const cb = clients(after);
  const short = new Set<string>();
  for (const a of [before, after])
    for (const s of a.model.services)
      if (!only || only.has(`${s.namespace}/${s.name}`)) short.add(`${s.namespace}/${s.name}`);
  for (const k of [...short].sort()) {
    const [ns, name] = k.split('/');
    const pa = ca.get(ns);
    const pb = cb.get(ns);
    if (!pa || !pb) continue;
    const x = answerText(before.context.dns.resolveFrom(pa, { name, type: 'A' }).walk.final);
    const y = answerText(after.context.dns.resolveFrom(pb, { name, type: 'A' }).walk.final);
    const fq = abs(`${name}.${ns}.svc.${after.model.profile.clusterDomain}`);
    if (x !== y && !out.some((e) => e.subject === `${fq} A`))
      push(`${name} A from namespace ${ns}`, x, y, [`Service/${ns}/${name}`, ...corefile]);
  }
  return out;
}

/** Kinds whose change leaves every unchanged Service's records as they were (no pod, Corefile or profile moves). */
const serviceScopedKinds = new Set([
  'NetworkPolicy',
  'Service',
  'Ingress',
  'IngressClass',
  'HTTPRoute',
  'GRPCRoute',
  'Secret',
]);

/** What a Service's A records are read from: its type, addresses and ExternalName. */
const records = (s: Service) => `${s.type} ${s.headless} ${s.clusterIPs.join(',')} ${s.externalName ?? ''}`;

/**
 * The Services whose names are worth asking (`ns/name`), or undefined for every one.
 *
 * Why it is exact: a Service's A records are its ClusterIPs, or for a headless one its ready endpoints, or for an
 * ExternalName one a CNAME (https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/); an empty
 * Service may be left out (CoreDNS `ignore empty_service`), and endpoints come from the Service's selector and
 * the pods. When every changed object is a NetworkPolicy, Service, Ingress, IngressClass, HTTPRoute, GRPCRoute
 * or Secret, the pods, EndpointSlice objects, Corefile, namespaces and profile are the same on both sides; if
 * moreover every Service no change names has the same type, addresses and ExternalName on both sides (another
 * Service added or removed did not move an allocated address), each such Service answers the same, from every
 * namespace's search list (whose first try is its own name). So only the changed Services and the ExternalName
 * ones (whose CNAME may be followed to a changed one) are asked; the Corefile's `hosts`, `rewrite` and the
 * profile's external hosts are always asked.
 */
export function dnsScope(
  changes: readonly ObjectChange[],
  before: AnalysedCluster,
  after: AnalysedCluster,
): Set<string> | undefined {
  if (!changes.every((c) => serviceScopedKinds.has(c.kind))) return undefined;
  const changed = new Set(changes.filter((c) => c.kind === 'Service').map((c) => `${c.namespace}/${c.name}`));
  const key = (s: Service) => `${s.namespace}/${s.name}`;
  const b = new Map(after.model.services.map((s) => [key(s), s]));
  const out = new Set(changed);
  for (const s of before.model.services) {
    const k = key(s);
    const t = b.get(k);
    if (s.type === 'ExternalName' || t?.type === 'ExternalName') out.add(k);
    if (changed.has(k)) continue;
    if (!t || records(s) !== records(t)) return undefined;
  }
  const a = new Set(before.model.services.map(key));
  for (const [k, t] of b) {
    if (t.type === 'ExternalName') out.add(k);
    if (!a.has(k) && !changed.has(k)) return undefined;
  }
  return out;
}
