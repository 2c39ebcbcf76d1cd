/**
 * The kubernetes plugin's answer to one question, as its ServeDNS builds it: A/AAAA (following ExternalName
 * CNAMEs), SRV with weights and the targets' addresses as additional records, PTR, CNAME, the schema-version TXT,
 * NS/SOA at the apex; NXDOMAIN for name errors (or fallthrough), NOERROR with the SOA when the name exists but has
 * no record of the type (decided, as CoreDNS does, by a look-up of type A).
 * https://github.com/kubernetes/dns/blob/master/docs/specification.md · https://coredns.io/plugins/kubernetes/
 */
import type { KubernetesPluginConfig } from '../corefile/index.ts';
import type { DnsIndex } from './_index.ts';
import { addressFromReverse, inZone, isReverse } from './_names.ts';
import { lookupRecords, reverseTargets, type Hit, type Lookup } from './_records.ts';
import type { Rcode, ResourceRecord } from './types.ts';

/** The DNS schema version the plugin serves at `dns-version.<zone>` (specification §2.2). */
export const schemaVersion = '1.1.0';

export interface PluginAnswer {
  readonly rcode: Rcode;
  readonly answer: ResourceRecord[];
  readonly additional: ResourceRecord[];
  readonly authority: ResourceRecord[];
  readonly notes: string[];
  /** Why the answer cannot be known: an ExternalName target's records come from an upstream kubetwin never asks. */
  readonly unknown?: string;
}

/** How the plugin asks the rest of the server about a name outside its zone (an ExternalName target). */
export type UpstreamLookup = (
  name: string,
  type: string,
  depth: number,
) => { answer: readonly ResourceRecord[]; notes?: readonly string[]; unknown?: string } | undefined;

export interface KubernetesContext {
  readonly index: DnsIndex;
  readonly cfg: KubernetesPluginConfig;
  readonly upstream: UpstreamLookup;
}

/** Serves `name` (canonical) for `type`; `next` means NXDOMAIN that `fallthrough` hands to the next plugin. */
export function serveKubernetes(
  ctx: KubernetesContext,
  zone: string,
  qname: string,
  type: string,
  depth = 0,
): PluginAnswer | { next: string } {
  const { cfg, index } = ctx;
  const name = qname.toLowerCase();
  const ttl = cfg.ttl;
  const primary = cfg.zones.find((z) => !isReverse(z)) ?? zone;
  let records: ResourceRecord[] = [];
  const additional: ResourceRecord[] = [];
  const notes: string[] = [];
  const unknowns: string[] = [];
  let error: string | undefined;
  const fail = (l: Lookup): l is Extract<Lookup, { nameError: string }> => 'nameError' in l;

  if (type === 'PTR') {
    const ip = addressFromReverse(name);
    if (ip) {
      const targets = reverseTargets(index, cfg, ip, primary);
      if (targets.length) records = targets.map((t) => rr(qname, ttl, { type: 'PTR', target: t }));
      else error = `no Service or ready endpoint has address ${ip}`;
    } else if (!isReverse(name)) {
      const l = lookupRecords(index, cfg, zone, name);
      if (fail(l)) error = l.nameError;
    } else error = `"${name}" is not a full reverse name`;
  } else if (type === 'TXT' && name === `dns-version.${zone}`) {
    records = [rr(qname, 28800, { type: 'TXT', text: [schemaVersion] })];
  } else if (type === 'NS' && name === zone) {
    records = [rr(qname, ttl, { type: 'NS', target: `ns.dns.${zone}` })];
    for (const ip of index.dnsServiceIPs) additional.push(rr(`ns.dns.${zone}`, ttl, address(ip)));
  } else if (type === 'SOA' && name === zone) {
    records = [soa(ctx, zone)];
  } else if ((type === 'A' || type === 'AAAA') && name === `ns.dns.${zone}`) {
    records = index.dnsServiceIPs
      .filter((ip) => ip.includes(':') === (type === 'AAAA'))
      .map((ip) => rr(qname, ttl, address(ip)));
  } else if (type === 'SOA') {
    // The plugin answers SOA only at the apex; elsewhere the reply is an empty NOERROR, whatever the name.
  } else if (isReverse(name)) {
    error = `"${name}" has only PTR records`;
  } else {
    const l = lookupRecords(index, cfg, zone, name);
    if (fail(l)) error = l.nameError;
    else if (type === 'A' || type === 'AAAA')
      records = addresses(ctx, zone, qname, type, l.hits, depth, { notes, unknowns });
    else if (type === 'SRV') {
      records = srv(ctx, qname, l.hits, additional);
      if (!records.length && l.hits.some((h) => !isIP(h.host)))
        notes.push('CoreDNS serves no SRV record for an ExternalName Service (only its CNAME)');
    } else if (type === 'CNAME')
      records = l.hits
        .filter((h) => !isIP(h.host))
        .map((h) => rr(qname, ttl, { type: 'CNAME', target: h.host }));
  }
  if (error !== undefined) {
    if (cfg.fallthrough.some((z) => inZone(name, z))) return { next: error };
    return { rcode: 'NXDOMAIN', answer: [], additional: [], authority: [soa(ctx, zone)], notes: [error] };
  }
  if (!records.length)
    return {
      rcode: 'NOERROR',
      answer: [],
      additional: [],
      authority: [soa(ctx, zone)],
      notes: [...notes, `the name exists but has no ${type} record`],
    };
  const unknown = unknowns.length ? { unknown: unknowns.join('; ') } : {};
  return { rcode: 'NOERROR', answer: records, additional, authority: [], notes, ...unknown };
}

