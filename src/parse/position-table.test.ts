import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { LineIndex, PositionTable } from './_positions.ts';
import { readFast } from './_fast-yaml.ts';
import { separateDocuments } from './yaml.ts';
import { generateBodies } from '../../bench/generate.ts';

test('position table: sized from a file line count, it holds a generated cluster entries without growing', () => {
  // Design note 0006, Decision 19: 1.16 entries a line in the generated clusters (1.1M at 150k pods); the table
  // is made once at a quarter more than the lines instead of doubled from 256.
  const text = generateBodies({ family: 'realistic', pods: 2000 })
    .map((b) => stringify(b))
    .join('---\n');
  const capacity = PositionTable.capacityForLines(new LineIndex(text).count);
  const table = new PositionTable(capacity);
  const initial = table.offsets;
  for (const chunk of separateDocuments(text) ?? []) assert.ok(readFast(text, chunk.start, chunk.end, table));
  assert.ok(table.count > 10_000, `${table.count} entries`);
  assert.equal(table.offsets, initial, `grew: ${table.count} entries past ${capacity}`);
});

test('position table: past its capacity it doubles and keeps every entry', () => {
  const table = new PositionTable(16);
  for (let i = 0; i < 1000; i++) table.add(i - 1, i % 3 === 0 ? `k${i % 7}` : i, i * 10);
  assert.equal(table.count, 1000);
  assert.ok(table.offsets.length >= 1000 && table.ends.length === table.offsets.length);
  for (let i = 0; i < 1000; i++) {
    assert.equal(table.offsets[i], i * 10);
    assert.equal(table.parents[i], i - 1);
    const code = table.codes[i];
    assert.equal(code < 0 ? table.names[-1 - code] : code, i % 3 === 0 ? `k${i % 7}` : i);
  }
});

test('line index: count is the number of lines', () => {
  assert.equal(new LineIndex('').count, 1);
  assert.equal(new LineIndex('a\nb').count, 2);
  assert.equal(new LineIndex('a\nb\n').count, 3);
});
