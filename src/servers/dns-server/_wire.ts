/**
 * DNS wire format for the server: a strict parser for queries (header, one question, an optional EDNS0 OPT
 * record — RFC 1035 §4.1, RFC 6891 §6) and an encoder for replies with name compression (RFC 1035 §4.1.4).
 * Anything malformed is reported, never thrown.
 */
import { parseIP } from '../../lib/ip.ts';
import type { ResourceRecord } from '../../analysis/dns/index.ts';

export interface Query {
  readonly id: number;
  readonly opcode: number;
  readonly rd: boolean;
  readonly cd: boolean;
  readonly qdcount: number;
  /** The question exactly as received (name, type, class), echoed in the reply. */
  readonly questionBytes?: Buffer;
  readonly qname?: string;
  readonly qtype?: number;
  readonly qclass?: number;
  /** Present when the query carried an OPT record. */
  readonly edns?: { readonly udpSize: number; readonly version: number; readonly do: boolean };
}

export type Parsed = { readonly query: Query } | { readonly malformed: string };

export const typeNames: Readonly<Record<number, string>> = {
  1: 'A',
  2: 'NS',
  5: 'CNAME',
  6: 'SOA',
  12: 'PTR',
  15: 'MX',
  16: 'TXT',
  28: 'AAAA',
  33: 'SRV',
  35: 'NAPTR',
  43: 'DS',
  48: 'DNSKEY',
  64: 'SVCB',
  65: 'HTTPS',
  251: 'IXFR',
  252: 'AXFR',
  255: 'ANY',
  257: 'CAA',
};
const typeCodes: Readonly<Record<string, number>> = {
  A: 1,
  NS: 2,
  CNAME: 5,
  SOA: 6,
  PTR: 12,
  TXT: 16,
  AAAA: 28,
  SRV: 33,
};

// The text of a question name as it is read: at most 255 octets, none written as more than four characters.
const nameText = Buffer.allocUnsafe(1024);

/** Reads an uncompressed question name (queries carry no pointers); other bytes than printable ASCII, and dots inside a label, are written `\DDD` (RFC 1035 §5.1). */
function readName(buf: Buffer, start: number): { name: string; end: number } | string {
  let i = start;
  let total = 0;
  let n = 0;
  for (;;) {
    if (i >= buf.length) return 'name runs past the end';
    const len = buf[i];
    if (len === 0) return { name: n ? nameText.toString('latin1', 0, n) : '.', end: i + 1 };
    if (len & 0xc0) return 'compressed or extended label in a question';
    if (i + 1 + len > buf.length) return 'label runs past the end';
    total += len + 1;
    if (total > 255) return 'name longer than 255 octets';
    for (let j = i + 1; j <= i + len; j++) {
      const c = buf[j];
      if (c <= 0x20 || c >= 0x7f || c === 0x2e || c === 0x5c) {
        nameText[n++] = 0x5c;
        nameText[n++] = 0x30 + Math.floor(c / 100);
        nameText[n++] = 0x30 + (Math.floor(c / 10) % 10);
        nameText[n++] = 0x30 + (c % 10);
      } else nameText[n++] = c;
    }
    nameText[n++] = 0x2e;
    i += 1 + len;
  }
}

/**
 * Where the question of the commonest query ends (just past its class), read without building strings: a standard
 * query (opcode 0) with one question and nothing else but an optional EDNS version 0 OPT record (ARCOUNT 1, the
 * OPT record right after the question, its UDP size at `questionEnd + 3`). -1 for anything else; `parseQuery` then
 * reads the packet in full (and says what is wrong with it).
 */
export function plainQuestionEnd(buf: Uint8Array): number {
  const n = buf.length;
  // QR 0 and opcode 0 (the high five bits of octet 2), QDCOUNT 1, ANCOUNT and NSCOUNT 0, ARCOUNT 0 or 1.
  if (n < 17 || buf[2] & 0xf8 || buf[4] | buf[6] | buf[7] | buf[8] | buf[9] | buf[10] || buf[5] !== 1)
    return -1;
  if (buf[11] > 1) return -1;
  let i = 12;
  let total = 0;
  for (let len = buf[i]; len !== 0; len = buf[i]) {
    if (len & 0xc0 || (total += len + 1) > 255 || (i += len + 1) >= n) return -1;
  }
  const questionEnd = i + 5;
  if (buf[11] === 0) return questionEnd === n ? questionEnd : -1;
  // The OPT record: root owner, type 41, class = UDP size, TTL = extended RCODE, version, flags; RDATA to the end.
  const o = questionEnd;
  if (o + 11 > n || buf[o] !== 0 || buf[o + 1] !== 0 || buf[o + 2] !== 41 || buf[o + 6] !== 0) return -1;
  return o + 11 + ((buf[o + 9] << 8) | buf[o + 10]) === n ? questionEnd : -1;
}

