import type { PathSegment } from './raw-object.ts';

/**
 * The positions of one document's nodes, as `locate` needs them and no more: one entry per mapping entry (at
 * its key) and per sequence item (at the item), with its parent entry and its key or index. A mapping entry
 * stands for its value, so the entries below a value have the entry as their parent; an alias has none below
 * it (the full reader's lookup stops at an alias too). Entry 0 is the root.
 *
 * Stored in typed arrays, 12 bytes an entry (offset, parent, key code) plus the text of each mapping key: a
 * million-item sequence costs 12 MB, where three arrays of JavaScript values cost about 30 MB.
 */
export class Positions {
  private offsets = new Int32Array(16);
  private parents = new Int32Array(16);
  /** A sequence item's index (≥ 0), or `-1 - i` for the mapping key `names[i]`. */
  private codes = new Int32Array(16);
  private readonly names: string[] = [];
  private count = 0;

  /** Adds an entry; returns its index. */
  add(parent: number, key: PathSegment, offset: number): number {
    if (this.count === this.offsets.length) this.grow();
    const j = this.count++;
    this.parents[j] = parent;
    this.offsets[j] = offset;
    this.codes[j] = typeof key === 'number' && key >= 0 ? key : -1 - (this.names.push(String(key)) - 1);
    return j;
  }

  private grow(): void {
    const twice = (a: Int32Array) => {
      const b = new Int32Array(a.length * 2);
      b.set(a);
      return b;
    };
    this.offsets = twice(this.offsets);
    this.parents = twice(this.parents);
    this.codes = twice(this.codes);
  }

  /** Whether entry `j`'s key matches `seg`: a mapping entry by its text, a sequence item only a numeric segment. */
  private matches(j: number, seg: PathSegment): boolean {
    const code = this.codes[j];
    if (code >= 0) return code === seg;
    return this.names[-1 - code] === (typeof seg === 'string' ? seg : String(seg));
  }

  /** Per entry, the index after its subtree (computed on the first lookup): siblings are skipped over. */
  private ends: Int32Array | undefined;
  /**
   * Children of entries with many children (a List's items), by key, built on the first lookup into them: a
   * sequence's items as an array by index (4 bytes an item: a million-item flow sequence stays small), a
   * mapping's entries as a map.
   */
  private readonly wide = new Map<number, Map<string, number> | Int32Array>();

  /**
   * Offset of the deepest entry on `path` (the key, for mapping entries), as the full reader's lookup finds
   * it: a mapping matches a segment by its text, a sequence only a numeric segment.
   */
  offsetOf(path: readonly PathSegment[]): number | undefined {
    if (this.count === 0) return undefined;
    let at = 0;
    for (const seg of path) {
      const found = this.child(at, seg);
      if (found < 0) break;
      at = found;
    }
    return this.offsets[at];
  }

  private child(at: number, seg: PathSegment): number {
    const ends = (this.ends ??= this.subtreeEnds());
    const wide = this.wide.get(at);
    if (wide instanceof Int32Array) return typeof seg === 'number' ? (wide[seg] ?? -1) : -1;
    if (wide) return wide.get(String(seg)) ?? -1;
    let hops = 0;
    let found = -1;
    for (let j = at + 1; j < ends[at]; j = ends[j], hops++)
      if (found < 0 && this.matches(j, seg)) {
        found = j;
        if (hops < 32) return j;
      }
    if (hops >= 32) this.wide.set(at, this.sequenceItems(at, hops) ?? this.byKey(at));
    return found;
  }

  /** The `count` children of `at` by index, when they are a sequence's items (keys 0, 1, 2, …). */
  private sequenceItems(at: number, count: number): Int32Array | undefined {
    const { codes, ends } = this;
    const items = new Int32Array(count);
    let k = 0;
    for (let j = at + 1; j < ends![at]; j = ends![j], k++) {
      if (codes[j] !== k) return undefined;
      items[k] = j;
    }
    return items;
  }

  /** The children of `at` that are mapping entries, by key text, the first of each key. */
  private byKey(at: number): Map<string, number> {
    const { codes, ends, names } = this;
    const byKey = new Map<string, number>();
    for (let j = at + 1; j < ends![at]; j = ends![j]) {
      const name = codes[j] < 0 ? names[-1 - codes[j]] : undefined;
      if (name !== undefined && !byKey.has(name)) byKey.set(name, j);
    }
    return byKey;
  }

  private subtreeEnds(): Int32Array {
    const { parents, count } = this;
    const ends = new Int32Array(count);
    for (let j = 0; j < count; j++) ends[j] = j + 1;
    for (let j = count - 1; j > 0; j--) if (ends[j] > ends[parents[j]]) ends[parents[j]] = ends[j];
    return ends;
  }
}

/** Line starts of a text, for turning offsets into 1-based line and column (as the yaml package's LineCounter). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  /** The 0-based line of an offset. */
  lineOf(offset: number): number {
    let low = 0;
    let high = this.starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (offset < this.starts[mid]) high = mid;
      else low = mid + 1;
    }
    return low - 1;
  }

  /**
   * `lineOf(offset)` searched from line `from` onward (galloping, then halving): a document's fields are near its
   * first line, so a lookup touches a few neighbouring entries instead of halving the whole file's index. Any
   * `from` gives the same answer; one past the offset falls back to the whole search.
   */
  lineFrom(offset: number, from: number): number {
    const { starts } = this;
    if (from < 0 || from >= starts.length || starts[from] > offset) return this.lineOf(offset);
    let low = from;
    let step = 1;
    while (low + step < starts.length && starts[low + step] <= offset) {
      low += step;
      step *= 2;
    }
    let high = Math.min(low + step, starts.length);
    while (high - low > 1) {
      const mid = (low + high) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid;
    }
    return low;
  }

  /** The offset where a 0-based line starts. */
  startOf(line: number): number {
    return this.starts[line];
  }

  linePos(offset: number): { line: number; col: number } {
    const line = this.lineOf(offset);
    return { line: line + 1, col: offset - this.starts[line] + 1 };
  }
}
