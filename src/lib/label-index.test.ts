/**
 * `LabelIndex.any` answers what `select(…).length > 0` answers (label selector semantics,
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors), stopping at the
 * first match instead of listing every item: on random items and selectors (equality and set requirements, `{}`
 * and the null selector).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { LabelIndex } from './label-index.ts';
import type { Labels, Selector } from './labels.ts';

const seed = Number(process.env.KUBETWIN_PROPERTY_SEED ?? 20261203);
const keys = ['app', 'tier', 'team'];
const values = ['a', 'b', 'c'];
const labelsArb = fc.dictionary(fc.constantFrom(...keys), fc.constantFrom(...values), { maxKeys: 3 });
const requirementArb = fc.oneof(
  fc.record({
    key: fc.constantFrom(...keys),
    operator: fc.constantFrom('In' as const, 'NotIn' as const),
    values: fc.uniqueArray(fc.constantFrom(...values), { minLength: 1, maxLength: 2 }),
  }),
  fc.record({
    key: fc.constantFrom(...keys),
    operator: fc.constantFrom('Exists' as const, 'DoesNotExist' as const),
    values: fc.constant([] as string[]),
  }),
);
const selectorArb: fc.Arbitrary<Selector> = fc.oneof(
  fc.record({ requirements: fc.array(requirementArb, { maxLength: 3 }) }),
  fc.constant({ requirements: [], nothing: true }),
);

test('label index: any(selector) is select(selector).length > 0', () => {
  fc.assert(
    fc.property(fc.array(labelsArb, { maxLength: 12 }), selectorArb, (items: Labels[], selector) => {
      const index = new LabelIndex(items, (l) => l);
      assert.equal(index.any(selector), index.select(selector).length > 0);
    }),
    { seed, numRuns: 500 },
  );
});
