/**
 * The graph view: the server's SVG (ELK layout) put in the page, with zoom and pan on its viewBox, filters that
 * hide nodes and edges, a click (or Enter) on a node or an edge reported to the caller, and collapse/expand of a
 * namespace (a click on its island's name asks the server for a new layout).
 */
import { $ } from './_dom.ts';
import type { GraphResponse, PlacedEdge } from './_types.ts';

export interface Filters {
  namespaces: Set<string>;
  verdicts: Set<string>;
  port: string;
  label: string;
}

export interface GraphHandlers {
  onNode(id: string): void;
  onEdge(edge: PlacedEdge): void;
  onCollapse(namespace: string): void;
}

let view = { x: 0, y: 0, w: 1, h: 1 };
let full = { w: 1, h: 1 };

function svg(): SVGSVGElement | null {
  return $('graph').querySelector('svg');
}

function apply(): void {
  svg()?.setAttribute('viewBox', `${view.x} ${view.y} ${view.w} ${view.h}`);
}

/** The whole graph in the canvas. */
export function fit(): void {
  view = { x: 0, y: 0, w: full.w, h: full.h };
  apply();
}

/** The first view: the whole graph when it fits at 60 % or more, else 60 % from the left (pan for the rest). */
function readableFit(): void {
  const c = $('canvas');
  const k = Math.min(c.clientWidth / full.w, c.clientHeight / full.h);
  if (!c.clientWidth || k >= 0.6) return fit();
  const w = c.clientWidth / 0.6;
  const h = c.clientHeight / 0.6;
  view = { x: 0, y: full.h / 2 - h / 2, w, h };
  apply();
}

export function zoom(factor: number, cx = view.x + view.w / 2, cy = view.y + view.h / 2): void {
  const w = Math.min(Math.max(view.w * factor, 40), full.w * 4);
  const k = w / view.w;
  view = { x: cx - (cx - view.x) * k, y: cy - (cy - view.y) * k, w, h: view.h * k };
  apply();
}

export function drawGraph(g: GraphResponse, handlers: GraphHandlers): void {
  const host = $('graph');
  host.innerHTML = g.svg; // the server's own rendering: every text in it is escaped (renderGraphSvg)
  const s = svg()!;
  s.removeAttribute('width');
  s.removeAttribute('height');
  s.setAttribute('preserveAspectRatio', 'xMidYMid meet');
  full = { w: g.layout.width, h: g.layout.height };
  readableFit();
  const edges = new Map(g.layout.edges.map((e) => [e.id, e]));
  // A wide transparent twin under each edge makes thin lines easy to click.
  for (const p of s.querySelectorAll<SVGPathElement>('path.edge')) {
    const hit = p.cloneNode(false) as SVGPathElement;
    hit.setAttribute('class', 'edge-hit');
    hit.removeAttribute('marker-end');
    hit.removeAttribute('stroke-dasharray');
    p.after(hit);
  }
  for (const l of s.querySelectorAll<SVGGElement>('g.edge-label')) {
    l.setAttribute('tabindex', '0');
    l.setAttribute('role', 'button');
    const e = edges.get(l.dataset.edge!);
    if (e) l.setAttribute('aria-label', `edge ${e.from} to ${e.to} port ${e.label}, ${e.verdict}`);
  }
  const activate = (target: Element | null) => {
    const node = target?.closest<SVGGElement>('g.node');
    if (node) return handlers.onNode(node.dataset.node!);
    const edge = target?.closest<SVGElement>('[data-edge]');
    if (edge) return handlers.onEdge(edges.get(edge.dataset.edge!)!);
    const group = target?.closest<SVGGElement>('g.group');
    if (group && target?.tagName === 'text') handlers.onCollapse(group.dataset.group!);
  };
  s.addEventListener('click', (ev) => {
    if (!moved) activate(ev.target as Element);
  });
  s.addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' || ev.key === ' ') {
      ev.preventDefault();
      activate(ev.target as Element);
    }
  });
}

let moved = false;

