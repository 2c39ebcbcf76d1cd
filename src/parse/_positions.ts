import type { PathSegment } from './raw-object.ts';

/**
 * The positions of one document's nodes, as `locate` needs them and no more: one entry per mapping entry (at
 * its key) and per sequence item (at the item), with its parent entry and its key or index. A mapping entry
 * stands for its value, so the entries below a value have the entry as their parent; an alias has none below
 * it (the full reader's lookup stops at an alias too). Entry 0 is the root.
 */
export class Positions {
  private readonly offsets: number[] = [];
  private readonly parents: number[] = [];
  private readonly keys: PathSegment[] = [];

  /** Adds an entry; returns its index. */
  add(parent: number, key: PathSegment, offset: number): number {
    this.parents.push(parent);
    this.keys.push(key);
    return this.offsets.push(offset) - 1;
  }

  /** Per entry, the index after its subtree (computed on the first lookup): siblings are skipped over. */
  private ends: Int32Array | undefined;
  /**
   * Children of entries with many children (a List's items), by key, built on the first lookup into them: a
   * sequence's items as an array by index (4 bytes an item: a million-item flow sequence stays small), a
   * mapping's entries as a map.
   */
  private readonly wide = new Map<number, Map<PathSegment, number> | Int32Array>();

  /**
   * Offset of the deepest entry on `path` (the key, for mapping entries), as the full reader's lookup finds
   * it: a mapping matches a segment by its text, a sequence only a numeric segment.
   */
  offsetOf(path: readonly PathSegment[]): number | undefined {
    const { offsets } = this;
    if (offsets.length === 0) return undefined;
    let at = 0;
    for (const seg of path) {
      const found = this.child(at, seg);
      if (found < 0) break;
      at = found;
    }
    return offsets[at];
  }

  private child(at: number, seg: PathSegment): number {
    const ends = (this.ends ??= this.subtreeEnds());
    const { keys } = this;
    const wide = this.wide.get(at);
    if (wide instanceof Int32Array) return typeof seg === 'number' ? (wide[seg] ?? -1) : -1;
    if (wide) {
      const j = typeof seg === 'number' ? (wide.get(seg) ?? wide.get(String(seg))) : wide.get(seg);
      return j === undefined || !matches(keys[j], seg) ? -1 : j;
    }
    let hops = 0;
    let found = -1;
    for (let j = at + 1; j < ends[at]; j = ends[j], hops++)
      if (found < 0 && matches(keys[j], seg)) {
        found = j;
        if (hops < 32) return j;
      }
    if (hops >= 32) this.wide.set(at, this.sequenceItems(at, hops) ?? this.byKey(at));
    return found;
  }

  /** The `count` children of `at` by index, when they are a sequence's items (keys 0, 1, 2, …). */
  private sequenceItems(at: number, count: number): Int32Array | undefined {
    const { keys, ends } = this;
    const items = new Int32Array(count);
    let k = 0;
    for (let j = at + 1; j < ends![at]; j = ends![j], k++) {
      if (keys[j] !== k) return undefined;
      items[k] = j;
    }
    return items;
  }

  /** The children of `at` by key, the first of each key. */
  private byKey(at: number): Map<PathSegment, number> {
    const { keys, ends } = this;
    const byKey = new Map<PathSegment, number>();
    for (let j = at + 1; j < ends![at]; j = ends![j]) if (!byKey.has(keys[j])) byKey.set(keys[j], j);
    return byKey;
  }

  private subtreeEnds(): Int32Array {
    const { parents } = this;
    const ends = new Int32Array(parents.length);
    for (let j = 0; j < ends.length; j++) ends[j] = j + 1;
    for (let j = ends.length - 1; j > 0; j--) if (ends[j] > ends[parents[j]]) ends[parents[j]] = ends[j];
    return ends;
  }
}

/** A mapping entry matches a segment by its text; a sequence item only a numeric segment. */
const matches = (key: PathSegment, seg: PathSegment): boolean =>
  typeof key === 'number' ? key === seg : key === (typeof seg === 'string' ? seg : String(seg));

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
