import { invalid, resolvePlain } from './_scalars.ts';
import { Positions } from './_positions.ts';
import { interned } from './_interned.ts';
import { readJson } from './_fast-json.ts';

/**
 * A fast reader for the plain block YAML that generators and `kubectl get -o yaml` write: block mappings and
 * sequences, plain and one-line quoted scalars, empty `[]` and `{}`, one-line flow mappings of plain ASCII
 * words (`- {name: n1, zone: a}`, as kubetwin.yaml lists its nodes), comments, and anchors on mapping values
 * with aliases to them.
 * It builds the plain values straight from the text (no token stream, no document model) and records only the
 * offsets `locate` needs (see `Positions`).
 *
 * It never decides anything the full reader would decide differently: on anything else (tags, flow
 * collections other than those, block scalars, escapes, multi-line scalars, merge keys, non-string keys, repeated keys, tabs,
 * CRLF, deep nesting, many aliases, a non-mapping root) it gives up and the caller reads the document with the
 * yaml package, which also writes every diagnostic. An equivalence test holds the two readers to the same
 * values, positions and diagnostics.
 */
export interface FastDocument {
  /** The root mapping, or undefined for an empty document. */
  readonly value: Record<string, unknown> | undefined;
  readonly positions: Positions;
}

/** Thrown inside the reader to give up on a document; caught in `readFast`. */
const giveUp = new Error('not for the fast path');
const maxDepth = 64;
const maxAliases = 100;

const SPACE = 32;
const HASH = 35;
const COLON = 58;
const DASH = 45;
const NL = 10;
const DQUOTE = 34;
const SQUOTE = 39;
const AMP = 38;
const STAR = 42;
const LBRACE = 123;
const RBRACE = 125;
/** Characters that end (or, at its start, would change the meaning of) a plain word in a flow mapping. */
const flowStops = ',[]{}#:\'"&*!|>%@`?';

/** Reads the document in `text[start, end)` (a chunk that starts at a `---` line or the file's start). */
export function readFast(text: string, start: number, end: number): FastDocument | undefined {
  try {
    return new Reader(text, start, end).document();
  } catch (e) {
    if (e === giveUp) return undefined;
    throw e;
  }
}

class Reader {
  /** The current line: its indent, the offset of its first non-space character, and its end. */
  private indent = -1;
  private content = 0;
  private lineEnd = 0;
  /** Offset of the next line to read. */
  private next: number;
  private readonly positions = new Positions();
  private readonly anchors = new Map<string, unknown>();
  private aliases = 0;

  constructor(
    private readonly text: string,
    start: number,
    private readonly end: number,
  ) {
    this.next = start;
    // Comment lines may come before the `---` that starts the document.
    this.advance();
    if (this.indent === 0 && text.startsWith('---', this.content)) {
      let i = this.content + 3;
      while (i < this.lineEnd && text.charCodeAt(i) === SPACE) i++;
      if (i < this.lineEnd) throw giveUp; // `--- value`, `--- !tag`, `--- # comment`
      this.advance();
    }
  }

  document(): FastDocument {
    if (this.indent < 0) return { value: undefined, positions: this.positions };
    if (this.isDash(this.content)) throw giveUp; // a sequence root: not an object, the full reader says so
    if (this.text.charCodeAt(this.content) === LBRACE) {
      // A document written as JSON (`kubectl get -o json`): its own reader, the same position entries.
      const json = readJson(this.text, this.content, this.end);
      if (!json) throw giveUp;
      return json;
    }
    const root = this.positions.add(-1, '', this.content);
    const value = this.map(this.indent, root, 1);
    if (this.indent >= 0) throw giveUp; // content left over, less indented than the root
    return { value, positions: this.positions };
  }

  /** Moves to the next line with content (blank and comment lines skipped); indent -1 at the end. */
  private advance(): void {
    const { text, end } = this;
    while (this.next < end) {
      const start = this.next;
      let nl = text.indexOf('\n', start);
      if (nl < 0 || nl > end) nl = end;
      this.next = nl + 1;
      let i = start;
      while (i < nl && text.charCodeAt(i) === SPACE) i++;
      if (i === nl || text.charCodeAt(i) === HASH) continue;
      this.indent = i - start;
      this.content = i;
      this.lineEnd = nl;
      return;
    }
    this.indent = -1;
  }

