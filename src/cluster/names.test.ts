import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fnv32a, fnv32aDecimal, stableSuffix, stableSuffixAt, templateHash } from './_names.ts';

test('fnv32aDecimal hashes a number exactly as fnv32a hashes its decimal text', () => {
  fc.assert(
    fc.property(fc.nat({ max: 2 ** 33 }), (n) => assert.equal(fnv32aDecimal(n), fnv32a(String(n)))),
    { numRuns: 5000 },
  );
  for (const n of [0, 9, 10, 4294967295, 4294967300]) assert.equal(fnv32aDecimal(n), fnv32a(String(n)));
});

test('stable names: the same seed gives the same 5-character suffix as before the digit hashing', () => {
  // Values printed by the string-based encoding this replaces (the golden scenarios pin many more).
  assert.equal(stableSuffix('web-6d4cf56db6/0'), 'nwprk');
  assert.equal(stableSuffix('load-0/x/1'), '92tth');
  assert.equal(templateHash('{"a":1}'), 'l9wrt4ggf5');
});

test('stableSuffixAt: a series name hashed from its prefix equals the suffix of the whole seed', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 40 }), fc.nat({ max: 2 ** 33 }), (prefix, n) =>
      assert.equal(stableSuffixAt(fnv32a(prefix), n), stableSuffix(`${prefix}${n}`)),
    ),
    { numRuns: 5000 },
  );
  assert.equal(stableSuffixAt(fnv32a('web-6d4cf56db6/'), 0), 'nwprk');
});
