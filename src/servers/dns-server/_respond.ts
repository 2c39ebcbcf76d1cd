/**
 * One query in, one reply out (or nothing, for a packet that is not a well-formed query): opcodes other than
 * QUERY get NOTIMP, anything but one question FORMERR, EDNS versions above 0 BADVERS (RFC 6891 §6.1.3), zone
 * transfers and classes other than IN REFUSED; UDP replies larger than 512 octets (or the client's EDNS0 size)
 * are truncated to the question with TC set (RFC 1035 §4.2.1, RFC 6891 §6.2.5), so the client retries over TCP.
 */
import type { DnsQuestion, DnsResponse, Rcode, ResourceRecord } from '../../analysis/dns/index.ts';
import { parseQuery, plainQuestionEnd, typeNames, Writer, type Query } from './_wire.ts';
import type { AnswerTable } from './_answer-table.ts';

export interface Answerer {
  answer(q: DnsQuestion): DnsResponse;
}

export interface ServerStats {
  queries: number;
  answered: number;
  malformed: number;
  truncated: number;
  refused: number;
  cacheHits: number;
  /** Queries answered from the compiled answer table (see _answer-table.ts). */
  tableHits: number;
}

/** Counters at zero. */
export function newServerStats(): ServerStats {
  return { queries: 0, answered: 0, malformed: 0, truncated: 0, refused: 0, cacheHits: 0, tableHits: 0 };
}

const rcodeNumber: Record<Rcode, number> = {
  NOERROR: 0,
  FORMERR: 1,
  SERVFAIL: 2,
  NXDOMAIN: 3,
  NOTIMP: 4,
  REFUSED: 5,
};
/**
 * The largest reply a transport carries: a TCP message's 65535 octets; over UDP 512 (RFC 1035 §4.2.1), or the
 * client's EDNS0 payload size held between 512 and 4096 (RFC 6891 §6.2.5).
 */
function replyLimit(transport: 'udp' | 'tcp', ednsUdpSize: number | undefined): number {
  if (transport === 'tcp') return 65535;
  return ednsUdpSize === undefined ? 512 : Math.min(Math.max(ednsUdpSize, 512), 4096);
}

/** Our own EDNS0 UDP payload size, the value the DNS flag day 2020 recommends (and CoreDNS's bufsize default). */
export const ednsUdpSize = 1232;

/**
 * A Writer holding the reply's header (the query's ID, opcode, RD and CD; the answer's AA, RA and RCODE) and, with
 * `withQuestion`, the query's question.
 */
function begin(
  q: Query,
  rcode: number,
  r: Pick<DnsResponse, 'authoritative' | 'recursionAvailable'> | undefined,
  counts: readonly [number, number, number, number],
  withQuestion: boolean,
): Writer {
  const flags =
    0x8000 |
    (q.opcode << 11) |
    (r?.authoritative ? 0x400 : 0) |
    (q.rd ? 0x100 : 0) |
    (r?.recursionAvailable ? 0x80 : 0) |
    (q.cd ? 0x10 : 0) |
    (rcode & 0xf);
  const w = new Writer();
  w.header(q.id, flags, counts);
  if (withQuestion) w.question(q.questionBytes!, q.qname!);
  return w;
}

function bare(q: Query, rcode: number, withQuestion: boolean, opt?: { extRcode: number }): Buffer {
  const w = begin(q, rcode, undefined, [withQuestion ? 1 : 0, 0, 0, q.edns ? 1 : 0], withQuestion);
  if (q.edns) w.opt(ednsUdpSize, opt?.extRcode ?? 0);
  return w.toBuffer();
}

/** The reply to a packet, or undefined to drop it (malformed, or a response). */
export function respond(
  packet: Buffer,
  answerer: Answerer,
  transport: 'udp' | 'tcp',
  stats: ServerStats,
): Buffer | undefined {
  return reply(packet, answerer, transport, stats)?.bytes;
}

/**
 * A reply and whether a cache may keep it: `cache` is set for answers from the answerer that were not truncated
 * (CoreDNS's cache keeps neither truncated replies nor errors), with the message's smallest TTL and whether it is a
 * denial (NXDOMAIN, or NOERROR without answers).
 */
export interface Reply {
  readonly bytes: Buffer;
  readonly cache?: { readonly ttl: number; readonly denial: boolean };
}

