import assert from 'node:assert/strict';
import { assertContext } from '../../src/analysis/assert/_runner.ts';
import { routeHandler } from '../../src/analysis/assert/_route.ts';
import { isProblem, type AssertContext, type Outcome } from '../../src/analysis/assert/types.ts';

/** A `route:` entry of `kubetwin test`, parsed (it must parse) and evaluated in `ctx`. */
export function evaluateRouteEntry(ctx: AssertContext, route: unknown, expect: unknown): Outcome {
  const q = routeHandler.parse(route, expect);
  assert.ok(!isProblem(q), JSON.stringify(q));
  return routeHandler.evaluate(q, ctx);
}

export { assertContext };
