import { invalid, resolvePlain } from './_scalars.ts';
import { Positions } from './_positions.ts';
import { interned } from './_interned.ts';
import { sized } from '../lib/sized.ts';

/**
 * A fast reader for a document written as JSON (`kubectl get -o json`, `.json` manifests): JSON is YAML's flow
 * style, so the yaml package reads it, but 20–30× slower than a scan. This reads the values straight from the
 * text and records the same position entries as the block reader (`Positions`: a mapping entry at its key, a
 * sequence item at its first character).
 *
 * It never decides anything the yaml package would decide differently. Numbers, `true`, `false` and `null` are
 * plain scalars to YAML, so they resolve through the package's own tags under kubectl's rules (`resolvePlain`,
 * the block reader's resolution: `1e3` stays what the package makes of it, not what JSON would); strings use
 * JSON's escapes, each of which YAML's double-quoted style reads the same way (YAML 1.2 §5.7). It gives the
 * document up (the caller reads it with the package, which writes every diagnostic) on anything else: text
 * after the root, tabs or CR, control characters in strings, a key longer than YAML's 1024-character implicit
 * key or on a different line than its colon, repeated keys, `__proto__`, nesting past 64, a non-object root,
 * malformed JSON.
 */
export function readJson(
  text: string,
  start: number,
  end: number,
  positions: Positions = new Positions(),
): { value: Record<string, unknown>; positions: Positions } | undefined {
  const reader = new JsonReader(text, end, positions);
  try {
    const root = reader.positions.add(-1, '', start);
    const value = reader.object(start, root, 1);
    return reader.atEnd() ? { value, positions: reader.positions } : undefined;
  } catch (e) {
    if (e === giveUp) return undefined;
    throw e;
  }
}

const giveUp = new Error('not for the JSON path');
const maxDepth = 64;
const maxKey = 1000;

const SPACE = 32;
const NL = 10;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const LBRACKET = 91;
const RBRACKET = 93;
const LBRACE = 123;
const RBRACE = 125;

class JsonReader {
  /** The offset after the last value read. */
  private at = 0;

  constructor(
    private readonly text: string,
    private readonly end: number,
    readonly positions: Positions,
  ) {}

  /** Only spaces and newlines may follow the root (YAML comments would be an error in JSON: left to the package). */
  atEnd(): boolean {
    return this.skip(this.at) >= this.end;
  }

