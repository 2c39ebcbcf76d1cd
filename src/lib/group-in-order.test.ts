import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupInOrder } from './group-in-order.ts';

test("groupInOrder: items of one key gather at the first one's place, keyless items stand alone in theirs", () => {
  const items = ['a1', 'x', 'b1', 'a2', 'y', 'b2', 'a3'];
  const groups = groupInOrder(items, (s) => (s.length === 2 ? s[0] : undefined));
  assert.deepEqual(groups, [['a1', 'a2', 'a3'], ['x'], ['b1', 'b2'], ['y']]);
  assert.deepEqual(
    groupInOrder(['x', 'x'], () => undefined),
    [['x'], ['x']],
  );
  assert.deepEqual(
    groupInOrder([], () => 'k'),
    [],
  );
});
