import { formatSource } from '../model/diagnostic.ts';
import type { Finding } from '../analysis/doctor/index.ts';

/** `file:line:col: severity code: message`, then what breaks, the fix and the patch, indented. */
export function renderFindingsText(findings: readonly Finding[]): string {
  if (!findings.length) return 'No findings.\n';
  const blocks = findings.map((f) => {
    const s = f.objects[0]?.source;
    const where = s ? `${formatSource(s)}: ` : '';
    const lines = [`${where}${f.severity} ${f.code}: ${f.message}`];
    if (s?.path) lines.push(`    at ${f.objects[0].key} ${s.path}`);
    lines.push(`    breaks: ${f.breaks}`, `    fix: ${f.fix}`);
    if (f.patch) lines.push('    patch:', ...f.patch.split('\n').map((l) => `      ${l}`));
    return lines.join('\n');
  });
  const count = (sev: string) => findings.filter((f) => f.severity === sev).length;
  return `${blocks.join('\n')}\n\n${findings.length} finding(s): ${count('error')} error, ${count('warning')} warning, ${count('info')} info\n`;
}
