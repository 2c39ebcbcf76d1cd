import { printable } from './printable.ts';

/**
 * Renders rows as kubectl does: upper-case headers, left-aligned columns separated by three spaces. Cells echo
 * input (names, labels), so each is escaped to keep its row on one line.
 */
export function renderTable(headers: readonly string[], cells: readonly (readonly string[])[]): string {
  const rows = cells.map((r) => r.map((c) => printable(c ?? '')));
  // A loop, not `Math.max(...column)`: spreading 150k rows as arguments overflows the stack (`get all -A`).
  const widths = headers.map((h, i) => rows.reduce((w, r) => Math.max(w, (r[i] ?? '').length), h.length));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('   ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}
