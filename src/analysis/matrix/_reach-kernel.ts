import type { ReachPlan } from './_reach-plan.ts';
import { popcount } from './_row-scratch.ts';

/**
 * One thread's scratch for rows of a `ReachPlan`: per source class, the port classes of the current chunk
 * admitted by ingress (`inMask`) and already counted (`done`), with the lists of entries touched (only those
 * are cleared after a row). Big peer sets are kept per namespace of their members: the port classes of the
 * namespaces a big set holds whole (`nsAll`), and a list of (bitset, mask) pairs per namespace it holds in part
 * (`nsHead`, `pairNext`, `big`, `bigMask`), so an egress source is tested only against the sets with members in
 * its namespace.
 */
export class ReachScratch {
  /** Bytes when a pass has at most 8 port classes (a quarter of the cache lines), else 32-bit words. */
  readonly inMask: Uint8Array | Int32Array;
  readonly done: Uint8Array | Int32Array;
  readonly spread: Int32Array;
  readonly touched: Int32Array;
  readonly nsMark: Int32Array;
  readonly nsAll: Int32Array;
  readonly nsHead: Int32Array;
  /** The (bitset offset, mask, next on its namespace's list) pairs of the current row; grown on demand. */
  pairNext = new Int32Array(256);
  big = new Int32Array(256);
  bigMask = new Int32Array(256);
  spreadN = 0;
  doneN = 0;
  bigN = 0;
  everyone = 0;
  stamp = 0;

  constructor(plan: ReachPlan) {
    const masks = (n: number) => (ReachScratch.byteMasks(plan) ? new Uint8Array(n) : new Int32Array(n));
    this.inMask = masks(plan.C);
    this.done = masks(plan.C);
    this.spread = new Int32Array(plan.C);
    this.touched = new Int32Array(plan.C);
    this.nsMark = new Int32Array(plan.namespaces).fill(-1);
    this.nsAll = new Int32Array(plan.namespaces);
    this.nsHead = new Int32Array(plan.namespaces);
  }

  /** Masks fit a byte when a pass has at most 8 port classes. */
  static byteMasks(plan: Pick<ReachPlan, 'width' | 'P'>): boolean {
    return Math.min(plan.width, plan.P) <= 8;
  }

  /**
   * Can this scratch serve `plan`'s rows? Its sizes (classes, namespaces) and mask width must be the plan's: a
   * byte scratch would drop port classes past the eighth.
   */
  fits(plan: ReachPlan): boolean {
    return (
      this.inMask.length === plan.C &&
      this.nsMark.length === plan.namespaces &&
      this.inMask instanceof Uint8Array === ReachScratch.byteMasks(plan)
    );
  }
}

/** Allowed (source class, destination class, port class) triples of the destination classes [lo, hi). */
export function countRows(plan: ReachPlan, lo: number, hi: number, scratch = new ReachScratch(plan)): number {
  let triples = 0;
  for (let k = 0; k < plan.chunks; k++)
    for (let d = lo; d < hi; d++) {
      triples += row(plan, scratch, k, d);
      clear(scratch);
    }
  return triples;
}

/**
 * Destination class d's allowed sources per port class, as bitsets: `out[p * W + w]` (out has P × W words and
 * is overwritten).
 */
export function rowBits(plan: ReachPlan, d: number, out: Uint32Array, scratch: ReachScratch): void {
  const { W, P, isOpen, openBits } = plan;
  out.fill(0);
  for (let k = 0; k < plan.chunks; k++) {
    row(plan, scratch, k, d);
    const base = k * plan.width;
    const width = Math.min(plan.width, P - base);
    const everyone = scratch.everyone;
    for (let p = 0; p < width; p++) if ((everyone >>> p) & 1) out.set(openBits, (base + p) * W);
    const { inMask, spread, done, touched } = scratch;
    for (let j = 0; j < scratch.spreadN; j++) {
      const s = spread[j];
      if (isOpen[s] !== 1) continue;
      const m = inMask[s] & ~everyone;
      for (let p = 0; p < width; p++) if ((m >>> p) & 1) out[(base + p) * W + (s >>> 5)] |= 1 << (s & 31);
    }
    for (let j = 0; j < scratch.doneN; j++) {
      const s = touched[j];
      const m = done[s];
      for (let p = 0; p < width; p++) if ((m >>> p) & 1) out[(base + p) * W + (s >>> 5)] |= 1 << (s & 31);
    }
    clear(scratch);
  }
}

