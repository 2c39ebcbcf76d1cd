/**
 * The hosts plugin with inline entries: A/AAAA for the names listed, PTR for their addresses unless `no_reverse`.
 * As coredns/coredns plugin/hosts/hosts.go (`ServeDNS`) does: an address without an entry always goes on to the
 * next plugin; a name it knows (a record of any family) gets an authoritative empty answer for another type; a
 * name it does not know goes on with `fallthrough`, else the reply is SERVFAIL (the plugin has no SOA to send
 * NXDOMAIN with). A hosts file the input does not hold makes the address and reverse replies in its zones
 * unknown. https://coredns.io/plugins/hosts/
 */
import type { HostsPluginConfig } from '../corefile/index.ts';
import { addressFromReverse, inZone } from './_names.ts';
import type { Rcode, ResourceRecord } from './types.ts';

export function serveHosts(
  cfg: HostsPluginConfig,
  name: string,
  qname: string,
  type: string,
): { rcode: Rcode; answer: ResourceRecord[]; notes: string[]; unknown?: string } | { next: true } {
  if (!cfg.zones.some((z) => inZone(name, z))) return { next: true };
  if (cfg.fileUnknown && (type === 'A' || type === 'AAAA' || type === 'PTR')) {
    const why = `the hosts plugin reads ${cfg.file ?? 'a file'}, which is not in the input: its entries may answer ${name} ${type}, so the reply is unknown`;
    return { rcode: 'SERVFAIL', answer: [], notes: [why], unknown: why };
  }
  const answer: ResourceRecord[] = [];
  const known = cfg.entries.some((e) => e.names.includes(name));
  if (type === 'A' || type === 'AAAA') {
    for (const e of cfg.entries)
      if (e.names.includes(name) && e.ip.includes(':') === (type === 'AAAA'))
        answer.push({ name: qname, ttl: cfg.ttl, rdata: { type, address: e.ip } });
  } else if (type === 'PTR' && !cfg.noReverse) {
    const ip = addressFromReverse(name);
    for (const e of cfg.entries)
      if (ip && e.ip === ip)
        for (const n of e.names)
          answer.push({ name: qname, ttl: cfg.ttl, rdata: { type: 'PTR', target: n } });
  }
  if (answer.length) return { rcode: 'NOERROR', answer, notes: ['answered by the hosts plugin'] };
  // An address without an entry goes on whatever `fallthrough` says.
  if (type === 'PTR') return { next: true };
  // A name with a record of the other family (or asked for another type) is an empty answer, not NXDOMAIN:
  // only a name the plugin does not know falls through.
  if (known)
    return {
      rcode: 'NOERROR',
      answer: [],
      notes: [
        `the hosts plugin knows ${name} but has no ${type} record: an empty answer (NODATA), not passed on`,
      ],
    };
  if (cfg.fallthrough.some((z) => inZone(name, z))) return { next: true };
  return {
    rcode: 'SERVFAIL',
    answer: [],
    notes: [`the hosts plugin has no entry for ${name} and no fallthrough: CoreDNS replies SERVFAIL`],
  };
}
