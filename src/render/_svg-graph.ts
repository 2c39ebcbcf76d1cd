import type { GraphEdge, GraphNode } from '../analysis/report/index.ts';

const W = 175;
const H = 30;
const COL = 245;
const ROW = 46;
const PAD = 24;
const colour = { delivered: '#2e7d32', partial: '#ef6c00', failed: '#c62828' } as const;

export const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * An inline SVG of the flow graph: one column per namespace (in the order traffic first reaches them), nodes
 * stacked in it, edges as curves coloured by outcome (failed ones dashed). Deterministic, no script.
 */
export function renderFlowGraphSvg(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): string {
  const columns = columnOrder(nodes, edges);
  const pos = new Map<string, { x: number; y: number }>();
  const boxes: { group: string; x: number; y: number; h: number }[] = [];
  let height = 0;
  columns.forEach((groups, col) => {
    let y = PAD;
    for (const g of groups) {
      const members = nodes.filter((n) => n.group === g);
      const x = PAD + col * COL;
      boxes.push({ group: g, x: x - 10, y, h: members.length * ROW + 28 });
      members.forEach((n, row) => pos.set(n.id, { x, y: y + 28 + row * ROW }));
      y += members.length * ROW + 28 + 16;
    }
    height = Math.max(height, y + PAD);
  });
  const width = PAD * 2 + Math.max(1, columns.length) * COL - (COL - W);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="connectivity of the declared flows" font-family="system-ui, sans-serif" font-size="12">`,
    '<defs>',
    ...Object.entries(colour).map(
      ([k, c]) =>
        `<marker id="arrow-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${c}"/></marker>`,
    ),
    '</defs>',
  ];
  for (const b of boxes)
    parts.push(
      `<rect class="group" x="${b.x}" y="${b.y}" width="${W + 20}" height="${b.h}" rx="8" fill="#f4f6f8" stroke="#c5ccd3"/>`,
      `<text x="${b.x + 8}" y="${b.y + 16}" font-weight="600" fill="#37474f">${escapeXml(b.group)}</text>`,
    );
  for (const e of edges) {
    const a = pos.get(e.from)!;
    const b = pos.get(e.to)!;
    const [x1, y1] = [a.x + W, a.y + H / 2];
    const [x2, y2] = b.x > a.x ? [b.x, b.y + H / 2] : [b.x + W, b.y + H / 2];
    const bend = b.x > a.x ? Math.max(40, (x2 - x1) / 2) : 60;
    const d =
      b.x > a.x
        ? `M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`
        : `M${x1},${y1} C${x1 + bend},${y1} ${x2 + bend},${y2} ${x2},${y2}`;
    const dash = e.outcome === 'failed' ? ' stroke-dasharray="6 4"' : '';
    parts.push(
      `<path class="edge edge-${e.outcome}" d="${d}" fill="none" stroke="${colour[e.outcome]}" stroke-width="2"${dash} marker-end="url(#arrow-${e.outcome})"><title>${escapeXml(`${e.from} → ${e.to}:${e.label} ${e.outcome}`)}</title></path>`,
    );
    parts.push(
      `<text x="${(x1 + x2) / 2}" y="${(y1 + y2) / 2 - 4}" text-anchor="middle" fill="${colour[e.outcome]}">${escapeXml(e.label)}${e.outcome === 'failed' ? ' ✗' : ''}</text>`,
    );
  }
  for (const n of nodes) {
    const p = pos.get(n.id)!;
    parts.push(
      `<g class="node"><rect x="${p.x}" y="${p.y}" width="${W}" height="${H}" rx="6" fill="#ffffff" stroke="#546e7a"/><text x="${p.x + W / 2}" y="${p.y + H / 2 + 4}" text-anchor="middle" fill="#263238">${escapeXml(n.label.length > 28 ? `${n.label.slice(0, 26)}…` : n.label)}</text></g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * Columns in the direction traffic flows: the namespaces' graph with its cycles broken (depth-first from the
 * outside world, then by name), each namespace in the column of its longest path from a source; ties by name.
 */
function columnOrder(nodes: readonly GraphNode[], edges: readonly GraphEdge[]): string[][] {
  const groupOf = new Map(nodes.map((n) => [n.id, n.group]));
  const groups = [...new Set(nodes.map((n) => n.group))].sort((a, b) =>
    a === '(outside)' ? -1 : b === '(outside)' ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
  const next = new Map<string, Set<string>>(groups.map((g) => [g, new Set<string>()]));
  for (const e of edges) {
    const [a, b] = [groupOf.get(e.from)!, groupOf.get(e.to)!];
    if (a !== b) next.get(a)!.add(b);
  }
  // Break cycles: drop the edges that point back into the current depth-first path.
  const state = new Map<string, 'open' | 'done'>();
  const kept = new Map<string, string[]>(groups.map((g) => [g, []]));
  const dfs = (g: string) => {
    state.set(g, 'open');
    for (const h of [...next.get(g)!].sort()) {
      if (state.get(h) === 'open') continue;
      kept.get(g)!.push(h);
      if (!state.has(h)) dfs(h);
    }
    state.set(g, 'done');
  };
  for (const g of groups) if (!state.has(g)) dfs(g);
  const layer = new Map<string, number>(groups.map((g) => [g, 0]));
  for (let changed = true, rounds = 0; changed && rounds <= groups.length; rounds++) {
    changed = false;
    for (const g of groups)
      for (const h of kept.get(g)!)
        if (layer.get(h)! < layer.get(g)! + 1) {
          layer.set(h, layer.get(g)! + 1);
          changed = true;
        }
  }
  // A pure source (nothing points at it) sits just before the first namespace it talks to.
  const pointedAt = new Set([...kept.values()].flat());
  for (const g of groups)
    if (g !== '(outside)' && !pointedAt.has(g) && kept.get(g)!.length)
      layer.set(g, Math.max(0, Math.min(...kept.get(g)!.map((h) => layer.get(h)!)) - 1));
  const columns: string[][] = [];
  for (const g of [...groups].sort((a, b) =>
    a === '(outside)' ? -1 : b === '(outside)' ? 1 : a < b ? -1 : a > b ? 1 : 0,
  ))
    (columns[layer.get(g)!] ??= []).push(g);
  return columns.filter((c) => c?.length);
}
