/**
 * The inverted egress index's passes over ranges of rules (`_reach-invert.ts`), which `src/workers/reach-pool.ts`
 * runs on several threads: the ranges cover every rule once, in order, with about equal work each; passes over
 * them write the index of one pass over every rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { invertOffsets, invertPass, invertRanges, type InvertScan } from './index.ts';

/** Random egress rules over random peer sets of C classes, every namespace admitted or not per class. */
const scanArb = fc
  .record({
    C: fc.integer({ min: 1, max: 40 }),
    sets: fc.array(fc.uniqueArray(fc.nat(39), { maxLength: 12 }), { minLength: 1, maxLength: 8 }),
    rules: fc.array(fc.record({ ns: fc.nat(2), peers: fc.array(fc.nat(7), { maxLength: 3 }) }), {
      maxLength: 20,
    }),
    admitted: fc.array(fc.nat(7), { minLength: 40, maxLength: 40 }),
  })
  .map(({ C, sets, rules, admitted }): InvertScan => {
    const members = sets.map((s) => s.filter((c) => c < C).sort((a, b) => a - b));
    const setStart = Int32Array.from([0, ...members.map((_, k) => members.slice(0, k + 1).flat().length)]);
    const peers = rules.map((r) => r.peers.filter((k) => k < members.length));
    return {
      C,
      egRule: rules.map((_, e) => e),
      egNs: rules.map((r) => r.ns),
      rulePeerStart: Int32Array.from([0, ...peers.map((_, e) => peers.slice(0, e + 1).flat().length)]),
      rulePeers: Int32Array.from(peers.flat()),
      setStart,
      setIds: Int32Array.from(members.flat()),
      bits: Uint32Array.from(admitted.slice(0, C)),
      words: 1,
    };
  });

/** The index by its definition: per class, the rules (ascending) with it in a peer set and its namespace admitted. */
function byDefinition(s: InvertScan): number[][] {
  return Array.from({ length: s.C }, (_, d) => {
    const out: number[] = [];
    for (let e = 0; e < s.egRule.length; e++) {
      if (((s.bits[d] >>> s.egNs[e]) & 1) === 0) continue;
      let hit = false;
      for (let x = s.rulePeerStart[e]; x < s.rulePeerStart[e + 1]; x++)
        for (let y = s.setStart[s.rulePeers[x]]; y < s.setStart[s.rulePeers[x] + 1]; y++)
          hit ||= s.setIds[y] === d;
      if (hit) out.push(e);
    }
    return out;
  });
}

test('property: passes over consecutive ranges of egress rules write the index of its definition, for 1 to 4 ranges', () => {
  fc.assert(
    fc.property(scanArb, fc.integer({ min: 1, max: 4 }), (s, parts) => {
      const bounds = invertRanges(s, parts);
      const E = s.egRule.length;
      assert.equal(bounds.length, parts + 1);
      assert.equal(bounds[0], 0);
      assert.equal(bounds[parts], E);
      for (let t = 0; t < parts; t++) assert.ok(bounds[t] <= bounds[t + 1]);
      const counts = Array.from({ length: parts }, () => new Int32Array(s.C));
      for (let t = 0; t < parts; t++) invertPass(s, bounds[t], bounds[t + 1], counts[t]);
      const start = new Int32Array(s.C + 1);
      const at = invertOffsets(s.C, counts, start, (n) => new Int32Array(n));
      const rules = new Int32Array(start[s.C]);
      // Filled in reverse order of ranges: each range writes at its own offsets, so the order of threads is free.
      for (let t = parts - 1; t >= 0; t--)
        invertPass(s, bounds[t], bounds[t + 1], counts[t], { at: at[t], rules });
      const want = byDefinition(s);
      for (let d = 0; d < s.C; d++)
        assert.deepEqual(Array.from(rules.subarray(start[d], start[d + 1])), want[d], `class ${d}`);
    }),
    { numRuns: 1000, seed: 5 },
  );
});

test('egress rules are cut into ranges of about equal work (members of their peer sets)', () => {
  // Rule e names set e; set sizes 1, 1, 1, 1, 8, 1, 1, 1, 1 (work 16): two ranges cut just after the big rule.
  const sizes = [1, 1, 1, 1, 8, 1, 1, 1, 1];
  const setStart = Int32Array.from([
    0,
    ...sizes.map((_, k) => sizes.slice(0, k + 1).reduce((a, b) => a + b)),
  ]);
  const s = {
    egRule: sizes.map((_, e) => e),
    rulePeerStart: Int32Array.from([0, ...sizes.map((_, e) => e + 1)]),
    rulePeers: Int32Array.from(sizes.map((_, e) => e)),
    setStart,
  };
  assert.deepEqual(invertRanges(s, 2), [0, 5, 9]);
  assert.deepEqual(invertRanges(s, 1), [0, 9]);
});
