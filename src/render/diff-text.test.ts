import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cutPair } from './diff-text.ts';

test('diff text: a long before/after pair keeps the part that differs, the common start elided', () => {
  const start =
    '200, e-commerce/api-gateway:8100, certificate secret-missing e-commerce/api-tls-cert (issued by ';
  const [before, after] = cutPair(`${start}ClusterIssuer/x missing)`, `${start}ClusterIssuer/x declared)`);
  assert.notEqual(before, after);
  assert.match(before, /^….*missing\)$/);
  assert.match(after, /^….*declared\)$/);
  assert.ok(before.length <= 90 && after.length <= 90);
  // Short pairs, and pairs that differ early, are left as they are (cut at the end).
  assert.deepEqual(cutPair('allowed', 'denied'), ['allowed', 'denied']);
  const [a] = cutPair(`x${'a'.repeat(120)}`, `y${'a'.repeat(120)}`);
  assert.equal(a.length, 90);
  assert.ok(a.startsWith('xa') && a.endsWith('…'));
});
