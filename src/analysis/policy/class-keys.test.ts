/**
 * `ClassKeys`, the table `buildClasses` finds a class in by (namespace number, numeric class key): it answers as a
 * map of those pairs would, for keys past 2^32 and namespaces whose keys collide, and keeps its entries outside
 * the JS object graph (design note 0008, seventeenth session).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { ClassKeys } from './_class-keys.ts';

const seed = Number(process.env.KUBETWIN_PROPERTY_SEED ?? 20261205);

test('property: ClassKeys finds exactly the (namespace, key) pairs stored, with their values, keys past 2^32 included', () => {
  const key = fc.oneof(
    fc.integer({ min: 0, max: 40 }),
    fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    // The same low 32 bits, different high ones.
    fc.integer({ min: 0, max: 7 }).map((hi) => hi * 2 ** 32 + 5),
  );
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), key), { maxLength: 1_500 }),
      fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), key), { maxLength: 200 }),
      fc.boolean(),
      (stores, probes, oneChain) => {
        // With every pair hashed alike, each lookup walks past pairs of other namespaces and keys.
        const table = oneChain ? new ClassKeys(() => 7) : new ClassKeys();
        const reference = new Map<string, number>();
        for (const [ns, k] of stores) {
          const id = `${ns}/${k}`;
          if (reference.has(id)) continue;
          reference.set(id, reference.size);
          table.set(ns, k, reference.size - 1);
        }
        for (const [ns, k] of [...stores, ...probes])
          assert.equal(table.get(ns, k), reference.get(`${ns}/${k}`) ?? -1, `${ns}/${k}`);
      },
    ),
    { numRuns: 200, seed },
  );
});

test('ClassKeys: 100,000 classes keep their keys in typed arrays, not in heap objects', () => {
  // A Map<number, class> per namespace held ~40 bytes of hash-table objects a class, which lived through the
  // class walk's scavenges into the old generation (~4 MB at the random-label family's 100k classes).
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  // One table per call, so a table of an earlier round is not live when the next one's baseline is taken.
  const kept = (): number => {
    gc();
    const before = process.memoryUsage().heapUsed;
    const table = new ClassKeys();
    for (let i = 0; i < 100_000; i++) table.set(i % 100, i * 2 + 1, i);
    gc();
    const out = process.memoryUsage().heapUsed - before;
    assert.equal(table.get(99_999 % 100, 99_999 * 2 + 1), 99_999);
    return out;
  };
  const least = Math.min(kept(), kept());
  assert.ok(least < 64 * 1024, `${Math.round(least / 1024)} kB of heap for 100k entries`);
});
