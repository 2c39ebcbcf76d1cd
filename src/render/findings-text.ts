import { formatSource } from '../model/diagnostic.ts';
import { groupFindings, type Finding } from '../analysis/doctor/index.ts';
import { printable } from './printable.ts';

/**
 * `file:line:col: severity code: message`, then what breaks, the fix and the patch, indented; input escaped.
 * Findings one rule makes per workload with one location and patch are shown as one (`groupFindings`) unless
 * `all`; the counts are always of every finding.
 */
export function renderFindingsText(findings: readonly Finding[], options: { all?: boolean } = {}): string {
  if (!findings.length) return 'No findings.\n';
  const shown = options.all ? findings : groupFindings(findings);
  const blocks = shown.map((f) => {
    const s = f.objects[0]?.source;
    const where = s ? `${printable(formatSource(s))}: ` : '';
    const lines = [`${where}${f.severity} ${f.code}: ${printable(f.message)}`];
    if (s?.path) lines.push(`    at ${printable(f.objects[0].key)} ${printable(s.path)}`);
    lines.push(`    breaks: ${printable(f.breaks)}`, `    fix: ${printable(f.fix)}`);
    if (f.patch) lines.push('    patch:', ...f.patch.split('\n').map((l) => `      ${printable(l)}`));
    return lines.join('\n');
  });
  const count = (sev: string) => findings.filter((f) => f.severity === sev).length;
  const grouped =
    shown.length < findings.length ? ` (shown as ${shown.length} block(s): --all prints each finding)` : '';
  return `${blocks.join('\n')}\n\n${findings.length} finding(s): ${count('error')} error, ${count('warning')} warning, ${count('info')} info${grouped}\n`;
}
