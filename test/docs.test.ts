import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { renderSupportDoc } from '../src/render/support-doc.ts';

test('docs/support.md is generated from the catalogue and up to date (npm run docs:support)', () => {
  assert.equal(readFileSync('docs/support.md', 'utf8'), renderSupportDoc());
});

test('README starts with the two set-up commands', () => {
  const head = readFileSync('README.md', 'utf8').split('\n').slice(0, 15).join('\n');
  assert.match(head, /npm install && npm start/);
  assert.match(head, /npm test/);
});
