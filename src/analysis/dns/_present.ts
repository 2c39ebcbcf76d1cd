/** Presentation form of records (RFC 1035 §5.1 zone-file syntax), as dig prints them and CoreDNS tests write them. */
import type { RData, ResourceRecord } from './types.ts';

/** The rdata alone: `10.96.0.20`, `0 100 80 web.shop.svc.cluster.local.`, `"1.1.0"`. */
export function rdataText(d: RData): string {
  switch (d.type) {
    case 'A':
    case 'AAAA':
      return d.address;
    case 'SRV':
      return `${d.priority} ${d.weight} ${d.port} ${d.target}`;
    case 'PTR':
    case 'CNAME':
    case 'NS':
      return d.target;
    case 'TXT':
      return d.text.map((t) => `"${t.replace(/(["\\])/g, '\\$1')}"`).join(' ');
    case 'SOA':
      return `${d.mname} ${d.rname} ${d.serial} ${d.refresh} ${d.retry} ${d.expire} ${d.minimum}`;
  }
}

/** One zone-file line: `name ttl IN TYPE rdata`, fields separated by `sep` (a tab, as dig prints). */
export function recordLine(r: ResourceRecord, sep = '\t'): string {
  return [r.name, String(r.ttl), 'IN', r.rdata.type, rdataText(r.rdata)].join(sep);
}
