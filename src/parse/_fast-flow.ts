import { invalid, resolvePlain } from './_scalars.ts';
import type { Positions } from './_positions.ts';
import { sized } from '../lib/sized.ts';
import { interned } from './_interned.ts';

/**
 * The fast reader's flow collections (`[a, b]`, `{k: v}`): sequences and mappings of plain scalars on one line
 * (words of printable ASCII without indicators, separated by spaces) and one-line
 * quoted scalars without escapes, nested up to the reader's depth, on one line or across lines that are more
 * indented than the block around them (`args: [a,\n    b]`). Values resolve as the yaml package resolves plain
 * scalars; each item and key gets a position entry as in a block collection, at the item's first character (the
 * `[` or `{` of a nested collection) or at the key.
 *
 * It gives up (throws `giveUp`) on anything else, and the yaml package reads the document: anchors, aliases,
 * tags, comments, `?` keys, `key: value` pairs inside a sequence, empty or trailing items (`[a,]`, `[,a]`), a plain
 * scalar of several lines, non-ASCII words, blank lines, tabs and carriage returns, a line not indented
 * past the block (where the package's indentation rules get subtle; only the outermost closing bracket may
 * stand at the block's column) and a `:` without a space in a mapping.
 * The syntax is YAML 1.2's flow collections, https://yaml.org/spec/1.2.2/#74-flow-collection-styles; a `:`
 * inside a plain word ends it only before a space or a flow indicator (§7.3.3, `ns-plain-char`).
 */

/** Thrown inside the fast reader to give up on a document; caught in `readFast`. */
export const giveUp = new Error('not for the fast path');

const SPACE = 32;
const NL = 10;
const COLON = 58;
const DASH = 45;
const COMMA = 44;
const DQUOTE = 34;
const SQUOTE = 39;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;
/** Characters that end (or, at its start, would change the meaning of) a plain word in a flow collection. */
const flowStops = ',[]{}#:\'"&*!|>%@`?';
const flowIndicators = ',[]{}';

