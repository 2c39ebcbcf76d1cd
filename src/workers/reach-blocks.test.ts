/**
 * The rows' blocks on several threads (`forBlocks`, `reach-worker.ts`): every destination class is dealt to
 * exactly one thread, and each thread starts in its own segment of the classes, so that neighbouring rows (which
 * meet the same pieces of peer sets) stay on one thread.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { blocksOf, forBlocks } from './reach-worker.ts';

test('property: blocks deal every class to exactly one part, each part starting in its own segment', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 400 }),
      fc.integer({ min: 1, max: 4 }),
      fc.integer({ min: 1, max: 64 }),
      fc.array(fc.nat(3), { maxLength: 8 }),
      (C, parts, block, order) => {
        const blocks = blocksOf(C, parts, block);
        const taken = new Int32Array(C);
        // Parts run one after another in a random order (each to the end: the later ones find only what is left).
        const runs = [...order.filter((t) => t < parts), ...Array.from({ length: parts }, (_, t) => t)];
        const firsts: number[] = [];
        for (const t of runs) {
          let first = -1;
          forBlocks(blocks, t, (lo, hi) => {
            assert.ok(0 <= lo && lo < hi && hi <= C && hi - lo <= block, `block [${lo}, ${hi})`);
            if (first < 0) first = lo;
            for (let d = lo; d < hi; d++) taken[d]++;
          });
          firsts.push(first);
        }
        assert.deepEqual(
          [...taken],
          Array.from({ length: C }, () => 1),
        );
        // The first part to run takes the first block of its own segment (when that segment holds a class).
        const t0 = runs[0];
        if (blocks.bounds[t0] < blocks.bounds[t0 + 1]) assert.equal(firsts[0], blocks.bounds[t0]);
      },
    ),
    { numRuns: 1000, seed: 17 },
  );
});