function rr(name: string, ttl: number, rdata: ResourceRecord['rdata']): ResourceRecord {
  return { name, ttl, rdata };
}

const isIP = (h: string) => !h.endsWith('.');
const address = (ip: string): ResourceRecord['rdata'] => ({
  type: ip.includes(':') ? 'AAAA' : 'A',
  address: ip,
});

/** SOA of the zone: `ns.dns.<zone> hostmaster.<zone>`, refresh 7200, retry 1800, expire 86400, minimum = ttl. */
export function soa(ctx: KubernetesContext, zone: string): ResourceRecord {
  const ttl = ctx.cfg.ttl;
  return rr(zone, Math.min(ttl, 300), {
    type: 'SOA',
    mname: `ns.dns.${zone}`,
    rname: `hostmaster.${zone}`,
    serial: ctx.index.serial,
    refresh: 7200,
    retry: 1800,
    expire: 86400,
    minimum: ttl,
  });
}

function addresses(
  ctx: KubernetesContext,
  zone: string,
  qname: string,
  type: 'A' | 'AAAA',
  hits: readonly Hit[],
  depth: number,
  said: { notes: string[]; unknowns: string[] },
): ResourceRecord[] {
  const { notes, unknowns } = said;
  const out: ResourceRecord[] = [];
  const seen = new Set<string>();
  const ttl = ctx.cfg.ttl;
  for (const h of hits) {
    if (isIP(h.host)) {
      if (h.host.includes(':') !== (type === 'AAAA') || seen.has(h.host)) continue;
      seen.add(h.host);
      out.push(rr(qname, ttl, address(h.host)));
      continue;
    }
    // A CNAME (ExternalName): followed inside the zone, else asked of the rest of the server (the upstream).
    const cname = rr(qname, ttl, { type: 'CNAME', target: h.host });
    if (depth >= 7) continue;
    if (inZone(h.host, zone)) {
      const next = serveKubernetes(ctx, zone, h.host, type, depth + 1);
      if ('next' in next || next.answer.length === 0) continue;
      out.push(cname, ...next.answer);
    } else {
      const up = ctx.upstream(h.host, type, depth + 1);
      if (!up) continue;
      out.push(cname, ...up.answer);
      // What the upstream lookup assumed (kubetwin sends no query) is said, not a claim that the name has no record.
      for (const n of up.notes ?? []) notes.push(`${h.host}: ${n}`);
      if (up.unknown) unknowns.push(`${h.host}: ${up.unknown}`);
      if (!up.answer.length) notes.push(`${h.host}: no ${type} record known, so only the CNAME is returned`);
    }
  }
  return out;
}

/**
 * SRV records: priority 0, weight 100/n (floor) over the n records, answers' targets' addresses as additional.
 * A CNAME hit (an ExternalName Service) gives no SRV record, so such a question is NODATA: the plugin's `Services`
 * drops CNAME-typed records for SRV questions ("SRV for external services is not yet implemented").
 * https://github.com/coredns/coredns/blob/master/plugin/kubernetes/kubernetes.go (func Services)
 */
function srv(
  ctx: KubernetesContext,
  qname: string,
  hits: readonly Hit[],
  additional: ResourceRecord[],
): ResourceRecord[] {
  const ttl = ctx.cfg.ttl;
  const seen = new Set<string>();
  const unique = hits
    .filter((h) => isIP(h.host) && (h.port ?? -1) >= 0)
    .filter((h) => {
      const k = `${h.target}|${h.port}|${h.host}`;
      return !seen.has(k) && !!seen.add(k);
    });
  const weight = Math.floor(100 / Math.max(1, unique.length));
  const out: ResourceRecord[] = [];
  const targetSeen = new Set<string>();
  const extraSeen = new Set<string>();
  for (const h of unique) {
    const target = h.target;
    const key = `${target}|${h.port ?? 0}`;
    if (targetSeen.has(key)) continue;
    targetSeen.add(key);
    out.push(rr(qname, ttl, { type: 'SRV', priority: 0, weight, port: h.port ?? 0, target }));
    if (!extraSeen.has(`${target}|${h.host}`)) {
      extraSeen.add(`${target}|${h.host}`);
      additional.push(rr(target, ttl, address(h.host)));
    }
  }
  return out;
}
