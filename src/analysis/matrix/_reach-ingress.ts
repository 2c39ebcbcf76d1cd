/**
 * The plan's ingress side per destination class (`_reach-plan.ts`): the ingress rules of the policies isolating
 * it, and whether any policy isolates it. A class is isolated for ingress when some policy with `Ingress` in its
 * `policyTypes` selects it, and then only those policies' rules admit traffic to it
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation).
 * A node-mode hostNetwork class is never isolated (policies see its node's address) and has no rules.
 */

/** The classes' ingress policy lists (`PolicyEngine.policyLists('Ingress')`): policies `ids[start[c]..start[c + 1]]`. */
export interface ClassPolicies {
  readonly start: Int32Array;
  readonly ids: Int32Array;
}

/**
 * Per class, its ingress rules as a compressed list (`start`, `rules`: plan rules `polIn[i]..polIn[i + 1]` of
 * each policy i isolating it, in the order of its policies) and `isolated` (1: some policy isolates it).
 * Counted from each policy's rule count, then filled, a policy of one rule (every policy of the random-label
 * clusters) written without an inner loop: the per-rule nested loops, with every range bound read twice,
 * took twice as long at random-label 100k/50k (1.95M entries; design note 0008, fifteenth session).
 */
export function ingressRules(
  ing: ClassPolicies,
  polIn: Int32Array,
  hostClass: Uint8Array,
  alloc: { readonly i32: (n: number) => Int32Array; readonly u8: (n: number) => Uint8Array },
): { start: Int32Array; rules: Int32Array; isolated: Uint8Array } {
  const { start: pStart, ids } = ing;
  const C = pStart.length - 1;
  const n = polIn.length - 1;
  const ruleCount = new Int32Array(n);
  for (let i = 0; i < n; i++) ruleCount[i] = polIn[i + 1] - polIn[i];
  const start = alloc.i32(C + 1);
  const isolated = alloc.u8(C);
  let y = 0;
  for (let c = 0; c < C; c++) {
    const a = pStart[c];
    const b = pStart[c + 1];
    if (hostClass[c] !== 1 && b > a) {
      isolated[c] = 1;
      for (let j = a; j < b; j++) y += ruleCount[ids[j]];
    }
    start[c + 1] = y;
  }
  const rules = alloc.i32(y);
  y = 0;
  for (let c = 0; c < C; c++) {
    if (hostClass[c] === 1) continue;
    for (let j = pStart[c], b = pStart[c + 1]; j < b; j++) {
      const i = ids[j];
      const r = polIn[i];
      const count = ruleCount[i];
      if (count === 1) rules[y++] = r;
      else for (let x = 0; x < count; x++) rules[y++] = r + x;
    }
  }
  return { start, rules, isolated };
}
