import type { PathSegment } from './raw-object.ts';

/**
 * The position entries of one file's documents, appended as the fast reader reads each (see `Positions`, one
 * document's view of it): 16 bytes an entry (offset, parent, key code, subtree end) in four typed arrays shared by
 * every document of the file, plus one string per mapping key. One table per file instead of one per document:
 * four typed arrays, their buffers, a key array and a map per document were ~1 KB of heap each (41,000 documents at
 * 150k pods), all of it live until the build ends and copied by the young-generation collector on the way
 * (design note 0006, Decision 14).
 */
export class PositionTable {
  offsets: Int32Array;
  parents: Int32Array;
  /** A sequence item's index (≥ 0), or `-1 - i` for the mapping key `names[i]`. */
  codes: Int32Array;
  /** Per entry, the index after its subtree; filled per document on its first lookup (`Positions.child`). */
  ends: Int32Array;
  /**
   * The distinct mapping keys, each once (`nameIds` finds it): a few hundred names for the ~0.9M keys of a 150k-pod
   * file, which an array of one name per entry held, grown by `push` in old space and pointing at young strings,
   * i.e. in the young collector's remembered set (design note 0006, Decision 16).
   */
  readonly names: string[] = [];
  private readonly nameIds = new Map<string, number>();
  count = 0;

  /**
   * `capacity` entries to start with; past it the arrays double. A file's reader sizes it from the file's lines
   * (`capacityForLines`) so that the arrays are made once instead of doubled from 256 about a dozen times.
   */
  constructor(capacity = 256) {
    const n = Math.max(16, Math.ceil(capacity));
    this.offsets = new Int32Array(n);
    this.parents = new Int32Array(n);
    this.codes = new Int32Array(n);
    this.ends = new Int32Array(n);
  }

  /**
   * The entries a file of `lines` lines usually needs: one per mapping key and per sequence item, i.e. about one a
   * line plus one more for each `- key:` line (1.16 a line in the generated clusters of 10k–150k pods, 1.1M
   * entries for 960k lines at 150k). A quarter more than the lines; a file needing more still grows by doubling.
   */
  static capacityForLines(lines: number): number {
    return lines + (lines >> 2) + 64;
  }

  /** Adds an entry (its parent as an index of this table, -1 for a root); returns its index. */
  add(parent: number, key: PathSegment, offset: number): number {
    if (this.count === this.offsets.length) this.grow();
    const j = this.count++;
    this.parents[j] = parent;
    this.offsets[j] = offset;
    this.codes[j] = typeof key === 'number' && key >= 0 ? key : -1 - this.nameId(String(key));
    return j;
  }

  private nameId(name: string): number {
    let id = this.nameIds.get(name);
    if (id === undefined) this.nameIds.set(name, (id = this.names.push(name) - 1));
    return id;
  }

  /** Drops the entries from `count` on (a document the reader gave up on); the names stay, unreferenced. */
  truncate(count: number): void {
    this.count = count;
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
    this.ends = twice(this.ends);
  }
}

/**
 * The positions of one document's nodes, as `locate` needs them and no more: one entry per mapping entry (at
 * its key) and per sequence item (at the item), with its parent entry and its key or index. A mapping entry
 * stands for its value, so the entries below a value have the entry as their parent; an alias has none below
 * it (the full reader's lookup stops at an alias too). Entry 0 is the root.
 *
 * The entries live in the file's `PositionTable` from `base` on (a document's are contiguous: documents are read
 * one after another, and one given up is `discard`ed before the next starts).
 */
export class Positions {
  private readonly base: number;
  private count = 0;
  /** Whether the table's `ends` hold this document's subtree ends (computed on the first lookup below the root). */
  private endsReady = false;

  constructor(private readonly table: PositionTable = new PositionTable()) {
    this.base = table.count;
  }

  /** Adds an entry (`parent` an index of this document, -1 for the root); returns its index. */
  add(parent: number, key: PathSegment, offset: number): number {
    this.table.add(parent < 0 ? -1 : this.base + parent, key, offset);
    return this.count++;
  }

