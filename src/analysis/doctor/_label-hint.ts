import type { ClusterModel } from '../../model/types.ts';
import { editDistance } from '../../model/schema.ts';
import type { Selector } from '../../lib/labels.ts';
import { selectPods } from './_select.ts';

const valuesOf = new WeakMap<ClusterModel, Map<string, Map<string, Set<string>>>>();

/**
 * Per namespace, per label key: the values its pods carry. Built once per model (nobody mutates a model), so a
 * hint reads the values of its namespaces instead of every pod (policies × pods on a large cluster).
 */
function labelValues(model: ClusterModel): Map<string, Map<string, Set<string>>> {
  let got = valuesOf.get(model);
  if (!got) {
    got = new Map();
    for (const p of model.pods) {
      const keys = got.get(p.namespace) ?? got.set(p.namespace, new Map()).get(p.namespace)!;
      for (const [k, v] of Object.entries(p.labels)) (keys.get(k) ?? keys.set(k, new Set()).get(k)!).add(v);
    }
    valuesOf.set(model, got);
  }
  return got;
}

/**
 * A "did you mean" for a podSelector that matches no pod: labels drift when a workload is renamed (Sock Shop's
 * `name: cart` became `name: carts`, and two of its policies still say `cart`). For the first `key: value`
 * requirement whose value no pod carries, the closest value pods of these namespaces carry under that key (edit
 * distance at most 2, and at most a third of the value: `a` is not a typo of `b`), provided the selector with that
 * one value replaced matches pods. Undefined when none does.
 */
export function closestLabelHint(
  model: ClusterModel,
  namespaces: readonly string[],
  selector: Selector,
): string | undefined {
  const index = labelValues(model);
  for (const [i, r] of selector.requirements.entries()) {
    if (r.operator !== 'In' || r.values.length !== 1) continue;
    const wanted = r.values[0];
    const carried = new Set<string>();
    for (const ns of namespaces) for (const v of index.get(ns)?.get(r.key) ?? []) carried.add(v);
    if (carried.has(wanted)) continue;
    const near = [...carried]
      .map((v) => ({ v, d: editDistance(v, wanted) }))
      .filter((c) => c.d <= 2 && c.d * 3 <= Math.max(c.v.length, wanted.length))
      .sort((a, b) => a.d - b.d || (a.v < b.v ? -1 : 1));
    for (const { v } of near) {
      const fixed: Selector = {
        ...selector,
        requirements: selector.requirements.map((x, j) => (j === i ? { ...x, values: [v] } : x)),
      };
      const n = namespaces.reduce((sum, ns) => sum + selectPods(model, ns, fixed).length, 0);
      if (n) return `${n} pod(s) carry ${r.key}=${v}: did you mean ${r.key}: ${v}?`;
    }
  }
  return undefined;
}