export function parseQuery(buf: Buffer): Parsed {
  if (buf.length < 12) return { malformed: 'shorter than a header' };
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  if (flags & 0x8000) return { malformed: 'a response, not a query' };
  const qdcount = buf.readUInt16BE(4);
  const ancount = buf.readUInt16BE(6);
  const nscount = buf.readUInt16BE(8);
  const arcount = buf.readUInt16BE(10);
  const opcode = (flags >> 11) & 0xf;
  const rd = !!(flags & 0x100);
  const cd = !!(flags & 0x10);
  // Counts no message of this length could hold: a question takes at least 5 octets, a record 11.
  if (12 + qdcount * 5 + (ancount + nscount + arcount) * 11 > buf.length)
    return { malformed: 'section counts exceed the message' };
  if (qdcount !== 1 || ancount !== 0 || nscount !== 0 || arcount > 1)
    return { query: { id, opcode, rd, cd, qdcount } };
  const n = readName(buf, 12);
  if (typeof n === 'string') return { malformed: n };
  if (n.end + 4 > buf.length) return { malformed: 'question runs past the end' };
  const qtype = buf.readUInt16BE(n.end);
  const qclass = buf.readUInt16BE(n.end + 2);
  const questionBytes = buf.subarray(12, n.end + 4);
  let edns: Query['edns'];
  let i = n.end + 4;
  if (arcount === 1) {
    if (buf[i] !== 0 || i + 11 > buf.length || buf.readUInt16BE(i + 1) !== 41)
      return { malformed: 'the additional record is not an OPT record' };
    const rdlen = buf.readUInt16BE(i + 9);
    if (i + 11 + rdlen > buf.length) return { malformed: 'OPT record runs past the end' };
    edns = {
      udpSize: buf.readUInt16BE(i + 3),
      version: buf[i + 6],
      do: !!(buf.readUInt16BE(i + 7) & 0x8000),
    };
    i += 11 + rdlen;
  }
  if (i !== buf.length) return { malformed: 'trailing bytes after the query' };
  return { query: { id, opcode, rd, cd, qdcount, questionBytes, qname: n.name, qtype, qclass, edns } };
}