/** A one-line quoted scalar without escapes at `at`: its value and the offset after the closing quote. */
export function quotedScalar(text: string, at: number, lineEnd: number): { value: string; stop: number } {
  const q = text.charCodeAt(at);
  let out = '';
  let from = at + 1;
  for (;;) {
    const close = text.indexOf(q === DQUOTE ? '"' : "'", from);
    if (close < 0 || close >= lineEnd) throw giveUp;
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

export class FlowReader {
  /** The end of the line the reader is on (it moves when a collection goes on past its first line). */
  lineEnd: number;

  /**
   * `text[.., end)` is the document; `lineEnd` ends the line the collection starts on; `indent` is the column of
   * the block around it (a key's or a `-`'s), which every further line must be indented past.
   */
  constructor(
    private readonly text: string,
    private readonly end: number,
    lineEnd: number,
    private readonly indent: number,
    private readonly positions: Positions,
    private readonly maxDepth: number,
  ) {
    this.lineEnd = lineEnd;
  }

  /** The flow collection at `at` (a `[` or `{`) and the offset after its closing bracket. */
  collection(at: number, entry: number, depth: number): { value: unknown; stop: number } {
    if (depth > this.maxDepth) throw giveUp;
    this.level++;
    const read =
      this.text.charCodeAt(at) === LBRACKET ? this.seq(at, entry, depth) : this.map(at, entry, depth);
    this.level--;
    return read;
  }

  /** How many collections are open. */
  private level = 0;

  private seq(at: number, entry: number, depth: number): { value: unknown[]; stop: number } {
    const { text, positions } = this;
    const out: unknown[] = [];
    let i = this.space(at + 1);
    if (text.charCodeAt(i) === RBRACKET) return { value: out, stop: i + 1 };
    for (;;) {
      const item = positions.add(entry, out.length, i);
      const { value, stop } = this.item(i, item, depth);
      out.push(value);
      i = this.space(stop);
      const c = text.charCodeAt(i);
      if (c === RBRACKET) return { value: sized(out), stop: i + 1 };
      if (c !== COMMA) throw giveUp; // `[a: b]`, `[a b]`, a comment, a missing `]`
      i = this.space(i + 1);
    }
  }

  private map(at: number, entry: number, depth: number): { value: Record<string, unknown>; stop: number } {
    const { text } = this;
    const out: Record<string, unknown> = {};
    let i = this.space(at + 1);
    if (text.charCodeAt(i) === RBRACE) return { value: out, stop: i + 1 };
    for (;;) {
      const keyAt = i;
      const keyStop = this.word(keyAt, false);
      const after = keyStop + 1 < this.lineEnd ? text.charCodeAt(keyStop + 1) : NL;
      if (text.charCodeAt(keyStop) !== COLON || (after !== SPACE && after !== NL)) throw giveUp;
      const key = interned(text, keyAt, keyStop);
      if (Object.prototype.hasOwnProperty.call(out, key) || key === '__proto__') throw giveUp;
      if (resolvePlain(key, true) !== key) throw giveUp;
      const pair = this.positions.add(entry, key, keyAt);
      const { value, stop } = this.item(this.space(keyStop + 1), pair, depth);
      out[key] = value;
      i = this.space(stop);
      const c = text.charCodeAt(i);
      if (c === RBRACE) return { value: out, stop: i + 1 };
      if (c !== COMMA) throw giveUp;
      i = this.space(i + 1);
    }
  }

  /** An item or a mapping value at `at`: a nested collection, a quoted scalar or a plain word. */
  private item(at: number, entry: number, depth: number): { value: unknown; stop: number } {
    const { text } = this;
    const c = text.charCodeAt(at);
    if (c === LBRACKET || c === LBRACE) return this.collection(at, entry, depth + 1);
    if (c === DQUOTE || c === SQUOTE) return quotedScalar(text, at, this.lineEnd);
    // A plain scalar: words separated by spaces on one line (`[a b, c]` holds `a b`).
    let stop = this.word(at, true);
    for (;;) {
      let next = stop;
      while (next < this.lineEnd && text.charCodeAt(next) === SPACE) next++;
      if (next === stop || next >= this.lineEnd || flowStops.includes(text[next])) break;
      stop = this.word(next, true);
    }
    const value = resolvePlain(interned(text, at, stop));
    if (value === invalid) throw giveUp;
    return { value, stop };
  }

  /**
   * The end of a plain word at `at`: printable ASCII without indicators, and with `colons` a `:` not followed
   * by a space or a flow indicator (`10.0.0.1:80`); gives up when the word is empty or a lone `-`.
   */
  private word(at: number, colons: boolean): number {
    const { text, lineEnd } = this;
    let i = at;
    while (i < lineEnd) {
      const c = text.charCodeAt(i);
      if (c <= SPACE || c > 126) break;
      if (c === COLON && colons && i > at && i + 1 < lineEnd) {
        const n = text.charCodeAt(i + 1);
        if (n > SPACE && n <= 126 && !flowIndicators.includes(text[i + 1])) {
          i++;
          continue;
        }
      }
      if (flowStops.includes(text[i])) break;
      i++;
    }
    if (i === at || (i === at + 1 && text.charCodeAt(at) === DASH)) throw giveUp;
    return i;
  }

  /**
   * The next non-space offset from `at`, going on to the next line at a line's end: that line must hold
   * something and be indented past the block around the collection.
   */
  private space(at: number): number {
    const { text, end } = this;
    let i = at;
    for (;;) {
      while (i < this.lineEnd && text.charCodeAt(i) === SPACE) i++;
      if (i < this.lineEnd) return i;
      if (this.lineEnd >= end) throw giveUp; // the document ends inside the collection
      const start = this.lineEnd + 1;
      let nl = text.indexOf('\n', start);
      if (nl < 0 || nl > end) nl = end;
      i = start;
      while (i < nl && text.charCodeAt(i) === SPACE) i++;
      if (i === nl || i - start < this.indent) throw giveUp;
      // At the block's own column only the outermost collection's end may stand (the package accepts it with
      // a warning, which kubetwin does not show).
      const c = text.charCodeAt(i);
      if (i - start === this.indent && !(this.level === 1 && (c === RBRACKET || c === RBRACE))) throw giveUp;
      this.lineEnd = nl;
    }
  }
}
