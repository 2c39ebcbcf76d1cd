import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fnv32a, fnv32aDecimal, safeEncode, stableSuffix, stableSuffixAt, templateHash } from './_names.ts';

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

test('safeEncode: each character is the remainder by the alphabet, then the quotient mixed with the digits hash', () => {
  // The encoding as first written, with `%` and the string hash: the faster one must give the same names.
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  const reference = (n: number, length: number) => {
    let out = '';
    let v = n >>> 0;
    for (let i = 0; i < length; i++) {
      out += alphabet[v % alphabet.length];
      v = (Math.floor(v / alphabet.length) ^ fnv32a(String(v + i))) >>> 0;
    }
    return out;
  };
  fc.assert(
    fc.property(fc.nat({ max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 12 }), (n, length) =>
      assert.equal(safeEncode(n, length), reference(n, length)),
    ),
    { numRuns: 5000 },
  );
  for (const n of [0, 26, 27, 2 ** 30 - 1, 2 ** 30, 2 ** 31, 2 ** 32 - 1])
    assert.equal(safeEncode(n, 10), reference(n, 10));
});
