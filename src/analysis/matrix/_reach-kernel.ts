import type { ReachPlan } from './_reach-plan.ts';
import { popcount } from './_row-scratch.ts';
import { PieceSources } from './_piece-sources.ts';

/**
 * One thread's scratch for rows of a `ReachPlan`: per source class, the port classes of the current chunk
 * admitted by ingress to an open source (`inMask`) and counted for an egress-isolated one (`done`), with the lists
 * of entries touched (only those are cleared after a row). Per namespace, the port classes of the namespaces big
 * sets hold whole (`nsAll`) and a list of the row's pieces there (`nsHead`; `pieceAt`, `pieceMask`, `pieceNext`:
 * a peer set's members in that namespace with the port classes its rule admits), which an egress rule of the
 * namespace meets through `sources` (`_piece-sources.ts`).
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
  /** The (piece, mask, next on its namespace's list) entries of the current row; grown on demand. */
  pieceNext = new Int32Array(256);
  pieceAt = new Int32Array(256);
  pieceMask = new Int32Array(256);
  readonly sources = new PieceSources();
  spreadN = 0;
  doneN = 0;
  pieceN = 0;
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

/** The last stamp a row takes before the namespace marks start over (below 2^31, the marks' range). */
export const STAMP_LIMIT = 0x7fff_fff0;

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
  const { W, P, openBits } = plan;
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
  // The spread sources are the open ones (`row`).
  for (let j = 0; j < scratch.spreadN; j++) {
    const s = spread[j];
    const m = inMask[s] & ~everyone;
    if (m !== 0) fn(s, m);
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
 * One row (destination d, chunk k) as `computeReachability` computes it: the open members of the ingress peer sets
 * admitting d are spread into `inMask` and counted, and every set's namespaces noted (`markNamespaces`); then the
 * egress rules admitting d (inverted) meet their sources, only in namespaces ingress admits from: all of them on
 * the ports ingress admits from everyone or from the whole namespace, and on each piece's ports those the piece's
 * set holds (`PieceSources`). Each (source, port class) is counted once (`done`). Returns the new triples.
 */
function row(plan: ReachPlan, s: ReachScratch, k: number, d: number): number {
  const base = k * plan.width;
  const width = Math.min(plan.width, plan.P - base);
  const full = width === 32 ? -1 : (1 << width) - 1;
  const { inStart, inRules, ruleAllPeers, rulePeerStart, rulePeers, setStart, openStart, openIds } = plan;
  const { nsAll, nsHead } = s;
  const host = plan.hostClass[d] === 1;
  // Rows mark namespaces by stamp in an `Int32Array`: before the stamp could pass 2^31 (a scratch is kept from
  // count to count, `reach-pool.ts`), the marks start over.
  if (s.stamp >= STAMP_LIMIT) {
    s.nsMark.fill(-1);
    s.stamp = 0;
  }
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
      if (setStart[set] === setStart[set + 1]) continue;
      markNamespaces(plan, s, set, m, stamp);
      let n = s.spreadN;
      for (let y = openStart[set]; y < openStart[set + 1]; y++) {
        const src = openIds[y];
        const old = inMask[src];
        const added = m & ~old;
        if (added === 0) continue;
        if (old === 0) spread[n++] = src;
        inMask[src] = old | added;
        triples += popcount(added);
      }
      s.spreadN = n;
    }
  }
  // Egress, inverted: the rules without peers, then the rules of each unit whose set holds d; only rules of
  // namespaces ingress admits from meet their sources.
  const anyNs = everyone !== 0;
  const { everyPeer, invStart, invUnits, unitRuleStart, unitRules, egRule, egNs, egSrcStart, egSrc } = plan;
  const done = s.done;
  const touched = s.touched;
  const { pieceAt, pieceMask, pieceNext, sources } = s;
  let list = everyPeer;
  let x = 0;
  let end = everyPeer.length;
  for (let j = invStart[d], last = invStart[d + 1]; ;) {
    if (x === end) {
      if (j === last) break;
      const u = invUnits[j++];
      list = unitRules;
      x = unitRuleStart[u];
      end = unitRuleStart[u + 1];
      continue;
    }
    const e = list[x++];
    const ns = egNs[e];
    const marked = nsMark[ns] === stamp;
    if (!anyNs && !marked) continue;
    const em = maskOf(plan, k, egRule[e], d, full, host);
    if (em === 0) continue;
    // Sources of a rule live in its policy's namespace: what ingress admits there whole, then piece by piece.
    const whole = (marked ? nsAll[ns] | everyone : everyone) & em;
    let n = s.doneN;
    if (whole !== 0)
      for (let y = egSrcStart[e]; y < egSrcStart[e + 1]; y++) {
        const src = egSrc[y];
        const old = done[src];
        const have = whole & ~old;
        if (have === 0) continue;
        if (old === 0) touched[n++] = src;
        done[src] = old | have;
        triples += popcount(have);
      }
    if (marked)
      for (let q = nsHead[ns]; q >= 0; q = pieceNext[q]) {
        const pm = pieceMask[q] & em & ~whole;
        if (pm === 0) continue;
        const at = sources.list(plan, e, pieceAt[q]);
        const lists = sources.lists;
        for (let y = at + 1, end = at + 1 + lists[at]; y < end; y++) {
          const src = lists[y];
          const old = done[src];
          const have = pm & ~old;
          if (have === 0) continue;
          if (old === 0) touched[n++] = src;
          done[src] = old | have;
          triples += popcount(have);
        }
      }
    s.doneN = n;
  }
  return triples;
}

/**
 * Marks the namespaces of peer set `set` (admitting port mask m) for this row: each namespace a big set holds
 * whole adds m to `nsAll`; every other namespace of the set gets a (piece, m) entry on its list.
 */
function markNamespaces(plan: ReachPlan, s: ReachScratch, set: number, m: number, stamp: number): void {
  const { setNsStart, setNs, setNsFull, setDense } = plan;
  const { nsMark, nsAll, nsHead } = s;
  const big = setDense[set] >= 0;
  for (let y = setNsStart[set]; y < setNsStart[set + 1]; y++) {
    const ns = setNs[y];
    if (nsMark[ns] !== stamp) {
      nsMark[ns] = stamp;
      nsAll[ns] = 0;
      nsHead[ns] = -1;
    }
    if (big && setNsFull[y] === 1) nsAll[ns] |= m;
    else {
      const q = s.pieceN++;
      if (q === s.pieceAt.length) grow(s);
      s.pieceAt[q] = y;
      s.pieceMask[q] = m;
      s.pieceNext[q] = nsHead[ns];
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
  s.pieceAt = twice(s.pieceAt);
  s.pieceMask = twice(s.pieceMask);
  s.pieceNext = twice(s.pieceNext);
}

function clear(s: ReachScratch): void {
  const { inMask, spread, done, touched } = s;
  for (let j = 0; j < s.spreadN; j++) inMask[spread[j]] = 0;
  for (let j = 0; j < s.doneN; j++) done[touched[j]] = 0;
  s.spreadN = 0;
  s.doneN = 0;
  s.pieceN = 0;
}
