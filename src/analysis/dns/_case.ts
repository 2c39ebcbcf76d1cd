/**
 * CoreDNS-style table cases for tests: a question, the expected rcode and the expected sections as zone-file lines
 * (whitespace-insensitive), as CoreDNS writes its `test.Case`s.
 */
import type { Dns } from './index.ts';
import { recordLine } from './_present.ts';
import type { Rcode, ResourceRecord } from './types.ts';

export interface Case {
  readonly qname: string;
  readonly qtype: string;
  readonly rcode: Rcode;
  readonly answer?: readonly string[];
  readonly ns?: readonly string[];
  readonly extra?: readonly string[];
  /** The reply stands for an upstream kubetwin never queries (`DnsResponse.unknown`). */
  readonly unknown?: true;
}

const norm = (line: string) => line.trim().split(/\s+/).join(' ');
const lines = (rs: readonly ResourceRecord[]) => rs.map((r) => norm(recordLine(r, ' ')));

/**
 * The reply to the case's question in the case's own shape (only the sections the case names), and the case with
 * its lines normalised, for `assert.deepEqual(observe(dns, c), expect(c))`. SOA serials read `<serial>`.
 */
export function observe(dns: Dns, c: Case): Case {
  const r = dns.answer({ name: c.qname, type: c.qtype });
  const soa = (l: string) => l.replace(/ SOA (\S+) (\S+) \d+ /, ' SOA $1 $2 <serial> ');
  return {
    qname: c.qname,
    qtype: c.qtype,
    rcode: r.rcode,
    answer: lines(r.answer),
    ...(c.ns ? { ns: lines(r.authority).map(soa) } : {}),
    ...(c.extra ? { extra: lines(r.additional) } : {}),
    ...(r.unknown !== undefined ? { unknown: true as const } : {}),
  };
}

export function expected(c: Case): Case {
  return {
    ...c,
    answer: (c.answer ?? []).map(norm),
    ...(c.ns ? { ns: c.ns.map(norm) } : {}),
    ...(c.extra ? { extra: c.extra.map(norm) } : {}),
  };
}

/** The SOA line every denial from the default Corefile carries (ttl 30). */
export const soaLine =
  'cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. <serial> 7200 1800 86400 30';