/**
 * Destination class d's allowed sources in chunk k, as `computeReachability`'s `RowView` names them: calls
 * `fn(s, mask)` for each source allowed beyond `everyone` (an open source on what ingress admits beyond it, an
 * isolated one on what its egress rules and d's ingress both admit; each source once), then returns `everyone`
 * (the port classes on which every open source reaches d). Bit p of a mask is port class `k * plan.width + p`.
 */
export function rowSources(
  plan: ReachPlan,
  d: number,
  k: number,
  scratch: ReachScratch,
  fn: (source: number, mask: number) => void,
): number {
  row(plan, scratch, k, d);
  const { inMask, spread, done, touched, everyone } = scratch;
  const isOpen = plan.isOpen;
  for (let j = 0; j < scratch.spreadN; j++) {
    const s = spread[j];
    const m = inMask[s] & ~everyone;
    if (m !== 0 && isOpen[s] === 1) fn(s, m);
  }
  for (let j = 0; j < scratch.doneN; j++) fn(touched[j], done[touched[j]]);
  clear(scratch);
  return everyone;
}

/** A rule's port mask at destination d in chunk k. */
function maskOf(plan: ReachPlan, k: number, r: number, d: number, full: number, host: boolean): number {
  if (plan.ruleAllPorts[r] === 1) return full;
  let m = plan.ruleFixed[k * plan.R + r];
  if (host) return m;
  const { ruleNamedStart, ruleNamed, namedAt, N, C } = plan;
  for (let x = ruleNamedStart[r]; x < ruleNamedStart[r + 1]; x++)
    m |= namedAt[(k * C + d) * N + ruleNamed[x]];
  return m;
}

/**
 * One row (destination d, chunk k) as `computeReachability` computes it: the ingress peer sets admitting d are
 * spread into `inMask` (open sources counted there; big sets tested through their bitset), then the egress rules
 * admitting d (inverted) visit their sources, only in namespaces ingress admits from. Returns the new triples.
 */
