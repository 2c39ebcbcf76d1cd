import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sized } from './sized.ts';

test('sized: the same items in the same order; short arrays are copies, long ones kept', () => {
  for (const n of [0, 1, 2, 17, 63, 64, 200]) {
    const a: number[] = [];
    for (let i = 0; i < n; i++) a.push(i * 3);
    const b = sized(a);
    assert.deepStrictEqual(b, a);
    assert.equal(b === a, n >= 64);
  }
  const shared = { x: 1 };
  assert.equal(sized([shared])[0], shared);
});
