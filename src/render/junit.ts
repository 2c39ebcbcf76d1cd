import type { AssertReport } from '../analysis/assert/index.ts';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * JUnit XML for CI: one testcase per assertion, `<failure>` with the explanation, `<skipped>` for unsupported kinds,
 * `<error>` for a malformed entry that was not run. No timestamps.
 */
export function renderJunit(r: AssertReport, suite = 'kubetwin test'): string {
  const errors = r.invalid ? ` errors="${r.invalid}"` : '';
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${esc(suite)}" tests="${r.results.length}" failures="${r.failed}"${errors} skipped="${r.unsupported}">`,
    `  <testsuite name="${esc(suite)}" tests="${r.results.length}" failures="${r.failed}"${errors} skipped="${r.unsupported}">`,
  ];
  for (const t of r.results) {
    const open = `    <testcase name="${esc(t.name)}" classname="kubetwin.${t.key}"`;
    if (t.status === 'passed') lines.push(`${open}/>`);
    else if (t.status === 'unsupported')
      lines.push(`${open}>`, `      <skipped message="${esc(t.message)}"/>`, '    </testcase>');
    else if (t.status === 'invalid')
      lines.push(`${open}>`, `      <error message="${esc(t.message)}"/>`, '    </testcase>');
    else
      lines.push(
        `${open}>`,
        `      <failure message="${esc(t.message)}">${esc([t.message, ...t.details].join('\n'))}</failure>`,
        '    </testcase>',
      );
  }
  lines.push('  </testsuite>', '</testsuites>');
  return lines.join('\n') + '\n';
}
