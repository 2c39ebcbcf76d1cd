import type { Matrix } from '../analysis/matrix/index.ts';
import { cellText, cellsOf } from './matrix-table.ts';

/**
 * Edges that carry at least one allowed port (self-edges kept: pods of one group talking to each other), by
 * source then destination, read row by row.
 */
function* edges(m: Matrix): Generator<{ from: string; to: string; label: string }> {
  for (const row of m.rows())
    for (const [to, es] of cellsOf(row)) yield { from: row.from, to, label: cellText(es) };
}

function byNamespace(m: Matrix): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const g of m.groups) (out.get(g.namespace) ?? out.set(g.namespace, []).get(g.namespace)!).push(g.name);
  return out;
}

/** Mermaid flowchart: one subgraph per namespace, one edge per allowed group pair labelled with its ports. */
export function* renderMatrixMermaid(m: Matrix): Generator<string> {
  const id = new Map(m.groups.map((g, i) => [g.name, `g${i}`]));
  const lines = [...m.warnings.map((w) => `%% warning: ${w.replace(/\n/g, ' ')}`), 'flowchart LR'];
  let n = 0;
  for (const [ns, names] of byNamespace(m)) {
    if (m.by === 'namespace') {
      lines.push(`  ${id.get(ns)}["${ns}"]`);
      continue;
    }
    lines.push(`  subgraph ns${n++}["${ns}"]`);
    for (const name of names) lines.push(`    ${id.get(name)}["${name.slice(ns.length + 1) || name}"]`);
    lines.push('  end');
  }
  yield lines.join('\n') + '\n';
  for (const e of edges(m)) yield `  ${id.get(e.from)} -->|"${e.label}"| ${id.get(e.to)}\n`;
}

/** Graphviz DOT: one cluster per namespace. */
export function* renderMatrixDot(m: Matrix): Generator<string> {
  const q = (s: string) => `"${s.replace(/"/g, '\\"')}"`;
  const lines = [
    ...m.warnings.map((w) => `// warning: ${w.replace(/\n/g, ' ')}`),
    'digraph kubetwin {',
    '  rankdir=LR;',
    '  node [shape=box];',
  ];
  let n = 0;
  for (const [ns, names] of byNamespace(m)) {
    if (m.by === 'namespace') {
      lines.push(`  ${q(ns)};`);
      continue;
    }
    lines.push(`  subgraph cluster_${n++} {`, `    label=${q(ns)};`);
    for (const name of names) lines.push(`    ${q(name)} [label=${q(name.slice(ns.length + 1) || name)}];`);
    lines.push('  }');
  }
  yield lines.join('\n') + '\n';
  for (const e of edges(m)) yield `  ${q(e.from)} -> ${q(e.to)} [label=${q(e.label)}];\n`;
  yield '}\n';
}
