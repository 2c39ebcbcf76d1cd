import { printable } from './printable.ts';

/**
 * Renders rows as kubectl does: upper-case headers, left-aligned columns separated by three spaces. Cells echo
 * input (names, labels), so each is escaped to keep its row on one line.
 */
export function renderTable(headers: readonly string[], cells: readonly (readonly string[])[]): string {
  const rows = cells.map((r) => r.map((c) => printable(c ?? '')));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('   ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}
