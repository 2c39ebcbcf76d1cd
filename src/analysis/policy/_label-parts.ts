import type { Labels } from '../../lib/labels.ts';

/**
 * Up to this many selector keys, a label part (and a `ClassIndex` posting) reads each key from the labels
 * instead of walking the labels' own keys and sorting the ones selectors read. Pods carry about three labels:
 * with a few keys the lookups win; with ten (the random-label clusters) the walk does.
 */
export const FEW_KEYS = 4;

/** A content hash of `n` (key, value) pairs; tests pass a constant one, so that only the comparison decides. */
export type PairsHash = (keys: readonly string[], values: readonly string[], n: number) => number;

/**
 * The label parts of pods' labels objects, numbered in first-use order: two labels objects share a part exactly
 * when they have the same value for every key selectors read (`keys`), and the same keys absent. A part is found
 * by a hash of its keys' and values' characters, then compared pair by pair with the first labels of each part
 * of that hash — no signature string per labels object. Strings were most of the part's cost on the random-label
 * family, where nearly every pod has its own part: a `key=value` string built and hashed per pod (design note
 * 0008, thirteenth session).
 */
export class LabelParts {
  /** The selector keys in order when they are few (the realistic case), else undefined: the labels are read. */
  readonly #sortedKeys?: readonly string[];
  readonly #keySet: ReadonlySet<string>;
  readonly #hash: PairsHash;
  /** Hash → the part (or parts, on a collision) whose first labels had it. */
  readonly #byHash = new Map<number, number | number[]>();
  /** Per part p: its keys, sorted, and their values at `#start[p]..#start[p + 1]`. */
  readonly #start: number[] = [0];
  readonly #keys: string[] = [];
  readonly #values: string[] = [];
  /** One labels object's pairs while it is looked up. */
  readonly #k: string[] = [];
  readonly #v: string[] = [];

  constructor(keys: ReadonlySet<string>, hash: PairsHash = hashPairs) {
    this.#keySet = keys;
    this.#sortedKeys = keys.size <= FEW_KEYS ? [...keys].sort() : undefined;
    this.#hash = hash;
  }

  /** How many parts were met. */
  get size(): number {
    return this.#start.length - 1;
  }

  /** The part of a labels object (a new number when no labels met before have the same values). */
  idOf(labels: Labels): number {
    const k = this.#k;
    const v = this.#v;
    let n = 0;
    if (this.#sortedKeys) {
      // Few selector keys: read them in order (no key list to build and sort per labels object).
      for (const key of this.#sortedKeys) {
        const value = labels[key];
        if (typeof value === 'string' && Object.hasOwn(labels, key)) {
          k[n] = key;
          v[n++] = value;
        }
      }
    } else {
      // The keys selectors read, in order: an insertion sort into the scratch lists (a pod carries a few labels).
      for (const key in labels) {
        if (!this.#keySet.has(key)) continue;
        const value = `${labels[key]}`;
        let at = n++;
        for (; at > 0 && k[at - 1] > key; at--) {
          k[at] = k[at - 1];
          v[at] = v[at - 1];
        }
        k[at] = key;
        v[at] = value;
      }
    }
    const h = this.#hash(k, v, n);
    const found = this.#byHash.get(h);
    if (typeof found === 'number') {
      if (this.#same(found, n)) return found;
    } else if (found) for (const p of found) if (this.#same(p, n)) return p;
    const id = this.size;
    for (let i = 0; i < n; i++) {
      this.#keys.push(k[i]);
      this.#values.push(v[i]);
    }
    this.#start.push(this.#keys.length);
    if (found === undefined) this.#byHash.set(h, id);
    else if (typeof found === 'number') this.#byHash.set(h, [found, id]);
    else found.push(id);
    return id;
  }

  /** Does part `p` hold exactly the `n` pairs being looked up? */
  #same(p: number, n: number): boolean {
    const from = this.#start[p];
    if (this.#start[p + 1] - from !== n) return false;
    for (let i = 0; i < n; i++)
      if (this.#keys[from + i] !== this.#k[i] || this.#values[from + i] !== this.#v[i]) return false;
    return true;
  }
}

/** FNV-1a over each key's and value's UTF-16 code units, each string closed by its length; a small integer. */
function hashPairs(keys: readonly string[], values: readonly string[], n: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < n; i++) {
    const key = keys[i];
    for (let c = 0; c < key.length; c++) h = Math.imul(h ^ key.charCodeAt(c), 0x01000193);
    h = Math.imul(h ^ key.length, 0x01000193);
    const value = values[i];
    for (let c = 0; c < value.length; c++) h = Math.imul(h ^ value.charCodeAt(c), 0x01000193);
    h = Math.imul(h ^ value.length, 0x01000193);
  }
  return h & 0x3fffffff;
}