export function reply(
  packet: Buffer,
  answerer: Answerer,
  transport: 'udp' | 'tcp',
  stats: ServerStats,
): Reply | undefined {
  stats.queries++;
  const parsed = parseQuery(packet);
  if ('malformed' in parsed) {
    stats.malformed++;
    return undefined;
  }
  const q = parsed.query;
  stats.answered++;
  if (q.opcode !== 0) return { bytes: bare(q, rcodeNumber.NOTIMP, !!q.questionBytes) };
  if (!q.questionBytes || q.qname === undefined || q.qtype === undefined)
    return { bytes: bare(q, rcodeNumber.FORMERR, false) };
  if (q.edns && q.edns.version > 0) return { bytes: bare(q, 0, true, { extRcode: 1 }) };
  if (q.qclass !== 1 || q.qtype === 252 || q.qtype === 251) {
    stats.refused++;
    return { bytes: bare(q, rcodeNumber.REFUSED, true) };
  }
  const r = answerer.answer({ name: q.qname, type: typeNames[q.qtype] ?? `TYPE${q.qtype}` });
  const limit = replyLimit(transport, q.edns?.udpSize);
  const w = begin(
    q,
    rcodeNumber[r.rcode],
    r,
    [1, r.answer.length, r.authority.length, r.additional.length + (q.edns ? 1 : 0)],
    true,
  );
  for (const x of r.answer) w.record(x);
  for (const x of r.authority) w.record(x);
  for (const x of r.additional) w.record(x);
  if (q.edns) w.opt(ednsUdpSize);
  if (w.length <= limit) {
    const denial = r.rcode === 'NXDOMAIN' || (r.rcode === 'NOERROR' && !r.answer.length);
    const cacheable = denial || r.rcode === 'NOERROR';
    if (!cacheable) return { bytes: w.toBuffer() };
    const ttl = smallestTTL(denial ? [r.authority] : [r.answer, r.authority, r.additional]);
    return { bytes: w.toBuffer(), cache: { ttl, denial } };
  }
  stats.truncated++;
  const t = begin(q, rcodeNumber[r.rcode], r, [1, 0, 0, q.edns ? 1 : 0], true);
  if (q.edns) t.opt(ednsUdpSize);
  const out = t.toBuffer();
  out.writeUInt16BE(out.readUInt16BE(2) | 0x200, 2);
  return { bytes: out };
}

/** The smallest TTL of the records in `sections`; 0 when they hold none. */
function smallestTTL(sections: readonly (readonly ResourceRecord[])[]): number {
  let ttl = Infinity;
  let records = 0;
  for (const section of sections)
    for (const x of section) {
      ttl = Math.min(ttl, x.ttl);
      records++;
    }
  return records ? ttl : 0;
}

/** Our OPT record, as `Writer.opt(ednsUdpSize)` writes it: root owner, type 41, our UDP size, version 0, no flags. */
const ourOpt = Buffer.from([0, 0, 41, ednsUdpSize >> 8, ednsUdpSize & 0xff, 0, 0, 0, 0, 0, 0]);

/**
 * The reply to a plain query whose question is in `table`: byte for byte what `reply()` would send (the header
 * with the query's ID, RD and CD and the answer's flags and counts, the query's own question, the table's records,
 * our OPT record when the query had one), in one buffer. Undefined when the query is not plain, the question is
 * not in the table, or the reply would not fit (then `reply()` answers, truncating as it must).
 */
export function replyFromTable(
  packet: Buffer,
  table: AnswerTable,
  transport: 'udp' | 'tcp',
  stats: ServerStats,
): Buffer | undefined {
  const questionEnd = plainQuestionEnd(packet);
  if (questionEnd < 0) return undefined;
  const e = table.find(packet, 12, questionEnd);
  if (e < 0) return undefined;
  const edns = packet[11] === 1;
  const limit = replyLimit(transport, edns ? packet.readUInt16BE(questionEnd + 3) : undefined);
  const recordsEnd = questionEnd + table.recordsLength(e);
  const length = recordsEnd + (edns ? ourOpt.length : 0);
  if (length > limit) return undefined;
  const out = Buffer.allocUnsafe(length);
  out[0] = packet[0];
  out[1] = packet[1];
  // QR, the query's RD and CD, the answer's AA, RA and RCODE (opcode 0).
  out.writeUInt16BE(0x8000 | ((packet[2] & 0x01) << 8) | (packet[3] & 0x10) | table.flagsAt(e), 2);
  out.writeUInt16BE(1, 4);
  out.writeUInt16BE(table.countAt(e, 0), 6);
  out.writeUInt16BE(table.countAt(e, 1), 8);
  out.writeUInt16BE(table.countAt(e, 2) + (edns ? 1 : 0), 10);
  packet.copy(out, 12, 12, questionEnd);
  table.copyRecords(e, out, questionEnd);
  if (edns) ourOpt.copy(out, recordsEnd);
  stats.queries++;
  stats.answered++;
  stats.tableHits++;
  return out;
}
