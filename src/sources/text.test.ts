import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utf8Text } from './_text.ts';

const decoded = (bytes: Buffer) => bytes.toString('utf8');

test('utf8Text: ASCII bytes read as their characters, the same string as the UTF-8 decoder gives', () => {
  const bytes = Buffer.from('apiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n\t~\x00\x7f');
  assert.equal(utf8Text(bytes), decoded(bytes));
  assert.equal(utf8Text(Buffer.alloc(0)), '');
});

test('utf8Text: a byte-order mark, non-ASCII text and invalid sequences go through the UTF-8 decoder', () => {
  for (const bytes of [
    Buffer.from('\ufeffkind: Pod\n'),
    Buffer.from('app: café ✓ 😀\n'),
    Buffer.from([0x61, 0xff, 0x62]), // not UTF-8: U+FFFD, which Latin-1 would read as ÿ
    Buffer.from([0x61, 0xc3]), // a sequence cut short
    Buffer.from([0x80]),
  ]) {
    assert.equal(utf8Text(bytes), decoded(bytes));
    assert.notEqual(bytes.toString('latin1'), decoded(bytes)); // a case where Latin-1 would differ
  }
});

test('utf8Text: random bytes, mostly ASCII, equal the UTF-8 decoder', () => {
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (let n = 0; n < 2000; n++) {
    const bytes = Buffer.alloc(next() % 40);
    for (let i = 0; i < bytes.length; i++) bytes[i] = next() % 10 === 0 ? next() % 256 : next() % 128;
    assert.equal(utf8Text(bytes), decoded(bytes));
  }
});
