import type { Diagnostic } from '../model/diagnostic.ts';
import { printable } from './printable.ts';

/**
 * `file:line:col: severity code: message`, then the field path and the hint, indented. Every part may echo input,
 * so each is escaped to stay on its line (see printable).
 */
export function renderDiagnostic(d: Diagnostic): string {
  const file = printable(d.source?.file ?? '');
  const where = !d.source
    ? ''
    : d.source.line > 0
      ? `${file}:${d.source.line}:${d.source.column}: `
      : `${file}: `;
  const origin = d.source?.origin ? ` (from ${printable(d.source.origin)})` : '';
  let out = `${where}${d.severity} ${d.code}: ${printable(d.message)}${origin}`;
  if (d.source?.path) out += `\n    at ${printable(d.source.path)}`;
  if (d.hint) out += `\n    fix: ${printable(d.hint)}`;
  return out;
}

export function renderDiagnostics(
  list: readonly Diagnostic[],
  minimum: 'info' | 'warning' | 'error' = 'info',
): string {
  const rank = { error: 0, warning: 1, info: 2 };
  const shown = list.filter((d) => rank[d.severity] <= rank[minimum]);
  return shown.length ? shown.map(renderDiagnostic).join('\n') + '\n' : '';
}

/** One line: `2 errors, 5 warnings, 3 notes`. */
export function summarizeDiagnostics(list: readonly Diagnostic[]): string {
  const count = (s: string) => list.filter((d) => d.severity === s).length;
  const e = count('error');
  const w = count('warning');
  const i = count('info');
  return `${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}, ${i} note${i === 1 ? '' : 's'}`;
}
