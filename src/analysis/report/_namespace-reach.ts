import type { Pod } from '../../model/types.ts';
import type { PolicyEngine } from '../policy/index.ts';
import { buildReachPlan, rowSources, ReachScratch } from '../matrix/index.ts';

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Which namespace reaches which, read from the class-level reachability once (NetworkPolicy alone, enforced;
 * the rows of `computeReachability` from the kernel over the flat plan, `buildReachPlan` and `rowSources`):
 * namespace G reaches H when some laid-out pod of G may reach another laid-out pod of H on some port class. Per
 * destination class d (of namespace H), each allowed source class s (of namespace G) marks (G, H) unless the only
 * pair is a pod with itself (s = d with a single pod); the sources every open class reaches (`everyone`) mark
 * every namespace with an open class. The same answer as a matrix by namespace over one port per port class
 * with `allowedPairs > 0`, without its pair counts (no class triples kept, no rows built): what the posture asks.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/
 * Returns `reach[G * N + H]` over the namespaces (sorted) of the pods laid out.
 */
export function namespaceReachMatrix(
  engine: PolicyEngine,
  pods: readonly Pod[],
): { readonly names: readonly string[]; readonly reach: Uint8Array } {
  const names = [...new Set(pods.map((p) => p.namespace))].sort(cmp);
  const N = names.length;
  const index = new Map(names.map((n, i) => [n, i]));
  const C = engine.classes.length;
  // Per class: its laid-out pods and their namespace (a class lies in one namespace).
  const size = new Float64Array(C);
  const nsOf = new Int32Array(C).fill(-1);
  for (const p of pods) {
    const c = engine.classOf(p)!.id;
    size[c]++;
    nsOf[c] = index.get(p.namespace)!;
  }
  // Per namespace: its open classes (no egress policy isolates them), and the one when it has just one.
  const openCount = new Int32Array(N);
  const oneOpen = new Int32Array(N).fill(-1);
  const present = new Uint8Array(C);
  for (const c of engine.classes) {
    if (!size[c.id]) continue;
    present[c.id] = 1;
    if (engine.policiesOf(c, 'Egress').length) continue;
    oneOpen[nsOf[c.id]] = c.id;
    openCount[nsOf[c.id]]++;
  }
  // An allowed (s, d) holds a pair of two pods unless s = d has a single pod.
  const pairs = (s: number, d: number) => s !== d || size[s] >= 2;
  const reach = new Uint8Array(N * N);
  const { plan } = buildReachPlan(engine);
  const scratch = new ReachScratch(plan);
  for (let k = 0; k < plan.chunks; k++)
    for (let d = 0; d < plan.C; d++) {
      if (!present[d]) continue;
      const H = nsOf[d];
      const everyone = rowSources(plan, d, k, scratch, (s, mask) => {
        if (mask && present[s] && pairs(s, d)) reach[nsOf[s] * N + H] = 1;
      });
      if (everyone)
        for (let G = 0; G < N; G++)
          if (openCount[G] > 1 || (openCount[G] === 1 && pairs(oneOpen[G], d))) reach[G * N + H] = 1;
    }
  return { names, reach };
}
