import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LineIndex } from './_positions.ts';

test('LineIndex.lineFrom gives lineOf for every offset whatever the hint (before, at or past the line)', () => {
  // Lines of lengths 0..12, repeated: empty lines, long lines, a last line without a newline.
  let text = '';
  for (let i = 0; i < 300; i++) text += 'x'.repeat(i % 13) + '\n';
  text += 'last';
  const index = new LineIndex(text);
  const lines = index.lineOf(text.length) + 1;
  for (let offset = 0; offset <= text.length; offset += 7)
    for (const from of [0, 1, 5, 64, lines - 1, lines, lines + 3, -1, index.lineOf(offset)])
      assert.equal(index.lineFrom(offset, from), index.lineOf(offset), `offset ${offset} from ${from}`);
  assert.equal(index.startOf(index.lineOf(text.length)), text.length - 'last'.length);
});

test('LineIndex: one scan gives every line start, whether the first guess of a line per 32 characters is short or long', () => {
  // Decision 19 (design note 0006): filled in one scan, doubled past the guess, trimmed to the lines.
  const texts = [
    '',
    '\n',
    'a',
    '\n'.repeat(5000),
    'x'.repeat(100_000),
    ('ab\n'.repeat(700) + 'y'.repeat(400) + '\n').repeat(9),
  ];
  for (const text of texts) {
    const index = new LineIndex(text);
    const want: number[] = [0];
    for (let i = 0; i < text.length; i++) if (text[i] === '\n') want.push(i + 1);
    assert.equal(index.count, want.length);
    assert.deepEqual(
      want.map((_, line) => index.startOf(line)),
      want,
    );
  }
});
