/**
 * The inverted egress index's passes over ranges of rules (`_reach-invert.ts`), which `src/workers/reach-pool.ts`
 * runs on several threads: the ranges cover every rule once, in order, with about equal work each; passes over
 * them write the index of one pass over every rule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { invertOffsets, invertPass, invertRanges, type InvertScan } from './index.ts';

/**
 * Random egress rules over random peer sets of C classes (up to 70: more than two words per namespace), each
 * namespace admitted or not per class, or every namespace.
 */
const scanArb = fc
  .record({
    C: fc.integer({ min: 1, max: 70 }),
    sets: fc.array(fc.uniqueArray(fc.nat(69), { maxLength: 20 }), { minLength: 1, maxLength: 8 }),
    rules: fc.array(fc.record({ ns: fc.nat(2), peers: fc.array(fc.nat(7), { maxLength: 3 }) }), {
      maxLength: 20,
    }),
    admitted: fc.array(fc.nat(8), { minLength: 70, maxLength: 70 }),
  })
  .map(({ C, sets, rules, admitted }): InvertScan & { admitted: number[] } => {
    // 8: every namespace (the `every` bitset); else bits of namespaces 0–2.
    const W = (C + 31) >>> 5;
    const admits = new Uint32Array(3 * W);
    const every = new Uint32Array(W);
    for (let d = 0; d < C; d++)
      if (admitted[d] === 8) every[d >>> 5] |= 1 << (d & 31);
      else
        for (let n = 0; n < 3; n++) if ((admitted[d] >>> n) & 1) admits[n * W + (d >>> 5)] |= 1 << (d & 31);
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
      admits,
      every,
      W,
      admitted: admitted.slice(0, C).map((a) => (a === 8 ? 7 : a)),
    };
  });

/** The index by its definition: per class, the rules (ascending) with it in a peer set and its namespace admitted. */
function byDefinition(s: InvertScan & { admitted: number[] }): number[][] {
  return Array.from({ length: s.C }, (_, d) => {
    const out: number[] = [];
    for (let e = 0; e < s.egRule.length; e++) {
      if (((s.admitted[d] >>> s.egNs[e]) & 1) === 0) continue;
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
