import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sortedKeys } from './_fields.ts';

test('sortedKeys: the keys in the order Object.keys(m).sort() gives, integer-like and non-ASCII keys included', () => {
  const words = ['app', 'a', 'b', 'App', '9', '10', '01', 'é', 'z', 'k8s.io/x', '', 'tier', '😀', '\uffff'];
  let seed = 3;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  let unsortedSeen = 0;
  for (let n = 0; n < 3000; n++) {
    const m: Record<string, string> = {};
    for (let k = next() % 5; k > 0; k--) m[words[next() % words.length]] = 'v';
    const expected = Object.keys(m).sort();
    if (expected.join('\0') !== Object.keys(m).join('\0')) unsortedSeen++;
    assert.deepEqual(sortedKeys(m), expected);
  }
  assert.ok(unsortedSeen > 300, 'maps whose keys come out of order are tried');
  assert.deepEqual(sortedKeys({ b: 1, a: 2 }), ['a', 'b']);
  assert.deepEqual(sortedKeys({ 10: 1, 9: 2 }), ['10', '9']); // Object.keys gives 9, 10; the sort is by code units
});