function row(plan: ReachPlan, s: ReachScratch, k: number, d: number): number {
  const base = k * plan.width;
  const width = Math.min(plan.width, plan.P - base);
  const full = width === 32 ? -1 : (1 << width) - 1;
  const { inStart, inRules, ruleAllPeers, rulePeerStart, rulePeers, setStart, setIds } = plan;
  const { setDense, openStart, openIds, isOpen, dense } = plan;
  const { nsAll, nsHead } = s;
  const host = plan.hostClass[d] === 1;
  const stamp = ++s.stamp;
  const nsMark = s.nsMark;
  let everyone = plan.isolated[d] === 1 ? 0 : full;
  for (let j = inStart[d]; j < inStart[d + 1]; j++) {
    const r = inRules[j];
    if (ruleAllPeers[r] === 1) everyone |= maskOf(plan, k, r, d, full, host);
  }
  s.everyone = everyone;
  let triples = plan.openCount * popcount(everyone);
  const inMask = s.inMask;
  const spread = s.spread;
  for (let j = inStart[d]; j < inStart[d + 1]; j++) {
    const r = inRules[j];
    if (ruleAllPeers[r] === 1) continue;
    const m = maskOf(plan, k, r, d, full, host) & ~everyone;
    if (m === 0) continue;
    for (let x = rulePeerStart[r]; x < rulePeerStart[r + 1]; x++) {
      const set = rulePeers[x];
      let a = setStart[set];
      let b = setStart[set + 1];
      if (a === b) continue;
      markNamespaces(plan, s, set, m, stamp);
      if (setDense[set] >= 0) {
        a = openStart[set];
        b = openStart[set + 1];
      }
      const ids = setDense[set] >= 0 ? openIds : setIds;
      let n = s.spreadN;
      for (let y = a; y < b; y++) {
        const src = ids[y];
        const old = inMask[src];
        const added = m & ~old;
        if (added === 0) continue;
        if (old === 0) spread[n++] = src;
        inMask[src] = old | added;
        if (isOpen[src] === 1) triples += popcount(added);
      }
      s.spreadN = n;
    }
  }
  // Egress, inverted: the isolated sources whose rules admit d, only in namespaces ingress admits from.
  const anyNs = everyone !== 0;
  const { everyPeer, invStart, invRules, egRule, egNs, egSrcStart, egSrc } = plan;
  const first = invStart[d];
  const count = everyPeer.length + invStart[d + 1] - first;
  const done = s.done;
  const touched = s.touched;
  const big = s.big;
  const bigMask = s.bigMask;
  const pairNext = s.pairNext;
  for (let j = 0; j < count; j++) {
    const e = j < everyPeer.length ? everyPeer[j] : invRules[first + j - everyPeer.length];
    const ns = egNs[e];
    const marked = nsMark[ns] === stamp;
    if (!anyNs && !marked) continue;
    const em = maskOf(plan, k, egRule[e], d, full, host);
    if (em === 0) continue;
    // Sources of a rule live in its policy's namespace: what big sets admit there whole, and those held in part.
    const whole = marked ? nsAll[ns] | everyone : everyone;
    const head = marked ? nsHead[ns] : -1;
    let n = s.doneN;
    for (let y = egSrcStart[e]; y < egSrcStart[e + 1]; y++) {
      const src = egSrc[y];
      const old = done[src];
      const need = em & ~old;
      if (need === 0) continue;
      let have = (inMask[src] | whole) & need;
      for (let q = head; q >= 0 && have !== need; q = pairNext[q])
        if ((dense[big[q] + (src >>> 5)] >>> (src & 31)) & 1) have |= bigMask[q] & need;
      if (have === 0) continue;
      if (old === 0) touched[n++] = src;
      done[src] = old | have;
      triples += popcount(have);
    }
    s.doneN = n;
  }
  return triples;
}

/**
 * Marks the namespaces of peer set `set` (admitting port mask m) for this row; for a big set, each namespace it
 * holds whole adds m to `nsAll`, and each it holds in part gets a (bitset, m) pair on its list.
 */
function markNamespaces(plan: ReachPlan, s: ReachScratch, set: number, m: number, stamp: number): void {
  const { setNsStart, setNs, setNsFull, setDense } = plan;
  const { nsMark, nsAll, nsHead } = s;
  const dense = setDense[set];
  for (let y = setNsStart[set]; y < setNsStart[set + 1]; y++) {
    const ns = setNs[y];
    if (nsMark[ns] !== stamp) {
      nsMark[ns] = stamp;
      nsAll[ns] = 0;
      nsHead[ns] = -1;
    }
    if (dense < 0) continue;
    if (setNsFull[y] === 1) nsAll[ns] |= m;
    else {
      const q = s.bigN++;
      if (q === s.big.length) grow(s);
      s.big[q] = dense;
      s.bigMask[q] = m;
      s.pairNext[q] = nsHead[ns];
      nsHead[ns] = q;
    }
  }
}

function grow(s: ReachScratch): void {
  const twice = (a: Int32Array) => {
    const b = new Int32Array(2 * a.length);
    b.set(a);
    return b;
  };
  s.big = twice(s.big);
  s.bigMask = twice(s.bigMask);
  s.pairNext = twice(s.pairNext);
}

function clear(s: ReachScratch): void {
  const { inMask, spread, done, touched } = s;
  for (let j = 0; j < s.spreadN; j++) inMask[spread[j]] = 0;
  for (let j = 0; j < s.doneN; j++) done[touched[j]] = 0;
  s.spreadN = 0;
  s.doneN = 0;
  s.bigN = 0;
}
