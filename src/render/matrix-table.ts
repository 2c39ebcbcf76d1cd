import type { Matrix, MatrixEntry, MatrixRow } from '../analysis/matrix/index.ts';

/** Cell text: the ports every pod pair may use, `*` for ports only some pairs may use, `-` for none, `·` for no pairs on the ports checked. */
export function cellText(entries: readonly MatrixEntry[] | undefined): string {
  if (!entries?.length) return '·';
  const parts = entries
    .filter((e) => e.allowedPairs > 0)
    .map((e) => `${e.port}/${e.protocol}${e.allowedPairs < e.pairs ? '*' : ''}`);
  return parts.length ? parts.join(',') : '-';
}

/** A row's entries by destination group (the entries are sorted by destination). */
export function cellsOf(row: MatrixRow): Map<string, MatrixEntry[]> {
  const out = new Map<string, MatrixEntry[]>();
  for (const e of row.entries) (out.get(e.to) ?? out.set(e.to, []).get(e.to)!).push(e);
  return out;
}

const legend =
  'rows: source, columns: destination; a cell lists the destination ports allowed (* = for some pod pairs only, - = none, · = no pod pairs on the ports checked)';

function* gridRows(m: Matrix): Generator<string[]> {
  const names = m.groups.map((g) => g.name);
  for (const row of m.rows({ denied: true })) {
    const c = cellsOf(row);
    yield [row.from, ...names.map((to) => cellText(c.get(to)))];
  }
}

/**
 * A plain-text grid, as `renderTable` lays it out (columns as wide as their widest cell), written row by row:
 * the rows are computed twice, once for the widths and once to write them, never held all at once.
 */
export function* renderMatrixTable(m: Matrix): Generator<string> {
  const header = ['FROM \\ TO', ...m.groups.map((g) => g.name)];
  const widths = header.map((h) => h.length);
  for (const cells of gridRows(m))
    cells.forEach((c, i) => {
      if (c.length > widths[i]) widths[i] = c.length;
    });
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i])))
      .join('   ')
      .trimEnd() + '\n';
  for (const w of m.warnings) yield `warning: ${w}\n`;
  yield line(header);
  for (const cells of gridRows(m)) yield line(cells);
  yield `\n${legend}\n`;
}

/** A Markdown table, row by row. */
export function* renderMatrixMarkdown(m: Matrix): Generator<string> {
  const names = m.groups.map((g) => g.name);
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\*/g, '\\*');
  for (const w of m.warnings) yield `> warning: ${w}\n`;
  yield `| from \\ to | ${names.map(esc).join(' | ')} |\n`;
  yield `|---|${names.map(() => '---').join('|')}|\n`;
  for (const [from, ...cells] of gridRows(m)) yield `| ${esc(from)} | ${cells.map(esc).join(' | ')} |\n`;
  yield `\n_${legend}_\n`;
}

/** Long format, one line per (from, to, port); with `denied`, also the combinations with no allowed pair. */
export function* renderMatrixCsv(m: Matrix, options: { readonly denied?: boolean } = {}): Generator<string> {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  yield 'from,to,port,protocol,allowed,allowed_pairs,pairs\n';
  for (const row of m.rows(options)) {
    let out = '';
    for (const e of row.entries)
      out +=
        [
          q(e.from),
          q(e.to),
          e.port,
          e.protocol,
          e.allowedPairs === e.pairs ? 'true' : e.allowedPairs ? 'partial' : 'false',
          e.allowedPairs,
          e.pairs,
        ].join(',') + '\n';
    if (out) yield out;
  }
}

/**
 * The JSON document `{by, groups, entries, warnings}` (each entry with `allowed`: every pair allowed), written
 * entry by entry with the layout of `JSON.stringify(…, null, 2)`; with `denied`, also the entries with no allowed
 * pair.
 */
export function* renderMatrixJson(
  m: Matrix,
  options: { readonly denied?: boolean; readonly extra?: Readonly<Record<string, unknown>> } = {},
): Generator<string> {
  const nested = (v: unknown, depth: number) =>
    JSON.stringify(v, null, 2).replace(/\n/g, '\n' + '  '.repeat(depth));
  yield `{\n  "by": ${JSON.stringify(m.by)},\n  "groups": ${nested(m.groups, 1)},\n  "entries": `;
  let first = true;
  for (const row of m.rows(options)) {
    let out = '';
    for (const e of row.entries) {
      out += `${first ? '[\n' : ',\n'}    ${nested({ ...e, allowed: e.allowedPairs === e.pairs }, 2)}`;
      first = false;
    }
    if (out) yield out;
  }
  yield first ? '[]' : '\n  ]';
  let tail = `,\n  "warnings": ${nested(m.warnings, 1)}`;
  for (const [k, v] of Object.entries(options.extra ?? {}))
    tail += `,\n  ${JSON.stringify(k)}: ${nested(v, 1)}`;
  yield `${tail}\n}\n`;
}
