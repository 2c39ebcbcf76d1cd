import { matches, type Selector } from '../../lib/labels.ts';
import type { ClassLabelParts, PodClass } from './_classes.ts';
import { FEW_KEYS } from './_label-parts.ts';

const EMPTY = new Int32Array(0);

/**
 * Pod classes by namespace and label, for selecting with label selectors: the equality requirements
 * (`matchLabels`, single-value `In`) intersect sorted posting lists of class ids; only the other requirements
 * are checked with `matches`, on what the intersection left. Same answers as `matches` over every class
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors).
 */
export class ClassIndex {
  /** namespace → the number of the list of its classes. */
  readonly #all = new Map<string, number>();
  /** namespace → key → value → the number of its list (nested maps: no `key=value` string per class or lookup). */
  readonly #postings = new Map<string, Map<string, Map<string, number>>>();
  /** With the classes' label parts: namespace → pair number → the number of its list; the parts number pairs. */
  readonly #byPair = new Map<string, Map<number, number>>();
  readonly #pairOf?: (key: string, value: string) => number;
  /** Every list's sorted class ids, list `l` at `#ids[#start[l]..#start[l + 1]]`. */
  readonly #start: Int32Array;
  readonly #ids: Int32Array;
  readonly #views: (Int32Array | undefined)[];
  readonly #classes: readonly PodClass[];
  /** The label keys with postings (undefined: every key); requirements on other keys are checked by `matches`. */
  readonly #keys?: ReadonlySet<string>;

  /**
   * Indexes the classes `include` accepts (class ids ascending within each namespace), with postings for the
   * label `keys` (the keys selectors read: a class's other labels are those of its first pod only, and a posting
   * per class label was most of the index's cost). Counted, then filled: every posting list is a range of one
   * `Int32Array` (`#ids`), handed out as a view on first ask — no growing array and no buffer per list
   * (design note 0008, fourteenth session). The count's own scratch (each posting's list, each list's count, each
   * class's posting count) is typed arrays, grown by doubling: as `number[]`s grown by `push`, every step of their
   * growth at 100k classes was an object past V8's regular size, filling the young generation, and the live ones
   * moved to the old generation at the next scavenge (fifteenth session: the index's step grew the old generation
   * by ~30 MB a random-label compile, ~0 now).
   *
   * With `labels` (the classes' label parts, `buildClasses`, over the same `keys`), a class's postings are its
   * part's pair numbers: no label of a class is read again, and a list is found by (namespace, pair number) — a
   * class's part holds exactly its (key, value) pairs of the read keys (sixteenth session).
   */
  constructor(
    classes: readonly PodClass[],
    include: (c: PodClass) => boolean,
    options: { readonly keys?: ReadonlySet<string>; readonly labels?: ClassLabelParts } = {},
  ) {
    const { keys, labels: parts } = options;
    this.#classes = classes;
    this.#keys = keys;
    this.#pairOf = keys && parts?.parts.pairNumbers();
    const sortedKeys = keys && keys.size <= FEW_KEYS ? [...keys] : undefined;
    // Pass 1: a number per list (a namespace's every class, or one of its (key, value) pairs); per posting, in
    // class order, its list's number; per indexed class, its id and how many postings it has.
    let counts = new Int32Array(1024);
    let lists = 0;
    let listOf = new Int32Array(Math.max(1024, classes.length * 2));
    let n = 0;
    const indexed = new Int32Array(classes.length);
    const postings = new Int32Array(classes.length);
    let m = 0;
    const newList = (): number => {
      if (lists === counts.length) counts = grown(counts);
      return lists++;
    };
    const add = (list: number) => {
      if (n === listOf.length) listOf = grown(listOf);
      listOf[n++] = list;
      counts[list]++;
    };
    let ns = '';
    let allOfNs = -1;
    let byKey = new Map<string, Map<string, number>>();
    let byPair = new Map<number, number>();
    const pairs = this.#pairOf && parts!.parts.partPairs();
    const partOf = parts?.partOf;
    const post = (k: string, v: string) => {
      let byValue = byKey.get(k);
      if (!byValue) byKey.set(k, (byValue = new Map()));
      let list = byValue.get(v);
      if (list === undefined) byValue.set(v, (list = newList()));
      add(list);
    };
    for (const c of classes) {
      if (!include(c)) continue;
      if (c.namespace !== ns || allOfNs < 0) {
        ns = c.namespace;
        let all = this.#all.get(ns);
        if (all === undefined) {
          this.#all.set(ns, (all = newList()));
          this.#postings.set(ns, new Map());
          this.#byPair.set(ns, new Map());
        }
        allOfNs = all;
        byKey = this.#postings.get(ns)!;
        byPair = this.#byPair.get(ns)!;
      }
      const n0 = n;
      add(allOfNs);
      const labels = c.labels;
      if (pairs) {
        const part = partOf![c.id];
        for (let i = pairs.start[part]; i < pairs.start[part + 1]; i++) {
          const pair = pairs.items[i];
          let list = byPair.get(pair);
          if (list === undefined) byPair.set(pair, (list = newList()));
          add(list);
        }
      } else if (sortedKeys) {
        // Few keys: read each from the labels (no walk over every label of the class).
        for (const k of sortedKeys) {
          const v = labels[k];
          if (typeof v === 'string' && Object.hasOwn(labels, k)) post(k, v);
        }
      } else
        for (const k in labels) {
          if (keys && !keys.has(k)) continue;
          post(k, labels[k]);
        }
      indexed[m] = c.id;
      postings[m++] = n - n0;
    }
    // Pass 2: lists laid out one after the other, each filled in class order.
    const start = new Int32Array(lists + 1);
    for (let l = 0; l < lists; l++) start[l + 1] = start[l] + counts[l];
    const ids = new Int32Array(n);
    const at = start.slice(0, lists);
    for (let i = 0, p = 0; i < m; i++) {
      const id = indexed[i];
      for (const end = p + postings[i]; p < end; p++) ids[at[listOf[p]]++] = id;
    }
    // Class ids come in the order of `classes`; a list is sorted only when that order is not ascending.
    for (let l = 0; l < lists; l++)
      for (let i = start[l] + 1; i < start[l + 1]; i++)
        if (ids[i] < ids[i - 1]) {
          ids.subarray(start[l], start[l + 1]).sort();
          break;
        }
    this.#start = start;
    this.#ids = ids;
    this.#views = new Array<Int32Array | undefined>(lists).fill(undefined);
  }

