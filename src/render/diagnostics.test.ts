/** How diagnostics are printed on stderr: one paragraph per finding, notes repeated across objects shown once. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Diagnostic } from '../model/diagnostic.ts';
import { renderDiagnostics } from './diagnostics.ts';

const at = (
  line: number,
  severity: Diagnostic['severity'],
  message = 'spec.x is partly modeled: why',
): Diagnostic => ({
  code: 'field-not-modeled',
  severity,
  message,
  source: { file: 'dump.yaml', doc: 0, line, column: 7, path: 'spec.x' },
});

test('a note repeated on many objects is shown once, at the first, with the others on an also-at line', () => {
  const text = renderDiagnostics([
    at(3, 'info'),
    at(9, 'info'),
    at(20, 'info'),
    at(31, 'info'),
    at(40, 'info'),
  ]);
  assert.equal(
    text,
    'dump.yaml:3:7: info field-not-modeled: spec.x is partly modeled: why\n' +
      '    at spec.x\n' +
      '    also at dump.yaml:9:7, dump.yaml:20:7, dump.yaml:31:7 and 1 more\n',
  );
});

test('warnings, errors and notes with another message are each shown in full, in order', () => {
  const text = renderDiagnostics([
    at(3, 'warning'),
    at(9, 'warning'),
    at(12, 'info'),
    at(15, 'info', 'other'),
  ]);
  assert.equal(text.match(/^dump\.yaml:/gm)?.length, 4);
  assert.doesNotMatch(text, /also at/);
});
