/**
 * Label parts (`LabelParts`, `_label-parts.ts`): two labels objects share a part exactly when they have the same
 * value for every label key selectors read and the same of those keys absent — what a class needs of its pods'
 * labels, since selectors read nothing else
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LabelParts } from './_label-parts.ts';

const seed = Number(process.env.KUBETWIN_PROPERTY_SEED ?? 20261204);

/** The definition: the read keys present, sorted, with their values. */
const content = (labels: Record<string, string>, keys: ReadonlySet<string>) =>
  JSON.stringify(
    Object.keys(labels)
      .filter((k) => keys.has(k))
      .sort()
      .map((k) => [k, labels[k]]),
  );

test('property: LabelParts — labels share a part exactly when they hold the same values of the keys selectors read, numbered in first-use order, also when every hash collides', () => {
  const pool = ['app', 'ap', 'pa', 'tier', 'zone', 'team', 'env'];
  const labelsArb = fc.dictionary(fc.constantFrom(...pool, 'unread'), fc.constantFrom('a', 'b', 'ab', ''), {
    maxKeys: 5,
  });
  fc.assert(
    fc.property(
      fc.array(labelsArb, { minLength: 1, maxLength: 40 }),
      // 1–4 keys: each read in sorted order; 5 or more: the labels' own keys walked and sorted.
      fc.subarray(pool, { minLength: 1 }),
      fc.boolean(),
      (all, keyList, collide) => {
        const keys = new Set(keyList);
        const parts = collide ? new LabelParts(keys, () => 7) : new LabelParts(keys);
        const reference = new Map<string, number>();
        for (const labels of all) {
          // Each labels object its own copy: parts are found by content, not identity.
          const c = content(labels, keys);
          if (!reference.has(c)) reference.set(c, reference.size);
          assert.equal(parts.idOf({ ...labels }), reference.get(c), c);
        }
        assert.equal(parts.size, reference.size);
      },
    ),
    { numRuns: 500, seed },
  );
});

test('property: LabelParts table — over thousands of labels objects the part numbers are those of a Map keyed by the read pairs, while the table doubles, a labels object holds more read keys than the scratch, and keys come in any order', () => {
  // Twelve read keys (more than the scratch's eight), six values: enough distinct parts to double the table
  // (1,024 slots, half full) and the part arrays (512 parts) several times.
  const pool = Array.from({ length: 12 }, (_, i) => `k${i}`);
  const labelsArb = fc.dictionary(
    fc.constantFrom(...pool, 'unread', 'other'),
    fc.constantFrom('a', 'b', 'c', 'd', 'e', ''),
    {
      maxKeys: 14,
    },
  );
  fc.assert(
    fc.property(
      fc.array(labelsArb, { minLength: 1200, maxLength: 3000, size: 'max' }),
      fc.subarray(pool, { minLength: 5 }),
      fc.boolean(),
      (all, keyList, collide) => {
        const keys = new Set(keyList);
        // Every hash equal: a probe walks every part, so fewer labels objects.
        const objects = collide ? all.slice(0, 300) : all;
        const parts = collide ? new LabelParts(keys, () => -5) : new LabelParts(keys);
        const reference = new Map<string, number>();
        for (const labels of objects) {
          const c = content(labels, keys);
          if (!reference.has(c)) reference.set(c, reference.size);
          assert.equal(parts.idOf(labels), reference.get(c), c);
        }
        // Asked again, in reverse: every labels object finds the part it was given.
        for (let i = objects.length - 1; i >= 0; i--)
          assert.equal(parts.idOf(objects[i]), reference.get(content(objects[i], keys)));
        assert.equal(parts.size, reference.size);
      },
    ),
    // No shrinking: a failing case of thousands of labels objects would shrink for minutes.
    { numRuns: 60, seed, endOnFailure: true },
  );
});
