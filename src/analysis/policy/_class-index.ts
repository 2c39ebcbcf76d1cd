import { matches, type Selector } from '../../lib/labels.ts';
import type { PodClass } from './_classes.ts';

const EMPTY = new Int32Array(0);

/**
 * Pod classes by namespace and label, for selecting with label selectors: the equality requirements
 * (`matchLabels`, single-value `In`) intersect sorted posting lists of class ids; only the other requirements
 * are checked with `matches`, on what the intersection left. Same answers as `matches` over every class
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors).
 */
export class ClassIndex {
  readonly #all = new Map<string, Int32Array>();
  /** namespace → `key\0value` → sorted class ids. */
  readonly #postings = new Map<string, Map<string, Int32Array>>();
  readonly #classes: readonly PodClass[];
  /** The label keys with postings (undefined: every key); requirements on other keys are checked by `matches`. */
  readonly #keys?: ReadonlySet<string>;

  /**
   * Indexes the classes `include` accepts (class ids ascending within each namespace), with postings for the
   * label `keys` (the keys selectors read: a class's other labels are those of its first pod only, and a posting
   * per class label was most of the index's cost).
   */
  constructor(classes: readonly PodClass[], include: (c: PodClass) => boolean, keys?: ReadonlySet<string>) {
    this.#classes = classes;
    this.#keys = keys;
    const all = new Map<string, number[]>();
    const postings = new Map<string, Map<string, number[]>>();
    for (const c of classes) {
      if (!include(c)) continue;
      (all.get(c.namespace) ?? all.set(c.namespace, []).get(c.namespace)!).push(c.id);
      let byPair = postings.get(c.namespace);
      if (!byPair) postings.set(c.namespace, (byPair = new Map()));
      for (const k in c.labels) {
        if (keys && !keys.has(k)) continue;
        const pair = `${k}\u0000${c.labels[k]}`;
        (byPair.get(pair) ?? byPair.set(pair, []).get(pair)!).push(c.id);
      }
    }
    for (const [ns, ids] of all) this.#all.set(ns, new Int32Array(ids).sort());
    for (const [ns, byPair] of postings)
      this.#postings.set(ns, new Map([...byPair].map(([p, ids]) => [p, new Int32Array(ids).sort()])));
  }

  /** Ids of the indexed classes of `namespace` the selector selects, sorted. */
  select(namespace: string, selector: Selector): Int32Array {
    const all = this.#all.get(namespace);
    if (selector.nothing || !all) return EMPTY;
    const lists: Int32Array[] = [];
    let rest = false;
    for (const r of selector.requirements)
      if (r.operator === 'In' && r.values.length === 1 && (!this.#keys || this.#keys.has(r.key))) {
        const list = this.#postings.get(namespace)?.get(`${r.key}\u0000${r.values[0]}`);
        if (!list) return EMPTY;
        lists.push(list);
      } else rest = true;
    let ids = all;
    if (lists.length) {
      lists.sort((a, b) => a.length - b.length);
      ids = lists[0];
      for (let i = 1; i < lists.length && ids.length; i++) ids = intersect(ids, lists[i]);
    }
    if (!rest) return ids;
    const classes = this.#classes;
    return ids.filter((id) => matches(selector, classes[id].labels));
  }
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
