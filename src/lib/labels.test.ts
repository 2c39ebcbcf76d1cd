import { test } from 'node:test';
import assert from 'node:assert/strict';
import { everything, formatSelector, matches, nothing, selectorFromMap } from './labels.ts';
import { LabelIndex } from './label-index.ts';

test('label selector: empty selector selects everything, null selector selects nothing', () => {
  assert.equal(matches(everything, {}), true);
  assert.equal(matches(nothing, { a: 'b' }), false);
});

test('label selector: In needs the key with one of the values; NotIn passes when the key is missing', () => {
  const sel = {
    requirements: [
      { key: 'env', operator: 'In' as const, values: ['a', 'b'] },
      { key: 'tier', operator: 'NotIn' as const, values: ['db'] },
    ],
  };
  assert.equal(matches(sel, { env: 'a' }), true);
  assert.equal(matches(sel, { env: 'a', tier: 'db' }), false);
  assert.equal(matches(sel, { tier: 'web' }), false);
});

test('label selector: Exists and DoesNotExist look at the key only', () => {
  const sel = {
    requirements: [
      { key: 'x', operator: 'Exists' as const, values: [] },
      { key: 'y', operator: 'DoesNotExist' as const, values: [] },
    ],
  };
  assert.equal(matches(sel, { x: '' }), true);
  assert.equal(matches(sel, { x: '1', y: '' }), false);
});

test('selectors print as kubectl prints them', () => {
  assert.equal(formatSelector(selectorFromMap({ b: '2', a: '1' })), 'a=1,b=2');
});

test('LabelIndex.select returns exactly the items a scan would', () => {
  const items: { l: Record<string, string> }[] = [
    { l: { a: '1', b: '2' } },
    { l: { a: '1' } },
    { l: { b: '2' } },
  ];
  const idx = new LabelIndex(items, (i) => i.l);
  assert.deepEqual(idx.select(selectorFromMap({ a: '1' })), items.slice(0, 2));
  assert.deepEqual(idx.select(everything), items);
});
