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
 * Per destination class, the namespaces its ingress rules' peers live in (`bits`, `words` per class), or every
 * namespace (all bits: not isolated — a node-mode host class included — or a rule without peers). A superset over
 * every chunk: the row checks the namespaces its chunk's masks actually admit from.
 */
export function admittedNamespaces(p: InvertInput): { bits: Uint32Array; words: number } {
  const words = (p.namespaces + 31) >>> 5;
  const any = new Uint8Array(p.C);
  const bits = new Uint32Array(p.C * words);
  // Each peer set's namespaces as a bitset, made on first use.
  const S = p.setStart.length - 1;
  const setBits = new Uint32Array(S * words);
  const made = new Uint8Array(S);
  for (let d = 0; d < p.C; d++) {
    if (p.isolated[d] !== 1) any[d] = 1;
    for (let j = p.inStart[d]; j < p.inStart[d + 1] && !any[d]; j++) {
      const r = p.inRules[j];
      if (p.ruleAllPeers[r] === 1) any[d] = 1;
      else
        for (let x = p.rulePeerStart[r]; x < p.rulePeerStart[r + 1]; x++) {
          const k = p.rulePeers[x];
          if (!made[k]) {
            made[k] = 1;
            for (let y = p.setNsStart[k]; y < p.setNsStart[k + 1]; y++)
              setBits[k * words + (p.setNs[y] >>> 5)] |= 1 << (p.setNs[y] & 31);
          }
          for (let w = 0; w < words; w++) bits[d * words + w] |= setBits[k * words + w];
        }
    }
    if (any[d]) bits.fill(-1 >>> 0, d * words, d * words + words);
  }
  return { bits, words };
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
  const { C, egRule, egNs, rulePeerStart, rulePeers, setStart, setIds } = p;
  const { bits, words } = admittedNamespaces(p);
  const start = i32(C + 1);
  const last = new Int32Array(C);
  let rules: Int32Array | undefined;
  let fill: Int32Array | undefined;
  for (let pass = 0; pass < 2; pass++) {
    last.fill(-1);
    for (let e = 0; e < egRule.length; e++) {
      const r = egRule[e];
      const nsWord = egNs[e] >>> 5;
      const nsBit = 1 << (egNs[e] & 31);
      for (let x = rulePeerStart[r]; x < rulePeerStart[r + 1]; x++) {
        const k = rulePeers[x];
        for (let y = setStart[k]; y < setStart[k + 1]; y++) {
          const d = setIds[y];
          if (last[d] === e || (bits[d * words + nsWord] & nsBit) === 0) continue;
          last[d] = e;
          if (fill) rules![fill[d]++] = e;
          else start[d + 1]++;
        }
      }
    }
    if (!fill) {
      for (let d = 0; d < C; d++) start[d + 1] += start[d];
      rules = i32(start[C]);
      fill = start.slice(0, C);
    }
  }
  return { start, rules: rules! };
}