/** Wheel zoom, drag to pan, + / - / 0 keys on the canvas. Installed once. */
export function installPanZoom(): void {
  const canvas = $('canvas');
  let drag: { x: number; y: number; vx: number; vy: number } | undefined;
  const scale = () => view.w / canvas.clientWidth;
  canvas.addEventListener(
    'wheel',
    (ev) => {
      ev.preventDefault();
      const r = canvas.getBoundingClientRect();
      const k = Math.max(view.w / r.width, view.h / r.height);
      const cx = view.x + (ev.clientX - r.left) * k - (r.width * k - view.w) / 2;
      const cy = view.y + (ev.clientY - r.top) * k - (r.height * k - view.h) / 2;
      zoom(ev.deltaY > 0 ? 1.15 : 1 / 1.15, cx, cy);
    },
    { passive: false },
  );
  canvas.addEventListener('pointerdown', (ev) => {
    if ((ev.target as Element).closest('.zoom')) return;
    drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y };
    moved = false;
  });
  window.addEventListener('pointermove', (ev) => {
    if (!drag) return;
    const dx = ev.clientX - drag.x;
    const dy = ev.clientY - drag.y;
    if (Math.abs(dx) + Math.abs(dy) > 4) moved = true;
    if (!moved) return;
    view = { ...view, x: drag.vx - dx * scale(), y: drag.vy - dy * scale() };
    apply();
  });
  window.addEventListener('pointerup', () => {
    drag = undefined;
    setTimeout(() => (moved = false), 0);
  });
  canvas.addEventListener('keydown', (ev) => {
    if (ev.target !== canvas) return;
    const step = view.w / 10;
    const keys: Record<string, () => void> = {
      '+': () => zoom(1 / 1.25),
      '=': () => zoom(1 / 1.25),
      '-': () => zoom(1.25),
      '0': fit,
      ArrowLeft: () => ((view.x -= step), apply()),
      ArrowRight: () => ((view.x += step), apply()),
      ArrowUp: () => ((view.y -= step), apply()),
      ArrowDown: () => ((view.y += step), apply()),
    };
    const f = keys[ev.key];
    if (f) {
      ev.preventDefault();
      f();
    }
  });
  $('zoom-in').onclick = () => zoom(1 / 1.25);
  $('zoom-out').onclick = () => zoom(1.25);
  $('zoom-fit').onclick = fit;
}

/** Hides what the filters leave out: nodes of other namespaces or without the label, edges of other verdicts or ports, and edges to hidden nodes. */
export function applyFilters(g: GraphResponse, f: Filters): void {
  const s = svg();
  if (!s) return;
  const shown = new Set<string>();
  for (const n of g.layout.nodes) {
    const labels = g.nodeLabels[n.id];
    const ok =
      (n.group === '(outside)' || f.namespaces.has(n.group)) &&
      (!f.label || n.kind === 'namespace' || (labels?.includes(f.label) ?? false));
    if (ok) shown.add(n.id);
  }
  for (const el of s.querySelectorAll<SVGGElement>('g.node'))
    el.classList.toggle('hidden', !shown.has(el.dataset.node!));
  for (const el of s.querySelectorAll<SVGGElement>('g.group'))
    el.classList.toggle('hidden', !f.namespaces.has(el.dataset.group!) && el.dataset.group !== '(outside)');
  const edgeShown = new Set<string>();
  for (const e of g.layout.edges)
    if (
      shown.has(e.from) &&
      shown.has(e.to) &&
      f.verdicts.has(e.verdict) &&
      (!f.port || e.label.split(/,\s*/).includes(f.port))
    )
      edgeShown.add(e.id);
  for (const el of s.querySelectorAll<SVGElement>('[data-edge]'))
    el.classList.toggle('hidden', !edgeShown.has(el.dataset.edge!));
}

export function markSelected(id: string | undefined, edgeId?: string): void {
  const s = svg();
  if (!s) return;
  for (const el of s.querySelectorAll('.selected')) el.classList.remove('selected');
  if (id) s.querySelector(`g.node[data-node="${CSS.escape(id)}"]`)?.classList.add('selected');
  if (edgeId) s.querySelector(`path.edge[data-edge="${CSS.escape(edgeId)}"]`)?.classList.add('selected');
}
