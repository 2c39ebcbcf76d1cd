import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { formatPath } from './raw-object.ts';
import type { PathSegment } from './raw-object.ts';

/** The path text as kubectl prints it, written out by concatenation (the form `formatPath` remembers). */
function reference(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_$][A-Za-z0-9_$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

test('formatPath: kubectl-style path text (dots for plain keys, brackets for indexes and other keys)', () => {
  assert.equal(formatPath([]), '');
  assert.equal(formatPath(['spec', 'ports', 0, 'targetPort']), 'spec.ports[0].targetPort');
  assert.equal(
    formatPath(['metadata', 'labels', 'app.kubernetes.io/name']),
    'metadata.labels["app.kubernetes.io/name"]',
  );
  assert.equal(formatPath([0, 'a']), '[0].a');
  assert.equal(formatPath(['1']), '["1"]');
  assert.equal(formatPath([1]), '[1]');
});

test('formatPath: the remembered texts equal the concatenated text on random paths, past the bound that empties them', () => {
  const seg = fc.oneof(
    fc.constantFrom('spec', 'ingress', 'from', 'a.b', '0', '', '$x', 'k8s.io/n', '"q"'),
    fc.nat({ max: 40 }),
    fc.string({ maxLength: 4 }),
  );
  fc.assert(
    fc.property(fc.array(seg, { maxLength: 6 }), (path) => assert.equal(formatPath(path), reference(path))),
    { numRuns: 3000 },
  );
  // 70,000 distinct paths: the table is emptied once on the way; texts stay right before and after.
  for (let i = 0; i < 70_000; i++) {
    const path = ['spec', 'items', i, i % 3 ? 'name' : 'x/y'];
    assert.equal(formatPath(path), reference(path));
  }
  assert.equal(formatPath(['spec', 'items', 5, 'x/y']), 'spec.items[5]["x/y"]');
});
