/**
 * The zone's positive answers compiled to wire form, as an authoritative server compiles its zone before serving
 * (NSD does the same): one byte arena and one open-addressing slot array, no object per name. `serve dns` builds it
 * where the model is built and ships it as bytes; the serving process answers every query whose question is in the
 * table by copying bytes, and everything else (denials, pod names of any address, rewrites, upstream names) through
 * the answerer, exactly as before.
 *
 * Exact by construction: each entry is the answerer's own reply to its question, encoded by the server's own
 * `reply()` (no EDNS, over TCP so never truncated), kept from the end of the question on. Name compression points
 * at offsets that depend only on the question's length, so the same bytes follow the question of any query for
 * that name and type, whatever its ID, flags, letter case (names compare case-insensitively, RFC 4343) or EDNS
 * option (the OPT record is appended after them). Only NOERROR replies with answers are kept; a table entry never
 * expires because the model's answers do not change while one answerer serves.
 *
 * Entry layout in the arena: u16 key length, key (question name in wire form, lower-cased, then type and class),
 * u16 flag bits of the reply (AA, RA, RCODE), u16 ANCOUNT, NSCOUNT, ARCOUNT, u16 length of the records, records.
 */
import type { DnsQuestion } from '../../analysis/dns/index.ts';
import { newServerStats, reply, type Answerer } from './_respond.ts';
import { typeCode } from './_wire.ts';

/** Flag bits of a reply that come from the answer, not the query: AA, RA and RCODE (RFC 1035 §4.1.1). */
const answerFlagBits = 0x0400 | 0x0080 | 0x000f;

/** An octet of a name, ASCII letters folded to lower case (RFC 4343 §3). */
const fold = (c: number) => (c >= 65 && c <= 90 ? c | 0x20 : c);

/** FNV-1a over a question's bytes (`[start, end)`: name, type, class), the name's letters folded. */
function hashQuestion(buf: Uint8Array, start: number, end: number): number {
  let h = 2166136261;
  const nameEnd = end - 4;
  for (let i = start; i < end; i++) h = Math.imul(h ^ (i < nameEnd ? fold(buf[i]) : buf[i]), 16777619);
  return h >>> 0;
}

/** Whether two questions of `length` octets are the same, the names compared without regard to case. */
function sameQuestion(a: Uint8Array, aStart: number, b: Uint8Array, bStart: number, length: number): boolean {
  const nameLength = length - 4;
  for (let i = 0; i < length; i++) {
    const x = a[aStart + i];
    const y = b[bStart + i];
    if (x !== y && (i >= nameLength || fold(x) !== fold(y))) return false;
  }
  return true;
}

/** Set in an entry's flag word (where the QR bit would be, never an answer flag) when the entry was removed. */
const removedBit = 0x8000;

export class AnswerTable {
  #arena: Uint8Array;
  #slots: Uint32Array;
  #view: DataView;
  #size: number;
  /** Octets of the arena in use (entries, live or replaced). */
  #length: number;
  /** Slots holding an entry, live or removed (a removed entry keeps its slot so probe chains stay whole). */
  #used: number;
  /** Octets of replaced and removed entries. */
  #garbage = 0;

  /** @internal Use `compile` or `fromBytes`. */
  constructor(arena: Uint8Array, slots: Uint32Array, size: number, used = size) {
    this.#arena = arena;
    this.#slots = slots;
    this.#view = new DataView(arena.buffer, arena.byteOffset, arena.byteLength);
    this.#size = size;
    this.#length = arena.byteLength;
    this.#used = used;
  }

  /** Questions answered from the table. */
  get size(): number {
    return this.#size;
  }

  /**
   * Asks `answerer` each question once and keeps the positive replies. Questions may repeat or name nothing: only
   * NOERROR replies with at least one answer enter the table.
   */
  static compile(answerer: Answerer, questions: Iterable<DnsQuestion>): AnswerTable {
    const stats = newServerStats();
    const b = new TableBuilder();
    for (const q of questions) {
      const packet = questionPacket(q);
      if (!packet || b.has(packet)) continue;
      const r = reply(packet, answerer, 'tcp', stats)?.bytes;
      if (r && (r.readUInt16BE(2) & 0xf) === 0 && r.readUInt16BE(6) > 0) b.add(packet, r);
    }
    return b.finish();
  }