  /** Removes this document's entries from the table (the reader gave the document up). */
  discard(): void {
    this.table.truncate(this.base);
    this.count = 0;
  }

  /** Whether entry `j`'s key matches `seg`: a mapping entry by its text, a sequence item only a numeric segment. */
  private matches(j: number, seg: PathSegment): boolean {
    const code = this.table.codes[this.base + j];
    if (code >= 0) return code === seg;
    return this.table.names[-1 - code] === (typeof seg === 'string' ? seg : String(seg));
  }

  /**
   * Children of entries with many children (a List's items), by key, built on the first lookup into them: a
   * sequence's items as an array by index (4 bytes an item: a million-item flow sequence stays small), a
   * mapping's entries as a map.
   */
  private wide: Map<number, Map<string, number> | Int32Array> | undefined;

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
    return this.table.offsets[this.base + at];
  }

  /** The end of entry `j`'s subtree, as an index of this document. */
  private end(j: number): number {
    if (!this.endsReady) this.subtreeEnds();
    return this.table.ends[this.base + j] - this.base;
  }

  private child(at: number, seg: PathSegment): number {
    const wide = this.wide?.get(at);
    if (wide instanceof Int32Array) return typeof seg === 'number' ? (wide[seg] ?? -1) : -1;
    if (wide) return wide.get(String(seg)) ?? -1;
    let hops = 0;
    let found = -1;
    const last = this.end(at);
    for (let j = at + 1; j < last; j = this.end(j), hops++)
      if (found < 0 && this.matches(j, seg)) {
        found = j;
        if (hops < 32) return j;
      }
    if (hops >= 32) (this.wide ??= new Map()).set(at, this.sequenceItems(at, hops) ?? this.byKey(at));
    return found;
  }

  /** The `count` children of `at` by index, when they are a sequence's items (keys 0, 1, 2, …). */
  private sequenceItems(at: number, count: number): Int32Array | undefined {
    const { codes } = this.table;
    const items = new Int32Array(count);
    let k = 0;
    for (let j = at + 1; j < this.end(at); j = this.end(j), k++) {
      if (codes[this.base + j] !== k) return undefined;
      items[k] = j;
    }
    return items;
  }

  /** The children of `at` that are mapping entries, by key text, the first of each key. */
  private byKey(at: number): Map<string, number> {
    const { codes, names } = this.table;
    const byKey = new Map<string, number>();
    for (let j = at + 1; j < this.end(at); j = this.end(j)) {
      const code = codes[this.base + j];
      const name = code < 0 ? names[-1 - code] : undefined;
      if (name !== undefined && !byKey.has(name)) byKey.set(name, j);
    }
    return byKey;
  }

  /** Fills the table's `ends` for this document's entries (indexes of the table). */
  private subtreeEnds(): void {
    const { parents, ends } = this.table;
    const first = this.base;
    const stop = this.base + this.count;
    for (let j = first; j < stop; j++) ends[j] = j + 1;
    for (let j = stop - 1; j > first; j--) if (ends[j] > ends[parents[j]]) ends[parents[j]] = ends[j];
    this.endsReady = true;
  }
}

/** Line starts of a text, for turning offsets into 1-based line and column (as the yaml package's LineCounter). */
export class LineIndex {
  /**
   * One typed array off the heap (960k lines at 150k pods), not a growing array of numbers. Filled in one scan of
   * the text, from a first guess of a line per 32 characters (doubled when short, trimmed at the end), instead of
   * a scan to count the lines and a second to fill them (design note 0006, Decision 19).
   */
  private readonly starts: Int32Array;

  /** The number of lines (one more than the line feeds). */
  get count(): number {
    return this.starts.length;
  }

  constructor(text: string) {
    let starts = new Int32Array((text.length >> 5) + 64);
    let lines = 1; // starts[0] = 0: the first line
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
      if (lines === starts.length) {
        const twice = new Int32Array(lines * 2);
        twice.set(starts);
        starts = twice;
      }
      starts[lines++] = i + 1;
    }
    this.starts = starts.slice(0, lines);
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
