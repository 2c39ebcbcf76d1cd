import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printable, printableText } from './printable.ts';
import { renderDiagnostic } from './diagnostics.ts';
import { renderFindingsText } from './findings-text.ts';
import { renderTable } from './table.ts';

test('printable escapes ESC sequences, newlines, carriage returns, tabs and DEL visibly', () => {
  assert.equal(printable('a\x1b[31mred\x1b[0m\nb\rc\td\x7f'), 'a\\x1b[31mred\\x1b[0m\\nb\\rc\\td\\x7f');
});

test('printable escapes C1 controls and Unicode bidi overrides (Trojan Source), keeps letters and backslashes', () => {
  assert.equal(printable('\u009b2J\u202egnp.exe'), '\\x9b2J\\u202egnp.exe');
  assert.equal(printable('café-ü \\ ok 名前'), 'café-ü \\ ok 名前');
});

test('printableText keeps the newlines and tabs a renderer wrote and escapes every other control character', () => {
  assert.equal(
    printableText('line 1\n\tline 2\x1b]0;title\x07\r\n'),
    'line 1\n\tline 2\\x1b]0;title\\x07\\r\n',
  );
});

test('a diagnostic whose message, path and origin echo a manifest value stays on its own lines, with no raw ESC', () => {
  const out = renderDiagnostic({
    code: 'invalid-field',
    severity: 'error',
    message: 'name "a\nb\x1b[2J" is not valid',
    source: { file: 'm\n.yaml', doc: 0, line: 3, column: 1, path: 'metadata.labels["x\ny"]', origin: 'c\rt' },
    hint: 'fix\x1b[31m it',
  });
  assert.deepEqual(out.split('\n'), [
    'm\\n.yaml:3:1: error invalid-field: name "a\\nb\\x1b[2J" is not valid (from c\\rt)',
    '    at metadata.labels["x\\ny"]',
    '    fix: fix\\x1b[31m it',
  ]);
});

test('a finding echoing an object name keeps the one-line file:line:col format', () => {
  const out = renderFindingsText([
    {
      code: 'c',
      severity: 'warning',
      message: 'Service x\ny selects nothing',
      objects: [
        { key: 'Service/default/x\ny', source: { file: 'f.yaml', doc: 0, line: 1, column: 1, path: 'spec' } },
      ],
      breaks: 'b\x1b[0m',
      fix: 'f',
    },
  ]);
  assert.equal(out.split('\n')[0], 'f.yaml:1:1: warning c: Service x\\ny selects nothing');
  assert.ok(!out.includes('\x1b'));
});

test('a table cell with a newline or ESC stays in its row, and columns are aligned on the escaped text', () => {
  const out = renderTable(
    ['NAME', 'AGE'],
    [
      ['a\nb', '1'],
      ['\x1b[1mc', '2'],
    ],
  );
  assert.deepEqual(out.split('\n'), ['NAME       AGE', 'a\\nb       1', '\\x1b[1mc   2', '']);
});
