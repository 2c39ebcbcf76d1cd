/**
 * The plan's inverted egress index (`_reach-plan.ts`): per destination class, the egress rules whose peers contain
 * it and which a row of it can use. A row visits an egress rule's sources only when the destination's ingress
 * admits something from the rule's namespace (a rule's sources live in its policy's namespace) or admits every
 * source on some port; rules failing that for every chunk of port classes are left out here, so neither the
 * index nor the rows read them.
 */

/** The arrays `invert` reads: rules with their peer sets, and per destination its ingress rules. */
export interface InvertInput {
  readonly C: number;
  readonly namespaces: number;
  /** Egress rules: rule id and namespace of the policy. */
  readonly egRule: ArrayLike<number>;
  readonly egNs: ArrayLike<number>;
  readonly rulePeerStart: Int32Array;
  readonly rulePeers: Int32Array;
  readonly ruleAllPeers: Uint8Array;
  readonly setStart: Int32Array;
  readonly setIds: Int32Array;
  readonly setNsStart: Int32Array;
  readonly setNs: Int32Array;
  readonly inStart: Int32Array;
  readonly inRules: Int32Array;
  readonly isolated: Uint8Array;
}

/**
 * The destination classes admitting from each namespace, as class bitsets (`admits[ns * W + (d >>> 5)]`, W words
 * per namespace): the namespaces d's ingress rules' peers live in. Classes admitting from every namespace (not
 * isolated — a node-mode host class included — or a rule without peers) are in `every` instead, one bitset. A
 * superset over every chunk: the row checks the namespaces its chunk's masks actually admit from. Per class, so
 * that a pass over one rule's members reads one namespace's bitset in class order (the members are sorted).
 */
export function admittedNamespaces(
  p: InvertInput,
  u32: (n: number) => Uint32Array = (n) => new Uint32Array(n),
): { admits: Uint32Array; every: Uint32Array; W: number } {
  const words = (p.namespaces + 31) >>> 5;
  const W = (p.C + 31) >>> 5;
  const admits = u32(p.namespaces * W);
  const every = u32(W);
  // Each peer set's namespaces as a bitset, made on first use; one class's namespaces in `row`.
  const S = p.setStart.length - 1;
  const setBits = new Uint32Array(S * words);
  const made = new Uint8Array(S);
  const row = new Uint32Array(words);
  for (let d = 0; d < p.C; d++) {
    let any = p.isolated[d] !== 1;
    row.fill(0);
    for (let j = p.inStart[d]; j < p.inStart[d + 1] && !any; j++) {
      const r = p.inRules[j];
      if (p.ruleAllPeers[r] === 1) any = true;
      else
        for (let x = p.rulePeerStart[r]; x < p.rulePeerStart[r + 1]; x++) {
          const k = p.rulePeers[x];
          if (!made[k]) {
            made[k] = 1;
            for (let y = p.setNsStart[k]; y < p.setNsStart[k + 1]; y++)
              setBits[k * words + (p.setNs[y] >>> 5)] |= 1 << (p.setNs[y] & 31);
          }
          for (let w = 0; w < words; w++) row[w] |= setBits[k * words + w];
        }
    }
    const bit = 1 << (d & 31);
    if (any) every[d >>> 5] |= bit;
    else
      for (let w = 0; w < words; w++)
        for (let v = row[w]; v !== 0; v &= v - 1)
          admits[(w * 32 + 31 - Math.clz32(v & -v)) * W + (d >>> 5)] |= bit;
  }
  return { admits, every, W };
}

/** What a scan of egress rules reads: the rules' peer sets and the classes admitting from each namespace. */
export type InvertScan = Pick<
  InvertInput,
  'C' | 'egRule' | 'egNs' | 'rulePeerStart' | 'rulePeers' | 'setStart' | 'setIds'
> & {
  /** `admittedNamespaces`' bitsets: per namespace (W words each), and the classes admitting from every one. */
  readonly admits: Uint32Array;
  readonly every: Uint32Array;
  readonly W: number;
};

