import type { Labels } from '../../lib/labels.ts';

/**
 * Up to this many selector keys, a label part (and a `ClassIndex` posting) reads each key from the labels
 * instead of walking the labels' own keys and sorting the ones selectors read. Pods carry about three labels:
 * with a few keys the lookups win; with ten (the random-label clusters) the walk does.
 */
export const FEW_KEYS = 4;

/** A hash of a part's `n` pair numbers; tests pass a constant one, so that only the comparison decides. */
export type PairsHash = (pairs: Int32Array, n: number) => number;

/**
 * The label parts of pods' labels objects, numbered in first-use order: two labels objects share a part exactly
 * when they have the same value for every key selectors read (`keys`), and the same keys absent — what a class
 * needs of its pods' labels, since selectors read nothing else
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors).
 *
 * Each (key, value) pair is numbered once (a key's number is its rank among the sorted keys; a value's, per key,
 * in first-use order), so a part is a short list of integers in key order. Parts are found in an open-addressing
 * table of integers: a slot holds a part's number, each part its hash and its pair numbers in flat typed arrays.
 * No label string is hashed or compared after its pair is numbered; the strings and the per-part `Map` entries
 * the table replaces were most of the part's cost on the random-label family, where nearly every pod has its own
 * part (design note 0008, fifteenth session).
 */
export class LabelParts {
  /** The selector keys in order when they are few (the realistic case), else undefined: the labels are read. */
  readonly #sortedKeys?: readonly string[];
  /** Selector key → its rank among the sorted keys. */
  readonly #keyRank = new Map<string, number>();
  /** Per key rank: value → pair number. */
  readonly #pairOf: Map<string, number>[] = [];
  #pairs = 0;
  readonly #hash: PairsHash;
  /** Slots of the table: part number + 1, 0 when free; a power of two long, at most half full. */
  #slots = new Int32Array(1024);
  /** Per part p: its hash, and its pair numbers at `#items[#start[p]..#start[p + 1]]`. */
  #hashes = new Int32Array(512);
  #start = new Int32Array(513);
  #items = new Int32Array(2048);
  #size = 0;
  /** One labels object's pair numbers (and their key ranks, for ordering) while it is looked up. */
  #k = new Int32Array(8);
  #v = new Int32Array(8);

  constructor(keys: ReadonlySet<string>, hash: PairsHash = hashPairs) {
    const sorted = [...keys].sort();
    sorted.forEach((key, rank) => {
      this.#keyRank.set(key, rank);
      this.#pairOf.push(new Map());
    });
    this.#sortedKeys = keys.size <= FEW_KEYS ? sorted : undefined;
    this.#hash = hash;
  }

  /** How many parts were met. */
  get size(): number {
    return this.#size;
  }

  /** How many (key, value) pairs were numbered: pair numbers run from 0 to `pairs - 1`. */
  get pairs(): number {
    return this.#pairs;
  }

  /**
   * The number of the pair (key, value) as the parts hold it, or -1 when no labels object met had it (or the key
   * is not a selector key): a selector's `key = value` requirement selects exactly the parts holding that pair.
   * A function that holds only the pair numbering (a few small maps), not the parts' table: what an index that
   * outlives the classes' build keeps.
   */
  pairNumbers(): (key: string, value: string) => number {
    const keyRank = this.#keyRank;
    const pairOf = this.#pairOf;
    return (key, value) => {
      const rank = keyRank.get(key);
      return rank === undefined ? -1 : (pairOf[rank].get(value) ?? -1);
    };
  }