  /** The table as one byte string (slot count, then slots, then arena), for another process. */
  toBytes(): Uint8Array {
    if (this.#garbage) this.#compact();
    const out = new Uint8Array(8 + this.#slots.byteLength + this.#length);
    const view = new DataView(out.buffer);
    view.setUint32(0, this.#slots.length);
    view.setUint32(4, this.#size);
    new Uint32Array(out.buffer, 8, this.#slots.length).set(this.#slots);
    out.set(this.#arena.subarray(0, this.#length), 8 + this.#slots.byteLength);
    return out;
  }

  /** Reads `toBytes()` output; undefined when it is not one (a truncated or foreign byte string). */
  static fromBytes(bytes: Uint8Array): AnswerTable | undefined {
    if (bytes.byteLength < 8) return undefined;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const slotCount = view.getUint32(0);
    const size = view.getUint32(4);
    if (slotCount === 0 || (slotCount & (slotCount - 1)) !== 0 || 8 + slotCount * 4 > bytes.byteLength)
      return undefined;
    // Views when the slots are 4-octet aligned (as v8.deserialize lays them out), else aligned copies.
    const start = bytes.byteOffset + 8;
    const slots =
      start % 4 === 0
        ? new Uint32Array(bytes.buffer, start, slotCount)
        : new Uint32Array(bytes.slice(8, 8 + slotCount * 4).buffer);
    const arena = bytes.subarray(8 + slotCount * 4);
    for (const s of slots) if (s > arena.byteLength) return undefined;
    return new AnswerTable(arena, slots, size);
  }

  /**
   * Where the reply part of the entry for the question at `packet[start, end)` (name, type and class) begins, or
   * -1. Read it with `flagsAt`, `countAt`, `recordsLength` and `copyRecords`; nothing is allocated.
   */
  find(packet: Uint8Array, start: number, end: number): number {
    const length = end - start;
    const mask = this.#slots.length - 1;
    for (let s = hashQuestion(packet, start, end) & mask; ; s = (s + 1) & mask) {
      const slot = this.#slots[s];
      if (slot === 0) return -1;
      const at = slot - 1;
      if (this.#view.getUint16(at) === length && sameQuestion(this.#arena, at + 2, packet, start, length))
        return this.#view.getUint16(at + 2 + length) & removedBit ? -1 : at + 2 + length;
    }
  }

  /**
   * Sets the entry of the question of `packet` (a plain query: its question from octet 12 to its end) to the
   * answerer's reply `r` when that is positive (NOERROR with answers), and removes it otherwise: a per-name update
   * after the model changed. The old entry's octets become garbage, given back by compaction once they are half
   * of the arena.
   */
  update(packet: Uint8Array, r: Uint8Array | undefined): void {
    const end = packet.length;
    const length = end - 12;
    const hash = hashQuestion(packet, 12, end);
    const mask = this.#slots.length - 1;
    let s = hash & mask;
    let found = -1;
    for (; this.#slots[s] !== 0; s = (s + 1) & mask) {
      const at = this.#slots[s] - 1;
      if (this.#view.getUint16(at) === length && sameQuestion(this.#arena, at + 2, packet, 12, length)) {
        found = at;
        break;
      }
    }
    const alive = found >= 0 && !(this.#view.getUint16(found + 2 + length) & removedBit);
    const positive = !!r && (((r[2] << 8) | r[3]) & 0xf) === 0 && ((r[6] << 8) | r[7]) > 0;
    if (alive) this.#garbage += 2 + length + 10 + this.#view.getUint16(found + 2 + length + 8);
    if (!positive) {
      if (alive) {
        this.#view.setUint16(found + 2 + length, this.#view.getUint16(found + 2 + length) | removedBit);
        this.#size--;
      }
    } else {
      const size = entrySize(packet, r);
      if (this.#length + size > this.#arena.byteLength) this.#growArena(size);
      writeEntry(this.#arena, this.#length, packet, r);
      this.#slots[s] = this.#length + 1;
      this.#length += size;
      if (!alive) this.#size++;
      if (found < 0 && ++this.#used * 3 > this.#slots.length * 2) this.#rehash(this.#slots.length * 2);
    }
    if (this.#garbage > 1 << 20 && this.#garbage * 2 > this.#length) this.#compact();
  }

  #growArena(n: number): void {
    const next = new Uint8Array(Math.max(this.#arena.byteLength * 2, this.#length + n, 1 << 16));
    next.set(this.#arena.subarray(0, this.#length));
    this.#arena = next;
    this.#view = new DataView(next.buffer);
  }

  /** Places every slotted entry (removed ones too) again in a slot array of `count` slots. */
  #rehash(count: number): void {
    const old = this.#slots;
    this.#slots = new Uint32Array(count);
    const mask = count - 1;
    this.#used = 0;
    for (const slot of old) {
      if (slot === 0) continue;
      const at = slot - 1;
      const length = this.#view.getUint16(at);
      let s = hashQuestion(this.#arena, at + 2, at + 2 + length) & mask;
      while (this.#slots[s] !== 0) s = (s + 1) & mask;
      this.#slots[s] = slot;
      this.#used++;
    }
  }

  /** Copies the live entries into a new arena of their size and places them in new slots. */
  #compact(): void {
    const next = new Uint8Array(Math.max(this.#length - this.#garbage, 1));
    const slots = new Uint32Array(this.#slots.length);
    const mask = slots.length - 1;
    let length = 0;
    let used = 0;
    for (const slot of this.#slots) {
      if (slot === 0) continue;
      const at = slot - 1;
      const q = this.#view.getUint16(at);
      if (this.#view.getUint16(at + 2 + q) & removedBit) continue;
      const size = 2 + q + 10 + this.#view.getUint16(at + 2 + q + 8);
      next.set(this.#arena.subarray(at, at + size), length);
      let s = hashQuestion(next, length + 2, length + 2 + q) & mask;
      while (slots[s] !== 0) s = (s + 1) & mask;
      slots[s] = length + 1;
      length += size;
      used++;
    }
    this.#arena = next;
    this.#view = new DataView(next.buffer);
    this.#slots = slots;
    this.#length = length;
    this.#used = used;
    this.#garbage = 0;
  }

  /** The reply's AA, RA and RCODE bits (in their places in the header's second 16-bit word). */
  flagsAt(entry: number): number {
    return this.#view.getUint16(entry);
  }

  /** ANCOUNT (0), NSCOUNT (1) or ARCOUNT (2) of the reply. */
  countAt(entry: number, section: 0 | 1 | 2): number {
    return this.#view.getUint16(entry + 2 + section * 2);
  }

  /** Octets of the reply's records. */
  recordsLength(entry: number): number {
    return this.#view.getUint16(entry + 8);
  }

  /** Copies the reply's records into `target` at `offset`. */
  copyRecords(entry: number, target: Uint8Array, offset: number): void {
    target.set(this.#arena.subarray(entry + 10, entry + 10 + this.recordsLength(entry)), offset);
  }
}

/**
 * Builds a table entry by entry into one growing arena, its slot array doubled (and refilled) whenever it is
 * two-thirds full, so compiling holds no object per entry either. Beside each slot the builder keeps the hash of its
 * question (the table does not): a probe reads from the arena only entries of the same hash, and refilling reads
 * none.
 */
class TableBuilder {
  #arena = new Uint8Array(1 << 16);
  #length = 0;
  #slots = new Uint32Array(1 << 10);
  #hashes = new Uint32Array(1 << 10);
  #size = 0;

  /** Whether the question of `packet` (from octet 12 to its end) is in the table already. */
  has(packet: Uint8Array): boolean {
    return this.#slots[this.#find(packet, 12, packet.length, hashQuestion(packet, 12, packet.length))] !== 0;
  }

  /** The slot holding the question (whose hash is `hash`), or the empty slot where it would go. */
  #find(packet: Uint8Array, start: number, end: number, hash: number): number {
    const mask = this.#slots.length - 1;
    const length = end - start;
    for (let s = hash & mask; ; s = (s + 1) & mask) {
      const slot = this.#slots[s];
      if (slot === 0) return s;
      if (this.#hashes[s] !== hash) continue;
      const at = slot - 1;
      const l = (this.#arena[at] << 8) | this.#arena[at + 1];
      if (l === length && sameQuestion(this.#arena, at + 2, packet, start, length)) return s;
    }
  }

  /** Adds the entry for the question of `packet` and its reply `r` (whose question is the same octets). */
  add(packet: Uint8Array, r: Uint8Array): void {
    const questionLength = packet.length - 12;
    const size = entrySize(packet, r);
    this.#grow(size);
    const a = this.#arena;
    const at = this.#length;
    writeEntry(a, at, packet, r);
    this.#length += size;
    const hash = hashQuestion(a, at + 2, at + 2 + questionLength);
    const s = this.#find(a, at + 2, at + 2 + questionLength, hash);
    this.#slots[s] = at + 1;
    this.#hashes[s] = hash;
    if (++this.#size * 3 > this.#slots.length * 2) this.#rehash();
  }

  #grow(n: number): void {
    if (this.#length + n <= this.#arena.length) return;
    const next = new Uint8Array(Math.max(this.#arena.length * 2, this.#length + n));
    next.set(this.#arena.subarray(0, this.#length));
    this.#arena = next;
  }

  /** Doubles the slot array, placing each entry as `#find` would: at the first empty slot from its hash on. */
  #rehash(): void {
    const slots = this.#slots;
    const hashes = this.#hashes;
    this.#slots = new Uint32Array(slots.length * 2);
    this.#hashes = new Uint32Array(slots.length * 2);
    const mask = this.#slots.length - 1;
    for (let i = 0; i < slots.length; i++) {
      if (slots[i] === 0) continue;
      let s = hashes[i] & mask;
      while (this.#slots[s] !== 0) s = (s + 1) & mask;
      this.#slots[s] = slots[i];
      this.#hashes[s] = hashes[i];
    }
  }

  finish(): AnswerTable {
    return new AnswerTable(this.#arena.slice(0, this.#length), this.#slots, this.#size);
  }
}

/** Octets of the entry for the question of `packet` and its reply `r`. */
function entrySize(packet: Uint8Array, r: Uint8Array): number {
  const questionLength = packet.length - 12;
  return 2 + questionLength + 10 + (r.length - 12 - questionLength);
}

/** Writes the entry for the question of `packet` and its reply `r` (whose question is the same octets) at `at`. */
function writeEntry(a: Uint8Array, at: number, packet: Uint8Array, r: Uint8Array): void {
  const questionLength = packet.length - 12;
  const records = r.subarray(12 + questionLength);
  a[at] = questionLength >> 8;
  a[at + 1] = questionLength & 0xff;
  for (let i = 0; i < questionLength; i++)
    a[at + 2 + i] = i < questionLength - 4 ? fold(packet[12 + i]) : packet[12 + i];
  const info = at + 2 + questionLength;
  const flags = ((r[2] << 8) | r[3]) & answerFlagBits;
  a[info] = flags >> 8;
  a[info + 1] = flags & 0xff;
  a.set(r.subarray(6, 12), info + 2);
  a[info + 8] = records.length >> 8;
  a[info + 9] = records.length & 0xff;
  a.set(records, info + 10);
}

// The packet `questionPacket` writes each question into: a header with ID 0, no flags and QDCOUNT 1, then room
// for a question of the longest name it encodes (253 characters: 255 octets in wire form) with its type and class.
const packet = Buffer.alloc(12 + 255 + 4);
packet[5] = 1;

/**
 * A plain query packet (ID 0, no flags, no EDNS) for `q`, or undefined when the name (without its trailing dot)
 * cannot be encoded: longer than 253 characters, holding other characters than printable ASCII, `..`, a leading
 * dot or a label over 63 characters. The packet is overwritten by the next call.
 */
export function questionPacket(q: DnsQuestion): Buffer | undefined {
  const type = typeCode(q.type.toUpperCase());
  const name = q.name.endsWith('.') ? q.name.slice(0, -1) : q.name;
  if (!type || name.length > 253) return undefined;
  let at = 12;
  if (name) {
    // Each label's characters follow the octet where its length goes (`lengthAt`), filled in at its end.
    let lengthAt = at++;
    for (let i = 0; i < name.length; i++) {
      const c = name.charCodeAt(i);
      if (c < 0x21 || c > 0x7e) return undefined;
      if (c === 0x2e) {
        if (at === lengthAt + 1) return undefined;
        packet[lengthAt] = at - lengthAt - 1;
        lengthAt = at++;
      } else if (at - lengthAt > 63) return undefined;
      else packet[at++] = c;
    }
    packet[lengthAt] = at - lengthAt - 1;
  }
  packet[at] = 0;
  packet.writeUInt16BE(type, at + 1);
  packet.writeUInt16BE(1, at + 3);
  return packet.subarray(0, at + 5);
}