/**
 * One pass over the egress rules `[lo, hi)`: each (rule, member) pair kept (the member admits from the rule's
 * namespace; a rule counted once per member) is counted into `counts[d]` or, with `fill`, written at
 * `rules[at[d]++]`. Passes over disjoint ranges of rules, taken in order, write the same index as one pass
 * over every rule (`invertRanges` runs them on several threads).
 */
export function invertPass(
  s: InvertScan,
  lo: number,
  hi: number,
  counts: Int32Array,
  fill?: { readonly at: Int32Array; readonly rules: Int32Array },
): void {
  const { egRule, egNs, rulePeerStart, rulePeers, setStart, setIds, admits, every, W } = s;
  const last = new Int32Array(s.C).fill(-1);
  const at = fill?.at;
  const rules = fill?.rules;
  for (let e = lo; e < hi; e++) {
    const r = egRule[e];
    const base = egNs[e] * W;
    // A set's ids are distinct: only a rule of several peers can meet a class twice.
    const one = rulePeerStart[r + 1] - rulePeerStart[r] === 1;
    for (let x = rulePeerStart[r]; x < rulePeerStart[r + 1]; x++) {
      const k = rulePeers[x];
      for (let y = setStart[k]; y < setStart[k + 1]; y++) {
        const d = setIds[y];
        if ((((admits[base + (d >>> 5)] | every[d >>> 5]) >>> (d & 31)) & 1) === 0) continue;
        if (!one) {
          if (last[d] === e) continue;
          last[d] = e;
        }
        if (at) rules![at[d]++] = e;
        else counts[d]++;
      }
    }
  }
}

/**
 * Cuts the egress rules into `parts` consecutive ranges of about equal work (the members of their peer sets):
 * `parts + 1` bounds, from 0 to the rule count.
 */
export function invertRanges(
  s: Pick<InvertScan, 'egRule' | 'rulePeerStart' | 'rulePeers' | 'setStart'>,
  parts: number,
): number[] {
  const E = s.egRule.length;
  let total = 0;
  const work = new Float64Array(E);
  for (let e = 0; e < E; e++) {
    const r = s.egRule[e];
    for (let x = s.rulePeerStart[r]; x < s.rulePeerStart[r + 1]; x++)
      work[e] += s.setStart[s.rulePeers[x] + 1] - s.setStart[s.rulePeers[x]];
    total += work[e];
  }
  const bounds = [0];
  let sum = 0;
  for (let e = 0; e < E && bounds.length < parts; e++) {
    sum += work[e];
    if (sum >= (total * bounds.length) / parts) bounds.push(e + 1);
  }
  while (bounds.length <= parts) bounds.push(E);
  return bounds;
}

/**
 * The index's offsets from the counts of consecutive ranges of rules (`counts[t]` from range t): `start` (C + 1
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
 * Destination class → egress rules (indices into `egRule`) whose peers contain it, each rule once per class, left
 * out where the destination admits nothing from the rule's namespace (`admittedNamespaces`). Two passes over the
 * (rule, member) pairs, counting then filling: a buffer of the kept pairs grown by doubling measured slower at
 * 100k classes (its large typed arrays, reallocated, set off full garbage collections of the model's heap).
 */
export function invert(
  p: InvertInput,
  i32: (n: number) => Int32Array,
): { start: Int32Array; rules: Int32Array } {
  const scan: InvertScan = { ...p, ...admittedNamespaces(p) };
  const counts = new Int32Array(p.C);
  invertPass(scan, 0, p.egRule.length, counts);
  const start = i32(p.C + 1);
  const [at] = invertOffsets(p.C, [counts], start, (n) => new Int32Array(n));
  const rules = i32(start[p.C]);
  invertPass(scan, 0, p.egRule.length, counts, { at, rules });
  return { start, rules };
}
