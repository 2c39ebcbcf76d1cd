import type { AssertReport } from '../analysis/assert/index.ts';

const tag = { passed: 'PASS', failed: 'FAIL', unsupported: 'SKIP', invalid: 'ERR ' } as const;

/** `kubetwin test` in words: one line per assertion, the explanation under each failure, totals last. */
export function renderTestText(r: AssertReport): string {
  const lines: string[] = [];
  for (const t of r.results) {
    const where =
      (t.status === 'failed' || t.status === 'invalid') && t.source
        ? `  (${t.source.file}:${t.source.line}:${t.source.column})`
        : '';
    lines.push(`${tag[t.status]}  ${t.name} — ${t.message}${where}`);
    for (const d of t.details) lines.push(`      ${d}`);
  }
  lines.push('', summaryLine(r));
  return lines.join('\n') + '\n';
}

export function summaryLine(r: AssertReport): string {
  return `${r.passed} passed, ${r.failed} failed${r.unknown ? ` (${r.unknown} of them unknown: what kubetwin does not model, or the input lacks, may change the answer)` : ''}${r.unsupported ? `, ${r.unsupported} not checked (entry kind not supported yet)` : ''}${r.invalid ? `, ${r.invalid} invalid (not run: see the errors)` : ''}`;
}

/**
 * The JSON contract: `{results: [{name, passed, actual, message}], passed, failed}`, plus `status` and `unsupported`,
 * and `invalid` when malformed entries were not run.
 */
export function testJson(r: AssertReport): unknown {
  return {
    results: r.results.map((t) => ({
      name: t.name,
      kind: t.key,
      passed: t.status === 'passed',
      status: t.status,
      ...(t.unknown ? { unknown: true } : {}),
      actual: t.actual,
      message: t.message,
      ...(t.details.length ? { details: t.details } : {}),
      ...(t.source ? { source: `${t.source.file}:${t.source.line}:${t.source.column}` } : {}),
    })),
    passed: r.passed,
    failed: r.failed,
    unsupported: r.unsupported,
    ...(r.unknown ? { unknown: r.unknown } : {}),
    ...(r.invalid ? { invalid: r.invalid } : {}),
  };
}
