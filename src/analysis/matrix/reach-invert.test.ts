/**
 * The inverted egress index (`_reach-invert.ts`): its units (the egress rules' distinct peer sets) and its passes
 * over ranges of units, which `src/workers/reach-pool.ts` runs on several threads: the ranges cover every unit
 * once, in order, with about equal work each; passes over them write the index of one pass over every unit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { egressUnits, invert, invertOffsets, invertPass, invertRanges, type InvertScan } from './index.ts';

/** Random peer sets of C classes (up to 70) and units over them (a set may be named by several units here). */
const scanArb = fc
  .record({
    C: fc.integer({ min: 1, max: 70 }),
    sets: fc.array(fc.uniqueArray(fc.nat(69), { maxLength: 20 }), { minLength: 1, maxLength: 8 }),
    units: fc.array(fc.nat(7), { maxLength: 20 }),
  })
  .map(({ C, sets, units }): InvertScan => {
    const members = sets.map((s) => s.filter((c) => c < C).sort((a, b) => a - b));
    return {
      C,
      unitSet: Int32Array.from(units.filter((k) => k < members.length)),
      setStart: Int32Array.from([0, ...members.map((_, k) => members.slice(0, k + 1).flat().length)]),
      setIds: Int32Array.from(members.flat()),
    };
  });

/** The index by its definition: per class, the units (ascending) whose set holds it. */
function byDefinition(s: InvertScan): number[][] {
  return Array.from({ length: s.C }, (_, d) =>
    [...s.unitSet.keys()].filter((u) =>
      s.setIds.subarray(s.setStart[s.unitSet[u]], s.setStart[s.unitSet[u] + 1]).includes(d),
    ),
  );
}

test('property: passes over consecutive ranges of egress units write the index of its definition, for 1 to 4 ranges', () => {
  fc.assert(
    fc.property(scanArb, fc.integer({ min: 1, max: 4 }), (s, parts) => {
      const bounds = invertRanges(s, parts);
      const U = s.unitSet.length;
      assert.equal(bounds.length, parts + 1);
      assert.equal(bounds[0], 0);
      assert.equal(bounds[parts], U);
      for (let t = 0; t < parts; t++) assert.ok(bounds[t] <= bounds[t + 1]);
      const counts = Array.from({ length: parts }, () => new Int32Array(s.C));
      for (let t = 0; t < parts; t++) invertPass(s, bounds[t], bounds[t + 1], counts[t]);
      const start = new Int32Array(s.C + 1);
      const at = invertOffsets(s.C, counts, start, (n) => new Int32Array(n));
      const units = new Int32Array(start[s.C]);
      // Filled in reverse order of ranges: each range writes at its own offsets, so the order of threads is free.
      for (let t = parts - 1; t >= 0; t--)
        invertPass(s, bounds[t], bounds[t + 1], counts[t], { at: at[t], units });
      const want = byDefinition(s);
      for (let d = 0; d < s.C; d++)
        assert.deepEqual(Array.from(units.subarray(start[d], start[d + 1])), want[d], `class ${d}`);
      const one = invert(s, (n) => new Int32Array(n));
      assert.deepEqual([...one.start], [...start]);
      assert.deepEqual([...one.units], [...units]);
    }),
    { numRuns: 1000, seed: 5 },
  );
});

test('egress units are cut into ranges of about equal work (members of their sets)', () => {
  // Unit u names set u; set sizes 1, 1, 1, 1, 8, 1, 1, 1, 1 (work 16): two ranges cut just after the big unit.
  const sizes = [1, 1, 1, 1, 8, 1, 1, 1, 1];
  const setStart = Int32Array.from([
    0,
    ...sizes.map((_, k) => sizes.slice(0, k + 1).reduce((a, b) => a + b)),
  ]);
  const s = { unitSet: Int32Array.from(sizes.map((_, u) => u)), setStart };
  assert.deepEqual(invertRanges(s, 2), [0, 5, 9]);
  assert.deepEqual(invertRanges(s, 1), [0, 9]);
});

/**
 * Egress rules whose peers select the same classes share one set (`PeerSets` shares sets by peer content), so the
 * index lists the set once per member: a unit per distinct non-empty set, in order of first use, with every rule
 * naming it once; rules without peers and empty sets are in no unit.
 */
test('property: egress rules naming the same peer set share one unit, each rule listed once; empty sets and peer-less rules in none', () => {
  const rulesArb = fc.record({
    sizes: fc.array(fc.nat(3), { minLength: 1, maxLength: 6 }),
    rules: fc.array(fc.option(fc.array(fc.nat(5), { maxLength: 3 }), { nil: undefined }), { maxLength: 12 }),
  });
  fc.assert(
    fc.property(rulesArb, ({ sizes, rules }) => {
      const setStart = Int32Array.from([
        0,
        ...sizes.map((_, k) => sizes.slice(0, k + 1).reduce((a, b) => a + b)),
      ]);
      // Egress rule e is plan rule e; undefined: a rule without peers.
      const peers = rules.map((r) => (r ?? []).filter((k) => k < sizes.length));
      const p = {
        egRule: Int32Array.from(rules.map((_, e) => e)),
        ruleAllPeers: Uint8Array.from(rules.map((r) => (r === undefined ? 1 : 0))),
        rulePeerStart: Int32Array.from([0, ...peers.map((_, e) => peers.slice(0, e + 1).flat().length)]),
        rulePeers: Int32Array.from(peers.flat()),
        setStart,
      };
      const got = egressUnits(p, (n) => new Int32Array(n));
      const want = new Map<number, number[]>();
      peers.forEach((ks, e) => {
        if (rules[e] === undefined) return;
        for (const k of ks) {
          if (sizes[k] === 0) continue;
          const list = want.get(k) ?? [];
          if (!list.includes(e)) list.push(e);
          want.set(k, list);
        }
      });
      assert.deepEqual([...got.unitSet], [...want.keys()]);
      assert.deepEqual(
        [...got.unitSet].map((_, u) => [
          ...got.unitRules.subarray(got.unitRuleStart[u], got.unitRuleStart[u + 1]),
        ]),
        [...want.values()],
      );
    }),
    { numRuns: 1000, seed: 7 },
  );
});
