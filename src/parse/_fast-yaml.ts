import { invalid, resolvePlain } from './_scalars.ts';
import { Positions, PositionTable } from './_positions.ts';
import { interned } from './_interned.ts';
import { readJson } from './_fast-json.ts';
import { FlowReader, giveUp, quotedScalar } from './_fast-flow.ts';
import { sized } from '../lib/sized.ts';

/**
 * A fast reader for the plain block YAML that generators and `kubectl get -o yaml` write: block mappings and
 * sequences, plain and one-line quoted scalars, flow sequences and mappings of plain ASCII words and simple
 * quoted scalars on one line or across lines (`- {name: n1, zone: a}`, as kubetwin.yaml lists its nodes;
 * `args: [a, b]`; see `FlowReader`), comments, and anchors on mapping values with aliases to them.
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
const LBRACKET = 91;
const LBRACE = 123;

/**
 * Reads the document in `text[start, end)` (a chunk that starts at a `---` line or the file's start); its
 * position entries go to `table` (one per file: the documents of a file are read in turn), and none stay there
 * when the document is given up.
 */
export function readFast(
  text: string,
  start: number,
  end: number,
  table: PositionTable = new PositionTable(),
): FastDocument | undefined {
  const positions = new Positions(table);
  try {
    return new Reader(text, start, end, positions).document();
  } catch (e) {
    positions.discard();
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
  private readonly anchors = new Map<string, unknown>();
  private aliases = 0;

  constructor(
    private readonly text: string,
    start: number,
    private readonly end: number,
    private readonly positions: Positions,
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
      const json = readJson(this.text, this.content, this.end, this.positions);
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
      const key = this.key(keyAt);
      const after = this.afterKey;
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
        out.push(this.block(this.indent, item, depth + 1, indent));
        continue;
      }
      const c = this.text.charCodeAt(at);
      if (c === AMP || this.isDash(at)) throw giveUp; // an anchored item, `- - nested`
      if (c !== STAR && c !== LBRACE && c !== LBRACKET && this.keyEnd(at) >= 0) {
        // `- key: value`: a mapping whose keys sit at this column.
        const item = this.positions.add(entry, index, at);
        this.indent = at - (this.text.lastIndexOf('\n', at - 1) + 1);
        this.content = at;
        out.push(this.map(this.indent, item, depth + 1));
        continue;
      }
      out.push(this.inline(at, indent, this.positions.add(entry, index, at), depth + 1));
    }
    if (this.indent > indent) throw giveUp;
    return sized(out);
  }

  /**
   * A mapping or a sequence starting at the current line, more indented than its parent at `parent`; or a flow
   * collection starting there (`key:` then `  [a, b]` on the next line, as the yaml package wraps long ones).
   */
  private block(indent: number, entry: number, depth: number, parent: number): unknown {
    const c = this.text.charCodeAt(this.content);
    if (c === LBRACKET || c === LBRACE) return this.inline(this.content, parent, entry, depth);
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
      if (this.indent > indent) value = this.block(this.indent, entry, depth + 1, indent);
      else if (inMap && this.indent === indent && this.isDash(this.content))
        value = this.seq(indent, entry, depth + 1); // `key:` then `- item` at the key's column
      else if (anchor !== undefined) throw giveUp;
      else value = null;
    } else value = this.inline(at, indent, entry, depth + 1);
    if (anchor !== undefined) {
      // An anchored node holding aliases: the package's alias budget multiplies their counts; left to it.
      if (this.aliases !== aliasesBefore) throw giveUp;
      this.anchors.set(anchor, value);
    }
    return value;
  }

  /**
   * A scalar, an alias or a flow collection that fills the rest of the line at `at` (`entry` is its
   * position entry); leaves the reader on the line after it.
   */
  private inline(at: number, indent: number, entry: number, depth: number): unknown {
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
    } else if (c === LBRACKET || c === LBRACE) {
      const flow = new FlowReader(text, this.end, this.lineEnd, indent, this.positions, maxDepth);
      ({ value, stop } = flow.collection(at, entry, depth + 1));
      // A collection that went on past its first line leaves the reader on its last line.
      this.lineEnd = flow.lineEnd;
      this.next = flow.lineEnd + 1;
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

  /** Only spaces and a comment may follow a value. */
  private restOfLine(at: number): void {
    const { text } = this;
    while (at < this.lineEnd && text.charCodeAt(at) === SPACE) at++;
    if (at < this.lineEnd && (text.charCodeAt(at) !== HASH || text.charCodeAt(at - 1) !== SPACE))
      throw giveUp;
  }

  /** A one-line quoted scalar without escapes: its value and the offset after the closing quote. */
  private quoted(at: number): { value: string; stop: number } {
    return quotedScalar(this.text, at, this.lineEnd);
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

  /** The offset after the colon of the last key read (a field, not a pair object per key: one per mapping entry). */
  private afterKey = 0;

  /** The key at `at` (a plain or one-line quoted string); the offset after its colon goes to `afterKey`. */
  private key(at: number): string {
    const { text } = this;
    const colon = this.keyEnd(at);
    // YAML caps an implicit key at 1024 characters, an error the package reports: left to it.
    if (colon < 0 || colon - at > 1000) throw giveUp;
    const first = text.charCodeAt(at);
    this.afterKey = colon + 1;
    if (first === DQUOTE || first === SQUOTE) return this.quoted(at).value;
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
    return key;
  }
}
