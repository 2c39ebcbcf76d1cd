/** `renderTable`: columns as wide as their widest cell, for any number of rows. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTable } from './table.ts';

test('table: each column is as wide as its widest cell or header; the last is not padded', () => {
  assert.equal(
    renderTable(
      ['NAME', 'AGE'],
      [
        ['a', '1'],
        ['longer', '22'],
      ],
    ),
    'NAME     AGE\na        1\nlonger   22\n',
  );
});

test('table: 200,000 rows render (a column width is not taken by spreading every row as an argument)', () => {
  const rows = Array.from({ length: 200_000 }, (_, i) => [`pod-${i}`, 'Running']);
  const out = renderTable(['NAME', 'STATUS'], rows);
  assert.equal(out.split('\n').length, 200_002);
  // 'pod-199999' is the widest name: 10 characters, then the 3-space gap.
  assert.ok(out.startsWith('NAME         STATUS\npod-0        Running\n'));
});
