import type { Matrix, MatrixEntry } from '../analysis/matrix/index.ts';
import { renderTable } from './table.ts';

/** Cell text: the ports every pod pair may use, `*` for ports only some pairs may use, `-` for none, `·` for no pairs. */
export function cellText(entries: readonly MatrixEntry[] | undefined): string {
  if (!entries?.length) return '·';
  const parts = entries
    .filter((e) => e.allowedPairs > 0)
    .map((e) => `${e.port}/${e.protocol}${e.allowedPairs < e.pairs ? '*' : ''}`);
  return parts.length ? parts.join(',') : '-';
}

export function cells(m: Matrix): Map<string, MatrixEntry[]> {
  const out = new Map<string, MatrixEntry[]>();
  for (const e of m.entries) {
    const k = `${e.from}\u0000${e.to}`;
    (out.get(k) ?? out.set(k, []).get(k)!).push(e);
  }
  return out;
}

const legend =
  'rows: source, columns: destination; a cell lists the destination ports allowed (* = for some pod pairs only, - = none, · = no pod pairs)';

/** A plain-text grid. */
export function renderMatrixTable(m: Matrix): string {
  const c = cells(m);
  const names = m.groups.map((g) => g.name);
  const rows = names.map((from) => [from, ...names.map((to) => cellText(c.get(`${from}\u0000${to}`)))]);
  return [
    ...m.warnings.map((w) => `warning: ${w}`),
    renderTable(['FROM \\ TO', ...names], rows).trimEnd(),
    '',
    legend,
    '',
  ].join('\n');
}

/** A Markdown table. */
export function renderMatrixMarkdown(m: Matrix): string {
  const c = cells(m);
  const names = m.groups.map((g) => g.name);
  const esc = (s: string) => s.replace(/\|/g, '\\|').replace(/\*/g, '\\*');
  const lines = [
    `| from \\ to | ${names.map(esc).join(' | ')} |`,
    `|---|${names.map(() => '---').join('|')}|`,
  ];
  for (const from of names)
    lines.push(
      `| ${esc(from)} | ${names.map((to) => esc(cellText(c.get(`${from}\u0000${to}`)))).join(' | ')} |`,
    );
  return [...m.warnings.map((w) => `> warning: ${w}`), ...lines, '', `_${legend}_`, ''].join('\n');
}

/** Long format, one line per (from, to, port). */
export function renderMatrixCsv(m: Matrix): string {
  const q = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = ['from,to,port,protocol,allowed,allowed_pairs,pairs'];
  for (const e of m.entries)
    lines.push(
      [
        q(e.from),
        q(e.to),
        e.port,
        e.protocol,
        e.allowedPairs === e.pairs ? 'true' : e.allowedPairs ? 'partial' : 'false',
        e.allowedPairs,
        e.pairs,
      ].join(','),
    );
  return lines.join('\n') + '\n';
}

export function matrixJson(m: Matrix): unknown {
  return {
    by: m.by,
    groups: m.groups,
    entries: m.entries.map((e) => ({ ...e, allowed: e.allowedPairs === e.pairs })),
    warnings: m.warnings,
  };
}
