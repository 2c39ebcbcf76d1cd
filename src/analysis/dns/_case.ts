/**
 * CoreDNS-style table cases for tests: a question, the expected rcode and the expected sections as zone-file lines
 * (whitespace-insensitive), as CoreDNS writes its `test.Case`s.
 */
import assert from 'node:assert/strict';
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
}

const norm = (line: string) => line.trim().split(/\s+/).join(' ');
const lines = (rs: readonly ResourceRecord[]) => rs.map((r) => norm(recordLine(r, ' ')));

/** Asserts one case; SOA serials are compared as `<serial>` since they hash the model. */
export function check(dns: Dns, c: Case): void {
  const r = dns.answer({ name: c.qname, type: c.qtype });
  const label = `${c.qname} ${c.qtype}`;
  assert.equal(r.rcode, c.rcode, `${label}: rcode (${r.notes.join('; ')})`);
  assert.deepEqual(lines(r.answer), (c.answer ?? []).map(norm), `${label}: answer`);
  if (c.ns) assert.deepEqual(lines(r.authority).map((l) => l.replace(/ SOA (\S+) (\S+) \d+ /, ' SOA $1 $2 <serial> ')), c.ns.map(norm), `${label}: authority`);
  if (c.extra) assert.deepEqual(lines(r.additional), c.extra.map(norm), `${label}: additional`);
}

/** The SOA line every denial from the default Corefile carries (ttl 30). */
export const soaLine = 'cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. <serial> 7200 1800 86400 30';
