import type { EdgeVerdict, LaidOutGraph } from './types.ts';
import { countText, shortLabel } from './_measure.ts';

/** Stroke colours with at least 4.5:1 contrast on white (WCAG AA for the labels drawn in them). */
export const verdictColour: Record<EdgeVerdict, string> = {
  delivered: '#2e7d32',
  partial: '#a15c00',
  failed: '#c62828',
  allowed: '#455a64',
  routes: '#1565c0',
};

export const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const r1 = (n: number) => Math.round(n * 10) / 10;

/**
 * The laid-out graph as one SVG element: islands, then edges, then edge labels on a white backing, then nodes
 * (so a label is never hidden under an edge). Every element carries `data-*` attributes the UI's script reads;
 * the report uses the SVG as is (no script). Deterministic.
 */
export function renderGraphSvg(g: LaidOutGraph, options: { readonly title?: string } = {}): string {
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="kt-graph" viewBox="0 0 ${g.width} ${g.height}" width="${g.width}" height="${g.height}" data-width="${g.width}" data-height="${g.height}" role="img" aria-label="${escapeXml(options.title ?? 'connectivity graph')}" font-family="system-ui, sans-serif" font-size="12">`,
    '<defs>',
    ...Object.entries(verdictColour).map(
      ([k, c]) =>
        `<marker id="arrow-${k}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${c}"/></marker>`,
    ),
    '</defs>',
  ];
  for (const b of g.groups)
    parts.push(
      `<g class="group" data-group="${escapeXml(b.id)}"><rect x="${r1(b.x)}" y="${r1(b.y)}" width="${r1(b.w)}" height="${r1(b.h)}" rx="8" fill="#f4f6f8" stroke="#90a4ae"/><text x="${r1(b.x + 10)}" y="${r1(b.y + 20)}" font-weight="600" fill="#263238">${escapeXml(b.label)}</text></g>`,
    );
  for (const e of g.edges) {
    const d = e.points.map(([x, y], i) => `${i ? 'L' : 'M'}${r1(x)},${r1(y)}`).join(' ');
    const dash =
      e.mark === 'removed'
        ? ' stroke-dasharray="3 3" stroke-opacity="0.55"'
        : e.verdict === 'failed'
          ? ' stroke-dasharray="6 4"'
          : e.verdict === 'routes'
            ? ' stroke-dasharray="2 3"'
            : '';
    const what = `${e.from} → ${e.to}${e.label ? `:${e.label}` : ''} ${e.verdict}${e.count ? ` (${e.count} edges)` : ''}`;
    parts.push(
      `<path class="edge edge-${e.verdict}${e.mark ? ` edge-${e.mark}` : ''}" data-edge="${e.id}"${e.mark ? ` data-mark="${e.mark}"` : ''} data-from="${escapeXml(e.from)}" data-to="${escapeXml(e.to)}" data-port="${escapeXml(e.label)}" d="${d}" fill="none" stroke="${verdictColour[e.verdict]}" stroke-width="${e.mark === 'added' || e.mark === 'changed' ? 3.5 : 2}"${dash} marker-end="url(#arrow-${e.verdict})"><title>${escapeXml(what)}</title></path>`,
    );
  }
  for (const e of g.edges) {
    if (!e.label) continue;
    const b = e.labelBox;
    const text = `${e.label}${e.verdict === 'failed' ? ' ✗' : ''}`;
    parts.push(
      `<g class="edge-label" data-edge="${e.id}"><rect x="${r1(b.x)}" y="${r1(b.y)}" width="${r1(b.w)}" height="${r1(b.h)}" rx="3" fill="#ffffff" fill-opacity="0.9"/><text x="${r1(b.x + b.w / 2)}" y="${r1(b.y + b.h - 4)}" text-anchor="middle" font-size="11" fill="${verdictColour[e.verdict]}">${escapeXml(text)}</text></g>`,
    );
  }
  for (const n of g.nodes) {
    const label = shortLabel(n.label);
    const fill =
      n.kind === 'namespace'
        ? '#eceff1'
        : n.kind === 'outside'
          ? '#fff8e1'
          : n.kind === 'service'
            ? '#e3f2fd'
            : n.kind === 'gateway'
              ? '#ede7f6'
              : '#ffffff';
    const line2 =
      n.count === undefined
        ? ''
        : `<text x="${r1(n.x + n.w / 2)}" y="${r1(n.y + 36)}" text-anchor="middle" font-size="11" fill="#37474f">${countText(n.count)}</text>`;
    const y = n.count === undefined ? n.y + n.h / 2 + 4 : n.y + 18;
    parts.push(
      `<g class="node node-${n.kind}" data-node="${escapeXml(n.id)}" data-group="${escapeXml(n.group)}" tabindex="0" role="button" aria-label="${escapeXml(`${n.kind} ${n.id}`)}"><rect x="${r1(n.x)}" y="${r1(n.y)}" width="${r1(n.w)}" height="${r1(n.h)}" rx="6" fill="${fill}" stroke="#546e7a"/><text x="${r1(n.x + n.w / 2)}" y="${r1(y)}" text-anchor="middle" fill="#263238">${escapeXml(label)}</text>${line2}<title>${escapeXml(n.id)}</title></g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('\n');
}
