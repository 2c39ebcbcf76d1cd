import { matches, type Selector } from '../../lib/labels.ts';
import type { ClassLabelParts, PodClass } from './_classes.ts';
import { FEW_KEYS } from './_label-parts.ts';
import { keepShapes } from './_kept-shapes.ts';

const EMPTY = new Int32Array(0);

/**
 * Pod classes by namespace and label, for selecting with label selectors: the equality requirements
 * (`matchLabels`, single-value `In`) intersect sorted posting lists of class ids; only the other requirements
 * are checked with `matches`, on what the intersection left. Same answers as `matches` over every class
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors).
 */
export class ClassIndex {
  /** namespace → the number of the list of its classes. */
  readonly #all: Map<string, number>;
  /** namespace → key → value → the number of its list (nested maps: no `key=value` string per class or lookup). */
  readonly #postings: Map<string, Map<string, Map<string, number>>>;
  /** With the classes' label parts: namespace → pair number → the number of its list; the parts number pairs. */
  readonly #byPair: Map<string, Map<number, number>>;
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
   *
   * Each pass is a function of one loop, and the count's steps are methods of `PostingCount`, not closures made per
   * index: the compile calls this once, and one constructor holding every loop was one large optimizing job per
   * compile (eighteenth session).
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
    // Pass 1: a number per list (a namespace's every class, or one of its (key, value) pairs); per posting, in
    // class order, its list's number; per indexed class, its id and how many postings it has.
    const count = new PostingCount(classes.length);
    if (this.#pairOf) postByPairs(count, classes, include, parts!);
    else if (keys && keys.size <= FEW_KEYS) postByFewKeys(count, classes, include, [...keys]);
    else postByLabels(count, classes, include, keys);
    this.#all = count.all;
    this.#postings = count.postings;
    this.#byPair = count.byPair;
    // Pass 2: lists laid out one after the other, each filled in class order.
    const start = listStarts(count);
    const ids = fillLists(count, start);
    sortLists(start, ids);
    this.#start = start;
    this.#ids = ids;
    this.#views = new Array<Int32Array | undefined>(count.lists).fill(undefined);
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

/** `ClassIndex`'s first pass: the lists and each class's postings, counted. */
class PostingCount {
  readonly all = new Map<string, number>();
  readonly postings = new Map<string, Map<string, Map<string, number>>>();
  readonly byPair = new Map<string, Map<number, number>>();
  /** Per list, its count of classes. */
  counts = new Int32Array(1024);
  lists = 0;
  /** Per posting, in class order, its list. */
  listOf: Int32Array<ArrayBuffer>;
  n = 0;
  /** Per indexed class, its id and its number of postings. */
  readonly indexed: Int32Array;
  readonly perClass: Int32Array;
  m = 0;

  constructor(classes: number) {
    this.listOf = new Int32Array(Math.max(1024, classes * 2));
    this.indexed = new Int32Array(classes);
    this.perClass = new Int32Array(classes);
  }

  /** A new list's number. */
  newList(): number {
    if (this.lists === this.counts.length) this.counts = grown(this.counts);
    return this.lists++;
  }

  /** A posting of the current class in `list`. */
  add(list: number): void {
    if (this.n === this.listOf.length) this.listOf = grown(this.listOf);
    this.listOf[this.n++] = list;
    this.counts[list]++;
  }

  /** The list of every class of `namespace` (its maps made on first meeting). */
  namespace(namespace: string): number {
    let all = this.all.get(namespace);
    if (all === undefined) {
      this.all.set(namespace, (all = this.newList()));
      this.postings.set(namespace, new Map());
      this.byPair.set(namespace, new Map());
    }
    return all;
  }

  /** Closes class `id`, whose postings began at `from`. */
  close(id: number, from: number): void {
    this.indexed[this.m] = id;
    this.perClass[this.m++] = this.n - from;
  }

  /** A posting of the current class under (key, value) of `byKey` (one namespace's). */
  post(byKey: Map<string, Map<string, number>>, k: string, v: string): void {
    let byValue = byKey.get(k);
    if (!byValue) byKey.set(k, (byValue = new Map()));
    let list = byValue.get(v);
    if (list === undefined) byValue.set(v, (list = this.newList()));
    this.add(list);
  }
}

/** Pass 1 with the classes' label parts: a class's postings are its part's pair numbers. */
function postByPairs(
  count: PostingCount,
  classes: readonly PodClass[],
  include: (c: PodClass) => boolean,
  parts: ClassLabelParts,
): void {
  const pairs = parts.parts.partPairs();
  const partOf = parts.partOf;
  let ns = '';
  let allOfNs = -1;
  let byPair = new Map<number, number>();
  for (let i = 0; i < classes.length; i++) {
    const c = classes[i];
    if (!include(c)) continue;
    if (c.namespace !== ns || allOfNs < 0) {
      ns = c.namespace;
      allOfNs = count.namespace(ns);
      byPair = count.byPair.get(ns)!;
    }
    const from = count.n;
    count.add(allOfNs);
    const part = partOf[c.id];
    for (let k = pairs.start[part]; k < pairs.start[part + 1]; k++) {
      const pair = pairs.items[k];
      let list = byPair.get(pair);
      if (list === undefined) byPair.set(pair, (list = count.newList()));
      count.add(list);
    }
    count.close(c.id, from);
  }
}

/** Pass 1 with few keys: each read from the labels (no walk over every label of the class). */
function postByFewKeys(
  count: PostingCount,
  classes: readonly PodClass[],
  include: (c: PodClass) => boolean,
  keys: readonly string[],
): void {
  let ns = '';
  let allOfNs = -1;
  let byKey = new Map<string, Map<string, number>>();
  for (let i = 0; i < classes.length; i++) {
    const c = classes[i];
    if (!include(c)) continue;
    if (c.namespace !== ns || allOfNs < 0) {
      ns = c.namespace;
      allOfNs = count.namespace(ns);
      byKey = count.postings.get(ns)!;
    }
    const from = count.n;
    count.add(allOfNs);
    const labels = c.labels;
    for (const k of keys) {
      const v = labels[k];
      if (typeof v === 'string' && Object.hasOwn(labels, k)) count.post(byKey, k, v);
    }
    count.close(c.id, from);
  }
}

/** Pass 1 walking each class's labels (every key when `keys` is undefined). */
function postByLabels(
  count: PostingCount,
  classes: readonly PodClass[],
  include: (c: PodClass) => boolean,
  keys: ReadonlySet<string> | undefined,
): void {
  let ns = '';
  let allOfNs = -1;
  let byKey = new Map<string, Map<string, number>>();
  for (let i = 0; i < classes.length; i++) {
    const c = classes[i];
    if (!include(c)) continue;
    if (c.namespace !== ns || allOfNs < 0) {
      ns = c.namespace;
      allOfNs = count.namespace(ns);
      byKey = count.postings.get(ns)!;
    }
    const from = count.n;
    count.add(allOfNs);
    const labels = c.labels;
    for (const k in labels) {
      if (keys && !keys.has(k)) continue;
      count.post(byKey, k, labels[k]);
    }
    count.close(c.id, from);
  }
}

/** Per list, where it starts in the ids (`start[l]` to `start[l + 1]`). */
function listStarts(count: PostingCount): Int32Array {
  const { lists, counts } = count;
  const start = new Int32Array(lists + 1);
  for (let l = 0; l < lists; l++) start[l + 1] = start[l] + counts[l];
  return start;
}

/** Every list's class ids at its range, in class order. */
function fillLists(count: PostingCount, start: Int32Array): Int32Array {
  const { indexed, perClass, listOf, m } = count;
  const ids = new Int32Array(count.n);
  const at = start.slice(0, count.lists);
  for (let i = 0, p = 0; i < m; i++) {
    const id = indexed[i];
    for (const end = p + perClass[i]; p < end; p++) ids[at[listOf[p]]++] = id;
  }
  return ids;
}

/** Class ids come in the order of the classes; a list is sorted only when that order is not ascending. */
function sortLists(start: Int32Array, ids: Int32Array): void {
  for (let l = 0; l + 1 < start.length; l++)
    for (let i = start[l] + 1; i < start[l + 1]; i++)
      if (ids[i] < ids[i - 1]) {
        ids.subarray(start[l], start[l + 1]).sort();
        break;
      }
}

// The index's shapes, kept for the life of the process (`_kept-shapes.ts`): a count that has posted a class, and an
// index, made by the same code as a compile's.
keepShapes(sampleCount(), new ClassIndex([], () => true));

function sampleCount(): PostingCount {
  const count = new PostingCount(1);
  count.add(count.namespace(''));
  count.close(0, 0);
  return count;
}
