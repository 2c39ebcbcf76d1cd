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
import {
  buildReachPlanParallel,
  countRowsParallel,
  heldScratch,
  rowsParallel,
  stopReachPool,
} from './reach-pool.ts';
import { e2eTopology, engineFor, np } from '../analysis/policy/_test-helpers.ts';
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

/** Every array of two plans equal, element for element (the inverted index included). */
function samePlan(got: ReachPlan, want: ReachPlan, label: string) {
  for (const [key, value] of Object.entries(want)) {
    const other = (got as unknown as Record<string, unknown>)[key];
    if (ArrayBuffer.isView(value))
      assert.deepEqual(Array.from(other as Int32Array), Array.from(value as Int32Array), `${key} ${label}`);
    else assert.equal(other, value, `${key} ${label}`);
  }
}

/**
 * The inverted egress index built on several threads (each counts, then fills, its range of egress rules after
 * the earlier ranges' entries) is the single-thread index, entry for entry and in the same order.
 */
test('property: the plan built with its inverted index on several threads equals the single-thread plan', async () => {
  await fc.assert(
    fc.asyncProperty(clusterArb, async (c) => {
      const engine = new PolicyEngine(buildYaml(toYaml(c)).model);
      for (const options of [{}, { bigAt: 1 }]) {
        const { plan: want } = buildReachPlan(engine, options);
        for (const mode of [
          { threads: 2, minClasses: 0 },
          { threads: 3, minClasses: 0 },
          { threads: 2, minClasses: 0, mainThread: false },
        ]) {
          const { plan } = await buildReachPlanParallel(engine, { ...options, ...mode });
          samePlan(plan, want, JSON.stringify({ ...options, ...mode }));
        }
      }
    }),
    { numRuns: 60, seed: 23 },
  );
});

test('the plan of a generated cluster (random labels, 3,000 pods) is the same with its index built on two threads', async () => {
  const { objects, profile } = generateCluster({ family: 'random-labels', pods: 3000, policies: 1500 });
  const engine = new PolicyEngine(buildCluster(objects, { profile }).model);
  const { plan: want } = buildReachPlan(engine);
  assert.ok(want.invUnits.length > 2_000, `${want.invUnits.length} index entries`);
  const { plan } = await buildReachPlanParallel(engine, { threads: 2, minClasses: 0 });
  samePlan(plan, want, 'random labels');
});

/**
 * A worker keeps its row scratch between jobs only while it fits the plan: a plan of as many classes and
 * namespaces whose passes hold more than 8 port classes needs 32-bit masks where the previous one had bytes.
 */
test('a worker counts a plan of more than 8 port classes per pass after one of at most 8 (same classes)', async () => {
  const ports = Array.from({ length: 12 }, (_, i) => `{port: ${80 + i}}`).join(', ');
  const engine = engineFor(
    e2eTopology(
      [
        np(
          'y-some-ports',
          'y',
          `  podSelector: {}\n  ingress:\n  - from: [{namespaceSelector: {}}]\n    ports: [${ports}]`,
        ),
        // Every source egress-isolated, so rows read the ingress masks a source keeps (not only what it adds).
        ...['x', 'y', 'z'].map((ns) =>
          np(`egress-all-${ns}`, ns, `  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{}]`),
        ),
      ].join('\n---\n'),
    ),
  );
  const workersOnly = { threads: 2, mainThread: false, minClasses: 0, block: 1 };
  for (const chunk of [8, 30, 8, 30]) {
    const { plan } = buildReachPlan(engine, { chunk, shared: true });
    assert.ok(plan.P > 8, `${plan.P} port classes`);
    assert.equal(await countRowsParallel(plan, workersOnly), countRows(plan, 0, plan.C), `chunk ${chunk}`);
  }
});

/**
 * The calling thread keeps its row scratch between counts, as each worker does: a new one per count allocated
 * its `PieceSources` again (17–30 MB of ArrayBuffers a count at random-label 100k/50k, which V8 counts towards
 * starting a full collection by external memory pressure). A plan of other sizes gets a new one, and a count that throws drops
 * it, so no later row starts on marks a failed row left.
 */
test('the calling thread keeps its row scratch between counts of plans it fits, and drops it after a count that throws', async () => {
  const { objects, profile } = generateCluster({ family: 'random-labels', pods: 3000, policies: 1500 });
  const engine = new PolicyEngine(buildCluster(objects, { profile }).model);
  const both = { threads: 2, minClasses: 0 };
  const plans = [{}, { bigAt: 1 }, { chunk: 1 }].map(
    (o) => buildReachPlan(engine, { ...o, shared: true }).plan,
  );
  const want = countRows(plans[0], 0, plans[0].C);
  await countRowsParallel(plans[0], both);
  const kept = heldScratch();
  assert.ok(kept, 'a scratch is kept after a count');
  for (const plan of [...plans, ...plans]) {
    assert.equal(await countRowsParallel(plan, both), want);
    assert.equal(heldScratch(), kept, 'the same scratch for plans of the same sizes');
  }
  const failing = {
    ...plans[0],
    get inStart(): Int32Array {
      throw new Error('a row failed');
    },
  };
  await assert.rejects(countRowsParallel(failing, both), /a row failed/);
  assert.equal(heldScratch(), undefined, 'dropped after a count that threw');
  assert.equal(await countRowsParallel(plans[0], both), want, 'a new scratch counts as before');
  const small = new PolicyEngine(
    buildCluster(generateCluster({ family: 'random-labels', pods: 300, policies: 100 }).objects).model,
  );
  const { plan: other } = buildReachPlan(small, { shared: true });
  assert.equal(await countRowsParallel(other, both), countRows(other, 0, other.C));
  assert.notEqual(heldScratch(), kept, 'a plan of other sizes gets its own scratch');
});
