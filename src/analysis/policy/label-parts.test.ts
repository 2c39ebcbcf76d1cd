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