  private isDash(at: number): boolean {
    if (this.text.charCodeAt(at) !== DASH) return false;
    const c = at + 1 < this.lineEnd ? this.text.charCodeAt(at + 1) : NL;
    return c === SPACE || c === NL;
  }

  /** A block mapping whose keys sit at column `indent`, starting at the current line. */
  private map(indent: number, entry: number, depth: number): Record<string, unknown> {
    if (depth > maxDepth) throw giveUp;
    const out: Record<string, unknown> = {};
    while (this.indent === indent) {
      if (this.isDash(this.content)) throw giveUp;
      const keyAt = this.content;
      const { key, after } = this.key(keyAt);
      if (Object.prototype.hasOwnProperty.call(out, key) || key === '__proto__') throw giveUp;
      const pair = this.positions.add(entry, key, keyAt);
      out[key] = this.value(after, indent, pair, depth, true);
    }
    if (this.indent > indent) throw giveUp;
    return out;
  }

  /** A block sequence whose dashes sit at column `indent`. */
  private seq(indent: number, entry: number, depth: number): unknown[] {
    if (depth > maxDepth) throw giveUp;
    const out: unknown[] = [];
    while (this.indent === indent && this.isDash(this.content)) {
      let at = this.content + 1;
      while (at < this.lineEnd && this.text.charCodeAt(at) === SPACE) at++;
      const index = out.length;
      if (at >= this.lineEnd || this.text.charCodeAt(at) === HASH) {
        // The item starts on the next line, more indented.
        this.advance();
        if (this.indent <= indent) throw giveUp; // an empty item
        const item = this.positions.add(entry, index, this.content);
        out.push(this.block(this.indent, item, depth + 1));
        continue;
      }
      const c = this.text.charCodeAt(at);
      if (c === AMP || this.isDash(at)) throw giveUp; // an anchored item, `- - nested`
      if (c !== STAR && c !== LBRACE && this.keyEnd(at) >= 0) {
        // `- key: value`: a mapping whose keys sit at this column.
        const item = this.positions.add(entry, index, at);
        this.indent = at - (this.text.lastIndexOf('\n', at - 1) + 1);
        this.content = at;
        out.push(this.map(this.indent, item, depth + 1));
        continue;
      }
      out.push(this.inline(at, indent, this.positions.add(entry, index, at)));
    }
    if (this.indent > indent) throw giveUp;
    return out;
  }

  /** A mapping or a sequence starting at the current line. */
  private block(indent: number, entry: number, depth: number): unknown {
    return this.isDash(this.content) ? this.seq(indent, entry, depth) : this.map(indent, entry, depth);
  }

  /** The value after a key's colon (at `at` on the current line); leaves the reader on the next line. */
  private value(at: number, indent: number, entry: number, depth: number, inMap: boolean): unknown {
    const { text } = this;
    while (at < this.lineEnd && text.charCodeAt(at) === SPACE) at++;
    let anchor: string | undefined;
    const aliasesBefore = this.aliases;
    if (at < this.lineEnd && text.charCodeAt(at) === AMP) {
      const stop = this.wordEnd(at + 1);
      anchor = text.slice(at + 1, stop);
      if (!anchor) throw giveUp;
      at = stop;
      while (at < this.lineEnd && text.charCodeAt(at) === SPACE) at++;
    }
    let value: unknown;
    if (at >= this.lineEnd || text.charCodeAt(at) === HASH) {
      this.advance();
      if (this.indent > indent) value = this.block(this.indent, entry, depth + 1);
      else if (inMap && this.indent === indent && this.isDash(this.content))
        value = this.seq(indent, entry, depth + 1); // `key:` then `- item` at the key's column
      else if (anchor !== undefined) throw giveUp;
      else value = null;
    } else value = this.inline(at, indent, entry);
    if (anchor !== undefined) {
      // An anchored node holding aliases: the package's alias budget multiplies their counts; left to it.
      if (this.aliases !== aliasesBefore) throw giveUp;
      this.anchors.set(anchor, value);
    }
    return value;
  }

