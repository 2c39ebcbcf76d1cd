/**
 * The plan's inverted egress index (`_reach-plan.ts`): per destination class, the egress *units* whose peer set
 * contains it. A unit is one distinct peer set of the egress rules, with the rules naming it (`egressUnits`):
 * many rules share a set by content (a `namespaceSelector` peer selects the same classes from every policy's
 * namespace), so the index lists each set once per member instead of each rule. At random-label 100k/50k the
 * 14,997 egress rules' peers hold 7.6M members, their 8,607 distinct non-empty sets 1.06M. The row meets a unit's
 * rules and skips those of namespaces its ingress admits nothing from (a rule's sources live in its policy's
 * namespace).
 */

/** What a pass over units reads: per unit its peer set, and the sets' members. */
export interface InvertScan {
  readonly C: number;
  readonly unitSet: Int32Array;
  readonly setStart: Int32Array;
  readonly setIds: Int32Array;
}

/**
 * The egress units: each distinct non-empty peer set of the egress rules (in order of first use), with the egress
 * rules (indices into `egRule`, ascending, each once) naming it. Rules without peers are in no unit (`everyPeer`).
 */
export function egressUnits(
  p: {
    readonly egRule: Int32Array;
    readonly ruleAllPeers: Uint8Array;
    readonly rulePeerStart: Int32Array;
    readonly rulePeers: Int32Array;
    readonly setStart: Int32Array;
  },
  i32: (n: number) => Int32Array,
): { unitSet: Int32Array; unitRuleStart: Int32Array; unitRules: Int32Array } {
  const { egRule, ruleAllPeers, rulePeerStart, rulePeers, setStart } = p;
  const unitOf = new Int32Array(setStart.length - 1).fill(-1);
  const sets: number[] = [];
  const count: number[] = [];
  const last: number[] = [];
  for (let e = 0; e < egRule.length; e++) {
    const r = egRule[e];
    if (ruleAllPeers[r] === 1) continue;
    for (let x = rulePeerStart[r]; x < rulePeerStart[r + 1]; x++) {
      const k = rulePeers[x];
      if (setStart[k] === setStart[k + 1]) continue;
      let u = unitOf[k];
      if (u < 0) {
        u = unitOf[k] = sets.length;
        sets.push(k);
        count.push(0);
        last.push(-1);
      }
      // A rule naming one set twice (two peers of equal content) is listed once.
      if (last[u] === e) continue;
      last[u] = e;
      count[u]++;
    }
  }
  const U = sets.length;
  const unitSet = i32(U);
  unitSet.set(sets);
  const unitRuleStart = i32(U + 1);
  for (let u = 0; u < U; u++) unitRuleStart[u + 1] = unitRuleStart[u] + count[u];
  const unitRules = i32(unitRuleStart[U]);
  const at = Int32Array.from(unitRuleStart.subarray(0, U));
  last.fill(-1);
  for (let e = 0; e < egRule.length; e++) {
    const r = egRule[e];
    if (ruleAllPeers[r] === 1) continue;
    for (let x = rulePeerStart[r]; x < rulePeerStart[r + 1]; x++) {
      const u = unitOf[rulePeers[x]];
      if (u < 0 || last[u] === e) continue;
      last[u] = e;
      unitRules[at[u]++] = e;
    }
  }
  return { unitSet, unitRuleStart, unitRules };
}

/**
 * One pass over the units `[lo, hi)`: each (unit, member) pair is counted into `counts[d]` or, with `fill`,
 * written at `units[at[d]++]`. Passes over disjoint ranges of units, taken in order, write the same index as one
 * pass over every unit (`invertRanges` runs them on several threads). A set's ids are distinct, so a unit meets a
 * class at most once.
 */
export function invertPass(
  s: InvertScan,
  lo: number,
  hi: number,
  counts: Int32Array,
  fill?: { readonly at: Int32Array; readonly units: Int32Array },
): void {
  const { unitSet, setStart, setIds } = s;
  if (!fill) {
    for (let u = lo; u < hi; u++)
      for (let y = setStart[unitSet[u]]; y < setStart[unitSet[u] + 1]; y++) counts[setIds[y]]++;
    return;
  }
  const { at, units } = fill;
  for (let u = lo; u < hi; u++)
    for (let y = setStart[unitSet[u]]; y < setStart[unitSet[u] + 1]; y++) units[at[setIds[y]]++] = u;
}

/**
 * Cuts the units into `parts` consecutive ranges of about equal work (the members of their sets): `parts + 1`
 * bounds, from 0 to the unit count.
 */
export function invertRanges(s: Pick<InvertScan, 'unitSet' | 'setStart'>, parts: number): number[] {
  const U = s.unitSet.length;
  const work = (u: number) => s.setStart[s.unitSet[u] + 1] - s.setStart[s.unitSet[u]];
  let total = 0;
  for (let u = 0; u < U; u++) total += work(u);
  const bounds = [0];
  let sum = 0;
  for (let u = 0; u < U && bounds.length < parts; u++) {
    sum += work(u);
    if (sum >= (total * bounds.length) / parts) bounds.push(u + 1);
  }
  while (bounds.length <= parts) bounds.push(U);
  return bounds;
}

/**
 * The index's offsets from the counts of consecutive ranges of units (`counts[t]` from range t): `start` (C + 1
 * offsets, written) and, per range, where its entries of each destination begin (after the earlier ranges').
 */
export function invertOffsets(
  C: number,
  counts: readonly Int32Array[],
  start: Int32Array,
  i32: (n: number) => Int32Array,
): Int32Array[] {
  const at = counts.map(() => i32(C));
  for (let d = 0; d < C; d++) {
    let o = start[d];
    for (let t = 0; t < counts.length; t++) {
      at[t][d] = o;
      o += counts[t][d];
    }
    start[d + 1] = o;
  }
  return at;
}

/**
 * Destination class → egress units (indices into `unitSet`, ascending) whose set contains it. Two passes over the
 * (unit, member) pairs, counting then filling: a buffer of the pairs grown by doubling measured slower at 100k
 * classes (its large typed arrays, reallocated, set off full garbage collections of the model's heap).
 */
export function invert(
  s: InvertScan,
  i32: (n: number) => Int32Array,
): { start: Int32Array; units: Int32Array } {
  const U = s.unitSet.length;
  const counts = new Int32Array(s.C);
  invertPass(s, 0, U, counts);
  const start = i32(s.C + 1);
  const [at] = invertOffsets(s.C, [counts], start, (n) => new Int32Array(n));
  const units = i32(start[s.C]);
  invertPass(s, 0, U, counts, { at, units });
  return { start, units };
}
