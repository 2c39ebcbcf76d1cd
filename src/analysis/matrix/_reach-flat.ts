import type { PolicyEngine } from '../policy/index.ts';
import type { PortClass } from './_port-classes.ts';
import type { Reachability } from './_reachability.ts';
import { buildReachPlan, type ReachPlan } from './_reach-plan.ts';
import { countRows } from './_reach-kernel.ts';

/**
 * The full reachability of the NetworkPolicy tier counted on one thread over the flat plan (`_reach-plan.ts`):
 * the same triples as `computeReachability`, row by row over typed arrays. `src/workers/reach-pool.ts` counts the
 * same plan's rows on several threads.
 */
export function computeFlatReachability(
  engine: PolicyEngine,
  options: { ports?: readonly PortClass[]; bigAt?: number; chunk?: number } = {},
): Reachability & { readonly plan: ReachPlan } {
  const { plan, ports } = buildReachPlan(engine, options);
  return { classes: plan.C, portClasses: ports, allowedTriples: countRows(plan, 0, plan.C), plan };
}
