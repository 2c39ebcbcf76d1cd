import type { Pod } from '../../model/types.ts';
import type { AnalysedCluster } from '../../pipeline/index.ts';
import { rdataText, type DnsResponse } from '../dns/index.ts';
import type { Attributor } from './_attribute.ts';
import type { Effect } from './types.ts';

const abs = (n: string) => (n.endsWith('.') ? n : `${n}.`).toLowerCase();

/**
 * Names worth asking on both sides: every Service's FQDN, the names the Corefile's `hosts` entries and exact or
 * suffix `rewrite name` rules answer, and the profile's external hosts.
 */
function questions(a: AnalysedCluster, out: Set<string>): void {
  const domain = a.model.profile.clusterDomain;
  const fqdns = a.model.services.map((s) => abs(`${s.name}.${s.namespace}.svc.${domain}`));
  fqdns.forEach((n) => out.add(n));
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
 * DNS names added, removed or answered differently (type A), asked absolutely; then each Service's short name
 * from a pod of its namespace (the search list's view), where a namespace's pods could see it differently.
 */
export function dnsEffects(before: AnalysedCluster, after: AnalysedCluster, attr: Attributor): Effect[] {
  const names = new Set<string>();
  questions(before, names);
  questions(after, names);
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
  for (const a of [before, after]) for (const s of a.model.services) short.add(`${s.namespace}/${s.name}`);
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