  /** The offset of the next non-blank character; tabs and CR give up (the block reader leaves them too). */
  private skip(i: number): number {
    const { text, end } = this;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      if (c === SPACE || c === NL) continue;
      if (c === 9 || c === 13) throw giveUp;
      break;
    }
    return i;
  }

  /** An object starting at `start` (its `{`). */
  object(start: number, entry: number, depth: number): Record<string, unknown> {
    if (depth > maxDepth || this.text.charCodeAt(start) !== LBRACE) throw giveUp;
    const { text } = this;
    const out: Record<string, unknown> = {};
    let i = this.skip(start + 1);
    if (text.charCodeAt(i) === RBRACE) {
      this.at = i + 1;
      return out;
    }
    for (;;) {
      const keyAt = i;
      if (text.charCodeAt(keyAt) !== QUOTE) throw giveUp;
      const key = this.string(keyAt);
      if (this.at - keyAt > maxKey) throw giveUp;
      if (Object.prototype.hasOwnProperty.call(out, key) || key === '__proto__') throw giveUp;
      const colon = this.skip(this.at);
      if (text.charCodeAt(colon) !== COLON || text.lastIndexOf('\n', colon) > keyAt) throw giveUp;
      const pair = this.positions.add(entry, key, keyAt);
      out[key] = this.value(this.skip(colon + 1), pair, depth);
      i = this.skip(this.at);
      const c = text.charCodeAt(i);
      if (c === RBRACE) {
        this.at = i + 1;
        return out;
      }
      if (c !== COMMA) throw giveUp;
      i = this.skip(i + 1);
    }
  }

  private array(start: number, entry: number, depth: number): unknown[] {
    if (depth > maxDepth) throw giveUp;
    const { text } = this;
    const out: unknown[] = [];
    let i = this.skip(start + 1);
    if (text.charCodeAt(i) === RBRACKET) {
      this.at = i + 1;
      return out;
    }
    for (;;) {
      const item = this.positions.add(entry, out.length, i);
      out.push(this.value(i, item, depth));
      i = this.skip(this.at);
      const c = text.charCodeAt(i);
      if (c === RBRACKET) {
        this.at = i + 1;
        return sized(out);
      }
      if (c !== COMMA) throw giveUp;
      i = this.skip(i + 1);
    }
  }

  /** The value starting at `i` (already past blanks); sets `at` after it. */
  private value(i: number, entry: number, depth: number): unknown {
    const c = this.text.charCodeAt(i);
    if (c === LBRACE) return this.object(i, entry, depth + 1);
    if (c === LBRACKET) return this.array(i, entry, depth + 1);
    if (c === QUOTE) return this.string(i);
    return this.scalar(i);
  }

  /** A number, `true`, `false` or `null`: a plain scalar to YAML, resolved as the package resolves it. */
  private scalar(i: number): unknown {
    const { text } = this;
    const stop = this.scalarEnd(i);
    const value = resolvePlain(interned(text, i, stop));
    if (value === invalid) throw giveUp;
    this.at = stop;
    return value;
  }

  /** The end of a JSON number or literal at `i`; gives up on anything else. */
  private scalarEnd(i: number): number {
    const { text } = this;
    for (const word of ['true', 'false', 'null'])
      if (text.startsWith(word, i)) return this.delimited(i + word.length);
    let j = i;
    if (text.charCodeAt(j) === 45) j++; // -
    const digits = (from: number): number => {
      let k = from;
      while (k < this.end && text.charCodeAt(k) >= 48 && text.charCodeAt(k) <= 57) k++;
      return k;
    };
    const intEnd = digits(j);
    if (intEnd === j || (text.charCodeAt(j) === 48 && intEnd > j + 1)) throw giveUp; // no digits, leading 0
    j = intEnd;
    if (text.charCodeAt(j) === 46) {
      const fracEnd = digits(j + 1);
      if (fracEnd === j + 1) throw giveUp;
      j = fracEnd;
    }
    if (text.charCodeAt(j) === 101 || text.charCodeAt(j) === 69) {
      let k = j + 1;
      if (text.charCodeAt(k) === 43 || text.charCodeAt(k) === 45) k++;
      const expEnd = digits(k);
      if (expEnd === k) throw giveUp;
      j = expEnd;
    }
    return this.delimited(j);
  }

  /** A scalar must end at a blank, `,`, `]` or `}` (else it is not JSON: left to the package). */
  private delimited(j: number): number {
    const c = this.text.charCodeAt(j);
    if (j < this.end && c !== SPACE && c !== NL && c !== COMMA && c !== RBRACKET && c !== RBRACE)
      throw giveUp;
    return j;
  }

  /** A string at `i` (its opening quote), on one line; sets `at` after the closing quote. */
  private string(i: number): string {
    const { text } = this;
    let escaped = false;
    let j = i + 1;
    for (; j < this.end; j++) {
      const c = text.charCodeAt(j);
      if (c === QUOTE) break;
      if (c < SPACE) throw giveUp; // raw control characters and line breaks: not JSON
      if (c === BACKSLASH) {
        escaped = true;
        j++;
      }
    }
    if (j >= this.end) throw giveUp;
    this.at = j + 1;
    if (!escaped) return interned(text, i + 1, j);
    // JSON's escapes (\" \\ \/ \b \f \n \r \t \uXXXX) mean the same in YAML's double-quoted style.
    try {
      return JSON.parse(text.slice(i, j + 1)) as string;
    } catch {
      throw giveUp;
    }
  }
}
