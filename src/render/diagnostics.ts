import type { Diagnostic } from '../model/diagnostic.ts';
import { printable } from './printable.ts';
import { groupInOrder } from '../lib/group-in-order.ts';

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

/**
 * The diagnostics at or above `minimum`, in order. Notes (info) with the same code and message — one field of one
 * kind found on many objects, e.g. a flannel annotation on every Node of a dump — are shown once, at the first
 * object, with the others' positions on an `also at` line (the first few, then how many more), so a dump of many
 * nodes does not print the same paragraph per node. Warnings and errors are each shown in full.
 */
export function renderDiagnostics(
  list: readonly Diagnostic[],
  minimum: 'info' | 'warning' | 'error' = 'info',
): string {
  const rank = { error: 0, warning: 1, info: 2 };
  const shown = list.filter((d) => rank[d.severity] <= rank[minimum]);
  const blocks = groupInOrder(shown, (d) =>
    d.severity === 'info' ? `${d.code}\u0000${d.message}\u0000${d.hint ?? ''}` : undefined,
  );
  const text = blocks.map(renderRepeated);
  return text.length ? text.join('\n') + '\n' : '';
}

const shownPositions = 3;

function renderRepeated(group: readonly Diagnostic[]): string {
  const [first, ...others] = group;
  const out = renderDiagnostic(first!);
  if (!others.length) return out;
  const where = others.slice(0, shownPositions).map((d) => {
    const file = printable(d.source?.file ?? '');
    return d.source && d.source.line > 0
      ? `${file}:${d.source.line}:${d.source.column}`
      : file || '(no position)';
  });
  const more = others.length - where.length;
  return `${out}\n    also at ${where.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

/** One line: `2 errors, 5 warnings, 3 notes`. */
export function summarizeDiagnostics(list: readonly Diagnostic[]): string {
  const count = (s: string) => list.filter((d) => d.severity === s).length;
  const e = count('error');
  const w = count('warning');
  const i = count('info');
  return `${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}, ${i} note${i === 1 ? '' : 's'}`;
}