  /**
   * A scalar, an alias or a one-line flow mapping that fills the rest of the line at `at` (`entry` is its
   * position entry); leaves the reader on the next line.
   */
  private inline(at: number, indent: number, entry: number): unknown {
    const { text } = this;
    const c = text.charCodeAt(at);
    if (this.isDash(at)) throw giveUp; // `key: - item`
    let value: unknown;
    let stop: number;
    if (c === STAR) {
      stop = this.wordEnd(at + 1);
      const name = text.slice(at + 1, stop);
      if (!this.anchors.has(name) || ++this.aliases > maxAliases) throw giveUp;
      value = this.anchors.get(name);
    } else if (c === DQUOTE || c === SQUOTE) {
      ({ value, stop } = this.quoted(at));
    } else if (
      (c === 91 && text.charCodeAt(at + 1) === 93) ||
      (c === 123 && text.charCodeAt(at + 1) === 125)
    ) {
      value = c === 91 ? [] : {}; // `[]`, `{}`
      stop = at + 2;
    } else if (c === LBRACE) {
      ({ value, stop } = this.flowMap(at, entry));
    } else {
      stop = this.plainEnd(at);
      let last = stop;
      while (text.charCodeAt(last - 1) === SPACE) last--;
      value = resolvePlain(interned(text, at, last));
      if (value === invalid) throw giveUp;
    }
    this.restOfLine(stop);
    this.advance();
    if (this.indent > indent) throw giveUp; // a continuation line (a multi-line scalar) or an error
    return value;
  }

  /**
   * A flow mapping on one line whose keys and values are plain words of printable ASCII without indicators
   * (`{name: n1, zone: zone-a, internalIP: 10.0.0.1}`): anything else in it (quotes, nesting, `: ` missing, an
   * empty value, a trailing comma, a `:` inside a word such as an IPv6 address) gives the document up. Each key
   * gets a position entry under `entry`, as a block mapping's keys do.
   */
  private flowMap(at: number, entry: number): { value: Record<string, unknown>; stop: number } {
    const { text } = this;
    const out: Record<string, unknown> = {};
    let i = at + 1;
    for (;;) {
      while (text.charCodeAt(i) === SPACE) i++;
      const keyAt = i;
      const keyStop = this.flowWord(keyAt);
      if (text.charCodeAt(keyStop) !== COLON || text.charCodeAt(keyStop + 1) !== SPACE) throw giveUp;
      const key = interned(text, keyAt, keyStop);
      if (Object.prototype.hasOwnProperty.call(out, key) || key === '__proto__') throw giveUp;
      if (resolvePlain(key, true) !== key) throw giveUp;
      i = keyStop + 1;
      while (text.charCodeAt(i) === SPACE) i++;
      const valueStop = this.flowWord(i);
      const value = resolvePlain(interned(text, i, valueStop));
      if (value === invalid) throw giveUp;
      this.positions.add(entry, key, keyAt);
      out[key] = value;
      i = valueStop;
      while (text.charCodeAt(i) === SPACE) i++;
      const c = text.charCodeAt(i);
      if (c === RBRACE) return { value: out, stop: i + 1 };
      if (c !== 44) throw giveUp; // `,`
      i++;
    }
  }

  /** The end of a plain word in a flow mapping at `at` (printable ASCII, no indicator); gives up when empty. */
  private flowWord(at: number): number {
    const { text } = this;
    let i = at;
    while (i < this.lineEnd) {
      const c = text.charCodeAt(i);
      if (c <= SPACE || c > 126 || flowStops.includes(text[i])) break;
      i++;
    }
    // Empty, or a lone `-` (a sequence indicator, not a word).
    if (i === at || (i === at + 1 && text.charCodeAt(at) === DASH)) throw giveUp;
    return i;
  }

  /** Only spaces and a comment may follow a value. */
  private restOfLine(at: number): void {
    const { text } = this;
    while (at < this.lineEnd && text.charCodeAt(at) === SPACE) at++;
    if (at < this.lineEnd && (text.charCodeAt(at) !== HASH || text.charCodeAt(at - 1) !== SPACE))
      throw giveUp;
  }

