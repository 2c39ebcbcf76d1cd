import { matches, type Selector } from '../../lib/labels.ts';
import type { PodClass } from './_classes.ts';
import { FEW_KEYS } from './_label-parts.ts';

const EMPTY = new Int32Array(0);

/**
 * Pod classes by namespace and label, for selecting with label selectors: the equality requirements
 * (`matchLabels`, single-value `In`) intersect sorted posting lists of class ids; only the other requirements
 * are checked with `matches`, on what the intersection left. Same answers as `matches` over every class
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors).
 */
export class ClassIndex {
  readonly #all = new Map<string, Int32Array>();
  /** namespace → key → value → sorted class ids (nested maps: no `key=value` string per class or lookup). */
  readonly #postings = new Map<string, Map<string, Map<string, Int32Array>>>();
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
    const postings = new Map<string, Map<string, Map<string, number[]>>>();
    const sortedKeys = keys && keys.size <= FEW_KEYS ? [...keys] : undefined;
    let ns = '';
    let allOfNs: number[] = [];
    let byKey = new Map<string, Map<string, number[]>>();
    const post = (k: string, v: string, id: number) => {
      let byValue = byKey.get(k);
      if (!byValue) byKey.set(k, (byValue = new Map()));
      const list = byValue.get(v);
      if (list) list.push(id);
      else byValue.set(v, [id]);
    };
    for (const c of classes) {
      if (!include(c)) continue;
      if (c.namespace !== ns || !all.has(ns)) {
        ns = c.namespace;
        allOfNs = all.get(ns) ?? all.set(ns, []).get(ns)!;
        byKey = postings.get(ns) ?? postings.set(ns, new Map()).get(ns)!;
      }
      allOfNs.push(c.id);
      const labels = c.labels;
      if (sortedKeys) {
        // Few keys: read each from the labels (no walk over every label of the class).
        for (const k of sortedKeys) {
          const v = labels[k];
          if (typeof v === 'string' && Object.hasOwn(labels, k)) post(k, v, c.id);
        }
      } else
        for (const k in labels) {
          if (keys && !keys.has(k)) continue;
          post(k, labels[k], c.id);
        }
    }
    // Class ids are pushed in the order of `classes`; sorted only when that order is not ascending.
    const sorted = (ids: number[]) => {
      const out = new Int32Array(ids);
      for (let i = 1; i < out.length; i++) if (out[i] < out[i - 1]) return out.sort();
      return out;
    };
    // `forEach`, not `for…of` over entries: no [key, value] pair allocated per posting list.
    all.forEach((ids, n) => this.#all.set(n, sorted(ids)));
    postings.forEach((byK, n) => {
      const out = new Map<string, Map<string, Int32Array>>();
      byK.forEach((byValue, k) => {
        const values = new Map<string, Int32Array>();
        byValue.forEach((ids, v) => values.set(v, sorted(ids)));
        out.set(k, values);
      });
      this.#postings.set(n, out);
    });
  }

  /** Ids of the indexed classes of `namespace` the selector selects, sorted. */
  select(namespace: string, selector: Selector): Int32Array {
    const all = this.#all.get(namespace);
    if (selector.nothing || !all) return EMPTY;
    const reqs = selector.requirements;
    const byKey = this.#postings.get(namespace);
    let rest = false;
    let lists: Int32Array[] | undefined;
    let one: Int32Array | undefined;
    for (let i = 0; i < reqs.length; i++) {
      const r = reqs[i];
      if (r.operator === 'In' && r.values.length === 1 && (!this.#keys || this.#keys.has(r.key))) {
        const list = byKey?.get(r.key)?.get(r.values[0]);
        if (!list) return EMPTY;
        if (!one) one = list;
        else (lists ??= [one]).push(list);
      } else rest = true;
    }
    let ids = one ?? all;
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
