/**
 * The plan's peer sets (`_reach-sets.ts`): every set's classes and namespaces as compressed lists, the set of each
 * namespace entry (piece), and for each set of at least `bigAt` classes a bitset holding exactly its members.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { planSets } from './index.ts';

const alloc = { i32: (n: number) => new Int32Array(n), u32: (n: number) => new Uint32Array(n) };

test('property: the plan keeps each peer set as its classes and namespaces, a piece per namespace, and a bitset of exactly its members when big', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 90 }),
      fc.array(fc.uniqueArray(fc.nat(89), { maxLength: 40 }), { maxLength: 8 }),
      fc.integer({ min: 0, max: 12 }),
      (C, raw, bigAt) => {
        const members = raw.map((s) => s.filter((c) => c < C).sort((a, b) => a - b));
        const sets = {
          sets: members.map((m) => Int32Array.from(m)),
          // Namespaces of ten classes each.
          namespacesOf: members.map((m) => Int32Array.from(new Set(m.map((c) => Math.floor(c / 10))))),
        };
        const W = (C + 31) >>> 5;
        const p = planSets(sets, W, bigAt, alloc);
        members.forEach((m, k) => {
          assert.deepEqual(Array.from(p.setIds.subarray(p.setStart[k], p.setStart[k + 1])), m, `set ${k}`);
          const ns = Array.from(p.setNs.subarray(p.setNsStart[k], p.setNsStart[k + 1]));
          assert.deepEqual(ns, Array.from(sets.namespacesOf[k]), `set ${k} namespaces`);
          for (let y = p.setNsStart[k]; y < p.setNsStart[k + 1]; y++) assert.equal(p.pieceSet[y], k);
          if (m.length < bigAt) return assert.equal(p.setDense[k], -1, `set ${k} small`);
          const off = p.setDense[k];
          assert.ok(off >= 0 && off + W <= p.dense.length, `set ${k} bitset`);
          for (let c = 0; c < 32 * W; c++)
            assert.equal(
              (p.dense[off + (c >>> 5)] >>> (c & 31)) & 1,
              m.includes(c) ? 1 : 0,
              `set ${k} class ${c}`,
            );
        });
        assert.equal(p.setStart[members.length], p.setIds.length);
      },
    ),
    { numRuns: 400 },
  );
});
