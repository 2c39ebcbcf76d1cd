import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IntList } from './_int-list.ts';

test('IntList keeps every pushed integer in order across its doublings', () => {
  const list = new IntList();
  const want: number[] = [];
  for (let i = 0; i < 5000; i++) {
    const x = (i * 2654435761) | 0;
    list.push(x);
    want.push(x);
  }
  assert.equal(list.length, 5000);
  assert.deepEqual([...list.view()], want);
});