  /** A one-line quoted scalar without escapes: its value and the offset after the closing quote. */
  private quoted(at: number): { value: string; stop: number } {
    const { text } = this;
    const q = text.charCodeAt(at);
    let out = '';
    let from = at + 1;
    for (;;) {
      const close = text.indexOf(q === DQUOTE ? '"' : "'", from);
      if (close < 0 || close >= this.lineEnd) throw giveUp;
      if (q === SQUOTE && text.charCodeAt(close + 1) === SQUOTE) {
        out += text.slice(from, close + 1);
        from = close + 2;
        continue;
      }
      out += text.slice(from, close);
      if (q === DQUOTE && out.includes('\\')) throw giveUp;
      return { value: out, stop: close + 1 };
    }
  }

  /** Where a plain scalar starting at `at` ends: the line's end or a comment; refuses `: ` inside. */
  private plainEnd(at: number): number {
    const { text } = this;
    const first = text.charCodeAt(at);
    // Indicators that start something other than a plain scalar (or one the fast path leaves to the package).
    if ('?:,[]{}#&*!|>%@`'.includes(text[at]) && !(first === DASH)) throw giveUp;
    for (let i = at; i < this.lineEnd; i++) {
      const c = text.charCodeAt(i);
      if (c === HASH && text.charCodeAt(i - 1) === SPACE) return i;
      if (c === COLON) {
        const n = i + 1 < this.lineEnd ? text.charCodeAt(i + 1) : NL;
        if (n === SPACE || n === NL) throw giveUp;
      }
      if (c === 9 || c === 13) throw giveUp;
    }
    return this.lineEnd;
  }

  /** An anchor's or alias's name: up to a space or the line's end. */
  private wordEnd(at: number): number {
    let i = at;
    while (i < this.lineEnd) {
      const c = this.text.charCodeAt(i);
      if (c === SPACE) break;
      if (c === 44 || c === 91 || c === 93 || c === 123 || c === 125) throw giveUp; // , [ ] { }
      i++;
    }
    return i;
  }

  /** The offset of a plain key's `:` on the current line (or -1 when the line holds no `key:`). */
  private keyEnd(at: number): number {
    const { text } = this;
    const first = text.charCodeAt(at);
    if (first === DQUOTE || first === SQUOTE) {
      try {
        const { stop } = this.quoted(at);
        if (text.charCodeAt(stop) !== COLON) return -1;
        const n = stop + 1 < this.lineEnd ? text.charCodeAt(stop + 1) : NL;
        return n === SPACE || n === NL ? stop : -1;
      } catch {
        return -1;
      }
    }
    for (let i = at; i < this.lineEnd; i++) {
      const c = text.charCodeAt(i);
      if (c === HASH && text.charCodeAt(i - 1) === SPACE) return -1;
      if (c === COLON) {
        const n = i + 1 < this.lineEnd ? text.charCodeAt(i + 1) : NL;
        if (n === SPACE || n === NL) return i;
      }
    }
    return -1;
  }

  /** The key at `at` (a plain or one-line quoted string) and the offset after its colon. */
  private key(at: number): { key: string; after: number } {
    const { text } = this;
    const colon = this.keyEnd(at);
    // YAML caps an implicit key at 1024 characters, an error the package reports: left to it.
    if (colon < 0 || colon - at > 1000) throw giveUp;
    const first = text.charCodeAt(at);
    if (first === DQUOTE || first === SQUOTE) return { key: this.quoted(at).value, after: colon + 1 };
    if ('-?:,[]{}#&*!|>%@`'.includes(text[at])) throw giveUp;
    let last = colon;
    while (text.charCodeAt(last - 1) === SPACE) last--;
    const key = interned(text, at, last);
    for (let i = 0; i < key.length; i++) {
      const c = key.charCodeAt(i);
      if (c === 9 || c === 13) throw giveUp;
    }
    // A plain key that resolves to anything but a string (`80:`, `yes:`, `~:`, the merge key `<<`) is left to
    // the package, which turns it into a string its own way.
    if (resolvePlain(key, true) !== key) throw giveUp;
    return { key, after: colon + 1 };
  }
}
