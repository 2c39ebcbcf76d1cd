/**
 * The Diff view (`kubetwin ui --base … -f …`): the graph of both sides with the edges the change added, removed
 * or changed marked (+, −, ~), and beside it the sections `kubetwin diff` prints — a summary, the effects layer by
 * layer with before → after and the object change behind each, and the objects changed field by field. A click
 * (or Enter) on an effect with an edge highlights that edge in the graph.
 */
import { $, getJson, h } from './_dom.ts';
import type { PlacedEdge } from './_types.ts';

interface Effect {
  layer: string;
  severity: string;
  subject: string;
  change: string;
  direction: string;
  before: string;
  after: string;
  details: string[];
  cause: { objects: string[]; certain: boolean };
  edge?: { from: string; to: string; label: string };
}
interface ObjectChange {
  key: string;
  change: string;
  beforeAt?: string;
  afterAt?: string;
  fields: { path: string; before?: string; after?: string; beforeAt?: string; afterAt?: string }[];
}
interface DiffResponse {
  enabled: boolean;
  version?: number;
  base?: string;
  head?: string;
  summary?: {
    objects: { added: number; removed: number; modified: number };
    layers: Record<string, number>;
    flowsBroken: number;
    flowsFixed: number;
    newErrors: number;
    newExposure: number;
  };
  notes?: string[];
  effects?: Effect[];
  objects?: ObjectChange[];
  layout?: { edges: PlacedEdge[] };
  svg?: string;
}

export async function showDiff(): Promise<void> {
  const host = $('diff');
  const d = await getJson<DiffResponse>('/api/diff');
  if (!d.enabled) {
    host.replaceChildren(
      h(
        'p',
        { class: 'note' },
        'No base to compare with: start with ',
        h('code', {}, 'kubetwin ui --base BEFORE -f AFTER'),
        ' (paths, or --base git:REF for the -f paths at a git ref) to see what the change does here.',
      ),
    );
    return;
  }
  const s = d.summary!;
  const graph = h('div', { id: 'diff-graph', tabindex: '0', 'aria-label': 'graph of the change' });
  graph.innerHTML = d.svg!; // the server's own rendering: every text in it is escaped (renderGraphSvg)
  // Drawn at its own size; the box scrolls (a whole-cluster picture scaled to the column is unreadable).
  const legend = h(
    'p',
    { class: 'note' },
    'Edges: + added by the change (heavy), − removed (faded, dashed), ~ verdict changed (heavy); unmarked: unchanged.',
  );
  const byLayer = new Map<string, Effect[]>();
  for (const e of d.effects!) byLayer.set(e.layer, [...(byLayer.get(e.layer) ?? []), e]);
  const sections = [...byLayer].map(([layer, effects]) =>
    h(
      'section',
      { class: 'diff-layer' },
      h('h3', {}, `${layer} (${effects.length})`),
      h('ul', {}, ...effects.map((e) => effectItem(e, d.layout!.edges))),
    ),
  );
  const objects = h(
    'details',
    { id: 'diff-objects', open: '' },
    h('summary', {}, `Objects changed (${d.objects!.length})`),
    h(
      'ul',
      {},
      ...d.objects!.map((o) =>
        h(
          'li',
          {},
          h('b', {}, `${o.change} ${o.key}`),
          ` ${o.afterAt ?? o.beforeAt ?? ''}`,
          o.fields.length
            ? h(
                'ul',
                {},
                ...o.fields.map((f) =>
                  h(
                    'li',
                    {},
                    h('code', {}, f.path),
                    `: ${f.before ?? '(absent)'} → ${f.after ?? '(absent)'}`,
                    f.afterAt || f.beforeAt ? ` (${f.afterAt ?? f.beforeAt})` : '',
                  ),
                ),
              )
            : '',
        ),
      ),
    ),
  );
  host.replaceChildren(
    h('h2', {}, `${d.base} → ${d.head}`),
    h(
      'table',
      { id: 'diff-summary' },
      h(
        'tr',
        {},
        h('th', {}, 'objects'),
        h('td', {}, `+${s.objects.added} −${s.objects.removed} ~${s.objects.modified}`),
      ),
      h('tr', {}, h('th', {}, 'flows'), h('td', {}, `${s.flowsFixed} fixed, ${s.flowsBroken} broken`)),
      h('tr', {}, h('th', {}, 'new exposure'), h('td', {}, String(s.newExposure))),
      h('tr', {}, h('th', {}, 'new errors'), h('td', {}, String(s.newErrors))),
    ),
    h(
      'div',
      { class: 'diff-body' },
      h('div', { class: 'diff-picture' }, legend, graph),
      h(
        'div',
        { id: 'diff-sections' },
        ...(sections.length ? sections : [h('p', { class: 'note' }, 'No effect: the network is the same.')]),
        objects,
        ...(d.notes ?? []).map((n) => h('p', { class: 'note' }, n)),
      ),
    ),
  );
}

function effectItem(e: Effect, edges: PlacedEdge[]): HTMLElement {
  const cause = `${e.cause.certain ? '' : 'one of '}${e.cause.objects.join(', ') || '(no object named)'}`;
  const item = h(
    'li',
    { class: `effect effect-${e.direction}` },
    h('b', {}, e.subject),
    `: ${e.before} → ${e.after}`,
    h('br'),
    h('span', { class: 'note' }, `${e.severity}, ${e.direction}; caused by ${cause}`),
  );
  const target =
    e.edge &&
    edges.find(
      (x) =>
        x.from === e.edge!.from &&
        x.to === e.edge!.to &&
        x.label
          .replace(/^[+−~] /, '')
          .split(', ')
          .includes(e.edge!.label.replace(/\/TCP$/, '')),
    );
  if (target) {
    item.setAttribute('tabindex', '0');
    item.setAttribute('role', 'button');
    item.dataset.edge = target.id;
    const select = () => {
      const svg = $('diff-graph').querySelector('svg');
      for (const el of svg?.querySelectorAll('.selected') ?? []) el.classList.remove('selected');
      svg?.querySelector(`path.edge[data-edge="${CSS.escape(target.id)}"]`)?.classList.add('selected');
    };
    item.onclick = select;
    item.onkeydown = (ev) => {
      if (ev.key === 'Enter' || ev.key === ' ') {
        ev.preventDefault();
        select();
      }
    };
  }
  return item;
}