export function typeCode(type: string): number {
  return typeCodes[type] ?? 0;
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

// One scratch buffer for every reply: replies are written one at a time (the event loop is single-threaded) and
// copied out at their exact length, so answering leaves no large garbage behind.
let scratch = Buffer.allocUnsafe(65536);

/**
 * Writes a message with name compression into the shared scratch buffer, in order: `header`, then `question` (if
 * any), then records. Only one Writer may be in use at a time: creating one starts over.
 */
export class Writer {
  #buf = scratch;
  #length = 0;
  /** Where each name suffix written so far begins, keyed by the suffix lower-cased, with its trailing dot. */
  readonly #names = new Map<string, number>();

  /** The header (RFC 1035 §4.1.1): ID, flags, then QDCOUNT, ANCOUNT, NSCOUNT and ARCOUNT. */
  header(id: number, flags: number, counts: readonly [number, number, number, number]): void {
    this.#u16(id);
    this.#u16(flags);
    for (const c of counts) this.#u16(c);
  }

  /** The question as received, `name` being its name as `parseQuery` read it: later names may point at it. */
  question(bytes: Buffer, name: string): void {
    const at = this.#length;
    this.push(bytes);
    if (name !== '.') this.#names.set(name.toLowerCase(), at);
  }

  get length(): number {
    return this.#length;
  }

  #ensure(n: number): void {
    if (this.#length + n <= this.#buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.#buf.length * 2, this.#length + n));
    this.#buf.copy(next, 0, 0, this.#length);
    this.#buf = next;
    scratch = next;
  }

  push(b: Buffer): void {
    this.#ensure(b.length);
    b.copy(this.#buf, this.#length);
    this.#length += b.length;
  }

  #byte(v: number): void {
    this.#ensure(1);
    this.#buf[this.#length++] = v;
  }

  #u16(v: number): void {
    this.#ensure(2);
    this.#buf.writeUInt16BE(v, this.#length);
    this.#length += 2;
  }

  #u32(v: number): void {
    this.#ensure(4);
    this.#buf.writeUInt32BE(v >>> 0, this.#length);
    this.#length += 4;
  }

  /**
   * A name (dotted text, its trailing dot optional) as labels of at most 63 octets, each character written as its
   * low octet (latin1), ending at the longest suffix already in the message, written as a pointer to it instead
   * (RFC 1035 §4.1.4). Suffixes are compared without regard to case (RFC 4343 §3), as their lower-cased text; a
   * suffix is remembered only where a pointer can reach it (offsets below 0x3fff).
   */
  name(name: string): void {
    if (name === '.') return this.#byte(0);
    const text = name.endsWith('.') ? name : `${name}.`;
    // An ASCII name's suffixes lower-case to slices of the name lower-cased. Beyond ASCII, toLowerCase depends on
    // the context (a final sigma), so each suffix is lower-cased by itself.
    const lower = isAscii(text) ? text.toLowerCase() : undefined;
    for (let start = 0; start < text.length;) {
      const suffix = lower !== undefined ? lower.slice(start) : text.slice(start).toLowerCase();
      const at = this.#names.get(suffix);
      if (at !== undefined) return this.#u16(0xc000 | at);
      if (this.#length < 0x3fff) this.#names.set(suffix, this.#length);
      const dot = text.indexOf('.', start);
      this.#label(text, start, Math.min(dot, start + 63));
      start = dot + 1;
    }
    this.#byte(0);
  }

  /** A label: its length, then the low octet of each character of `text[start, end)`. */
  #label(text: string, start: number, end: number): void {
    this.#ensure(1 + end - start);
    const buf = this.#buf;
    let at = this.#length;
    buf[at++] = end - start;
    for (let i = start; i < end; i++) buf[at++] = text.charCodeAt(i);
    this.#length = at;
  }

  record(r: ResourceRecord): void {
    this.name(r.name);
    this.#u16(typeCode(r.rdata.type));
    this.#u16(1);
    this.#u32(r.ttl);
    const lengthAt = this.#length;
    this.#u16(0);
    this.rdata(r.rdata);
    this.#buf.writeUInt16BE(this.#length - lengthAt - 2, lengthAt);
  }

  private rdata(d: ResourceRecord['rdata']): void {
    switch (d.type) {
      case 'A':
        for (const part of d.address.split('.')) this.#byte(Number(part));
        return;
      case 'AAAA': {
        const v = parseIP(d.address)!.value;
        for (let i = 15; i >= 0; i--) this.#byte(Number((v >> BigInt(i * 8)) & 255n));
        return;
      }
      case 'SRV':
        this.#u16(d.priority);
        this.#u16(d.weight);
        this.#u16(d.port);
        return this.name(d.target);
      case 'PTR':
      case 'CNAME':
      case 'NS':
        return this.name(d.target);
      case 'TXT':
        for (const t of d.text) {
          const bytes = Buffer.from(t, 'utf8').subarray(0, 255);
          this.#byte(bytes.length);
          this.push(bytes);
        }
        return;
      case 'SOA':
        this.name(d.mname);
        this.name(d.rname);
        for (const v of [d.serial, d.refresh, d.retry, d.expire, d.minimum]) this.#u32(v);
        return;
    }
  }

  /** An OPT pseudo-record advertising our UDP payload size (RFC 6891 §6.1.2). */
  opt(udpSize: number, extendedRcode = 0): void {
    this.#byte(0);
    this.#u16(41);
    this.#u16(udpSize);
    this.#byte(extendedRcode);
    this.#byte(0);
    this.#u16(0);
    this.#u16(0);
  }

  /** The reply, copied out at its exact length. */
  toBuffer(): Buffer {
    return Buffer.from(this.#buf.subarray(0, this.#length));
  }
}
