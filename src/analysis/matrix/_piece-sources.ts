import type { ReachPlan } from './_reach-plan.ts';

/** Entries (slots plus list words) a thread's cache may hold before it starts over: 2 × 64 MB at most. */
const BUDGET = 1 << 24;

/**
 * One thread's cache of the sources of an egress rule that a peer set holds. A *piece* is one namespace entry of a
 * peer set (`plan.setNs[y]`: the set's members in that namespace). A row meets an egress rule's sources only in
 * the rule's namespace, so the ingress side there is the row's pieces of that namespace (and the port classes
 * of the namespaces big sets hold whole). Which of the rule's sources a piece's set holds does not depend on the
 * row, so it is computed once per (egress rule, piece) and reused by every row that meets both: at random-label
 * 100k/50k, 5.5M (row, rule, piece) meetings share 0.59M lists holding 13.8M sources, where the rows visited
 * 80.8M sources one by one and tested each against the row's big sets (design note 0008, thirteenth session).
 *
 * Layout: per piece y, once a row meets it, `slots[slotBase[y] + plan.egLocal[e]]` for each egress rule e of its
 * namespace holds the list's offset in `lists` (-1: not built); a list is its length then its sources, sorted.
 * Bound to one plan: `list` starts over when asked about another plan or past its budget of entries.
 */
export class PieceSources {
  /** Entries held before starting over (smaller in the tests, to start over often). */
  readonly #budget: number;
  #plan: ReachPlan | undefined;
  #slotBase = new Int32Array(0);
  #slots: Int32Array<ArrayBuffer> = new Int32Array(1024);
  #slotsN = 0;
  /** The lists (read it after each `list` call: building one may move it). */
  lists: Int32Array<ArrayBuffer> = new Int32Array(1024);
  #listsN = 0;
  /** Members of the small set last marked, by stamp. */
  #mark = new Int32Array(0);
  #stamp = 0;

  constructor(budget = BUDGET) {
    this.#budget = budget;
  }

  /** Offset in `lists` of egress rule e's sources that piece y's set holds: `lists[at]` of them follow it. */
  list(plan: ReachPlan, e: number, y: number): number {
    const size = 1 + plan.egSrcStart[e + 1] - plan.egSrcStart[e];
    if (plan !== this.#plan || this.#listsN + size > this.#budget) this.#reset(plan);
    let base = this.#slotBase[y];
    if (base < 0) {
      const n = plan.nsEgress[plan.setNs[y]];
      if (this.#slotsN + n > this.#budget) this.#reset(plan);
      if (this.#slotsN + n > this.#slots.length) this.#slots = grown(this.#slots, this.#slotsN + n);
      base = this.#slotBase[y] = this.#slotsN;
      this.#slots.fill(-1, base, base + n);
      this.#slotsN += n;
    }
    const slot = base + plan.egLocal[e];
    const at = this.#slots[slot];
    return at >= 0 ? at : (this.#slots[slot] = this.#build(plan, e, plan.pieceSet[y]));
  }

  /** Appends the list of egress rule e's sources in set k: bit tests for a big set, marks for a small one. */
  #build(plan: ReachPlan, e: number, k: number): number {
    const { egSrcStart, egSrc, setDense, dense, setStart, setIds } = plan;
    const a = egSrcStart[e];
    const b = egSrcStart[e + 1];
    if (this.#listsN + 1 + b - a > this.lists.length)
      this.lists = grown(this.lists, this.#listsN + 1 + b - a);
    const lists = this.lists;
    const at = this.#listsN;
    let n = at + 1;
    const off = setDense[k];
    if (off >= 0)
      for (let j = a; j < b; j++) {
        const src = egSrc[j];
        if ((dense[off + (src >>> 5)] >>> (src & 31)) & 1) lists[n++] = src;
      }
    else {
      const stamp = ++this.#stamp;
      const mark = this.#mark;
      for (let j = setStart[k]; j < setStart[k + 1]; j++) mark[setIds[j]] = stamp;
      for (let j = a; j < b; j++) if (mark[egSrc[j]] === stamp) lists[n++] = egSrc[j];
    }
    lists[at] = n - at - 1;
    this.#listsN = n;
    return at;
  }

  #reset(plan: ReachPlan): void {
    this.#plan = plan;
    if (this.#slotBase.length !== plan.setNs.length) this.#slotBase = new Int32Array(plan.setNs.length);
    this.#slotBase.fill(-1);
    if (this.#mark.length !== plan.C) this.#mark = new Int32Array(plan.C);
    this.#mark.fill(0);
    this.#stamp = 0;
    this.#slotsN = 0;
    this.#listsN = 0;
  }
}

function grown(a: Int32Array, need: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(Math.max(need, 2 * a.length));
  b.set(a);
  return b;
}