  /**
   * Part p's pair numbers, in key order, are `items[start[p]..start[p + 1]]` of `partPairs()` (read them after
   * every `idOf`: a new part may move them).
   */
  partPairs(): { readonly start: Int32Array; readonly items: Int32Array } {
    return { start: this.#start, items: this.#items };
  }

  /** The part of a labels object (a new number when no labels met before have the same values). */
  idOf(labels: Labels): number {
    let n = 0;
    if (this.#sortedKeys) {
      // Few selector keys: read them in order (no walk over the labels' own keys).
      const keys = this.#sortedKeys;
      for (let rank = 0; rank < keys.length; rank++) {
        const key = keys[rank];
        const value = labels[key];
        if (typeof value === 'string' && Object.hasOwn(labels, key)) n = this.#add(n, rank, value);
      }
    } else {
      for (const key in labels) {
        const rank = this.#keyRank.get(key);
        if (rank !== undefined) n = this.#add(n, rank, `${labels[key]}`);
      }
    }
    const v = this.#v;
    const h = this.#hash(v, n) | 0;
    const mask = this.#slots.length - 1;
    for (let at = h & mask; ; at = (at + 1) & mask) {
      const slot = this.#slots[at];
      if (slot === 0) {
        const id = this.#insert(h, n);
        this.#slots[at] = id + 1;
        if (this.#size * 2 > this.#slots.length) this.#grow();
        return id;
      }
      if (this.#hashes[slot - 1] === h && this.#same(slot - 1, n)) return slot - 1;
    }
  }

  /**
   * Adds the pair (key `rank`, `value`) to the `n` pairs of the labels being looked up, in key order (an insertion
   * step: labels usually come with their keys sorted, the model's always do); returns the new count.
   */
  #add(n: number, rank: number, value: string): number {
    if (n === this.#k.length) {
      this.#k = grown(this.#k, n * 2);
      this.#v = grown(this.#v, n * 2);
    }
    const byValue = this.#pairOf[rank];
    let pair = byValue.get(value);
    if (pair === undefined) byValue.set(value, (pair = this.#pairs++));
    const k = this.#k;
    const v = this.#v;
    let at = n;
    for (; at > 0 && k[at - 1] > rank; at--) {
      k[at] = k[at - 1];
      v[at] = v[at - 1];
    }
    k[at] = rank;
    v[at] = pair;
    return n + 1;
  }

  /** Records the `n` pairs being looked up as a new part with hash `h`; returns its number. */
  #insert(h: number, n: number): number {
    const id = this.#size++;
    if (id === this.#hashes.length) {
      this.#hashes = grown(this.#hashes, id * 2);
      this.#start = grown(this.#start, id * 2 + 1);
    }
    const from = this.#start[id];
    if (from + n > this.#items.length)
      this.#items = grown(this.#items, Math.max(from + n, this.#items.length * 2));
    this.#items.set(this.#v.subarray(0, n), from);
    this.#start[id + 1] = from + n;
    this.#hashes[id] = h;
    return id;
  }

  /** Doubles the table and places every part again by its stored hash. */
  #grow(): void {
    const slots = new Int32Array(this.#slots.length * 2);
    const mask = slots.length - 1;
    for (let p = 0; p < this.#size; p++) {
      let at = this.#hashes[p] & mask;
      while (slots[at] !== 0) at = (at + 1) & mask;
      slots[at] = p + 1;
    }
    this.#slots = slots;
  }

  /** Does part `p` hold exactly the `n` pairs being looked up? */
  #same(p: number, n: number): boolean {
    const from = this.#start[p];
    if (this.#start[p + 1] - from !== n) return false;
    const items = this.#items;
    const v = this.#v;
    for (let i = 0; i < n; i++) if (items[from + i] !== v[i]) return false;
    return true;
  }
}

/** A copy of `a` with room for `length` entries. */
function grown(a: Int32Array, length: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(length);
  b.set(a);
  return b;
}

/** A multiplicative mix of the pair numbers (each a small integer), closed by the count. */
function hashPairs(pairs: Int32Array, n: number): number {
  let h = 0x9e3779b9 | 0;
  for (let i = 0; i < n; i++) h = Math.imul((h ^ pairs[i]) + 0x7f4a7c15, 0x85ebca6b) ^ (h >>> 15);
  h = Math.imul(h ^ n, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
