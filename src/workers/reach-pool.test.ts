import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildYaml } from '../cluster/_test-helpers.ts';
import { PolicyEngine } from '../analysis/policy/index.ts';
import { clusterArb, toYaml } from '../analysis/policy/_cluster-arb.ts';
import {
  buildReachPlan,
  countRows,
  rowBits,
  ReachScratch,
  type ReachPlan,
} from '../analysis/matrix/index.ts';
import { countRowsParallel, rowsParallel, stopReachPool } from './reach-pool.ts';
import { generateCluster } from '../../bench/generate.ts';
import { buildCluster } from '../cluster/index.ts';

after(() => stopReachPool());

/** Every row of the plan on the calling thread alone. */
function singleRows(plan: ReachPlan): Uint32Array {
  const size = plan.P * plan.W;
  const out = new Uint32Array(plan.C * size);
  const scratch = new ReachScratch(plan);
  for (let d = 0; d < plan.C; d++) rowBits(plan, d, out.subarray(d * size, (d + 1) * size), scratch);
  return out;
}

/** Threads forced on (no size threshold), one class per block so threads interleave. */
const modes = [
  { threads: 2, minClasses: 0, block: 1 },
  { threads: 3, minClasses: 0, block: 1 },
  // The workers alone: their part is the whole answer.
  { threads: 2, minClasses: 0, block: 1, mainThread: false },
];

async function sameOnThreads(engine: PolicyEngine, options: { bigAt?: number; chunk?: number } = {}) {
  const { plan } = buildReachPlan(engine, { ...options, shared: true });
  const want = singleRows(plan);
  const count = countRows(plan, 0, plan.C);
  for (const mode of modes) {
    assert.equal(await countRowsParallel(plan, mode), count, `count ${JSON.stringify(mode)}`);
    const rows = await rowsParallel(plan, mode);
    assert.ok(
      Buffer.compare(Buffer.from(rows.buffer), Buffer.from(want.buffer)) === 0,
      `rows ${JSON.stringify(mode)}`,
    );
  }
}

test('property: the multi-thread reachability equals the single-thread one bit for bit (counts and every row)', async () => {
  await fc.assert(
    fc.asyncProperty(clusterArb, async (c) => {
      const engine = new PolicyEngine(buildYaml(toYaml(c)).model);
      for (const options of [{}, { bigAt: 1 }, { chunk: 1 }]) await sameOnThreads(engine, options);
    }),
    { numRuns: 60, seed: 17 },
  );
});

test('multi-thread reachability of a generated cluster (random labels, 3,000 pods) equals the single-thread one', async () => {
  const { objects, profile } = generateCluster({ family: 'random-labels', pods: 3000, policies: 1500 });
  const engine = new PolicyEngine(buildCluster(objects, { profile }).model);
  assert.ok(engine.classes.length > 1000);
  await sameOnThreads(engine);
  await sameOnThreads(engine, { bigAt: 1 });
});