  /** List `l` as a view of `#ids` (made on first ask). */
  #list(l: number): Int32Array {
    return (this.#views[l] ??= this.#ids.subarray(this.#start[l], this.#start[l + 1]));
  }

  /** Ids of the indexed classes of `namespace` the selector selects, sorted. */
  select(namespace: string, selector: Selector): Int32Array {
    const allList = this.#all.get(namespace);
    if (selector.nothing || allList === undefined) return EMPTY;
    const reqs = selector.requirements;
    const byKey = this.#postings.get(namespace);
    let rest = false;
    let lists: Int32Array[] | undefined;
    let one: Int32Array | undefined;
    for (let i = 0; i < reqs.length; i++) {
      const r = reqs[i];
      if (r.operator === 'In' && r.values.length === 1 && (!this.#keys || this.#keys.has(r.key))) {
        const l = this.#pairOf
          ? this.#byPair.get(namespace)?.get(this.#pairOf(r.key, r.values[0]))
          : byKey?.get(r.key)?.get(r.values[0]);
        if (l === undefined) return EMPTY;
        const list = this.#list(l);
        if (!one) one = list;
        else (lists ??= [one]).push(list);
      } else rest = true;
    }
    let ids = one ?? this.#list(allList);
    if (lists) {
      // Shortest first: an insertion sort in place (a selector has a few requirements; `Array.prototype.sort`
      // allocated a work copy per call).
      for (let i = 1; i < lists.length; i++)
        for (let j = i; j > 0 && lists[j].length < lists[j - 1].length; j--) {
          const t = lists[j];
          lists[j] = lists[j - 1];
          lists[j - 1] = t;
        }
      ids = lists[0];
      for (let i = 1; i < lists.length && ids.length; i++) ids = intersect(ids, lists[i]);
    }
    if (!rest) return ids;
    const classes = this.#classes;
    return ids.filter((id) => matches(selector, classes[id].labels));
  }
}

/** `a` in a buffer twice as long (the first `a.length` entries copied). */
function grown(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}

/** Sorted intersection of two sorted id lists (the first the shorter). */
function intersect(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(a.length);
  let n = 0;
  let j = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    while (j < b.length && b[j] < v) j++;
    if (j === b.length) break;
    if (b[j] === v) out[n++] = v;
  }
  return out.subarray(0, n);
}
