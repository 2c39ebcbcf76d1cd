/**
 * kubetwin ui's page: the graph with filters and selection, the Ask panel, the matrix and the findings, over
 * the JSON API (src/http). With --watch the server sends a `version` event when the input changes and the page
 * reloads its data in place (filters, selection and zoom kept where they still apply).
 */
import { $, getJson, h } from './_dom.ts';
import { applyFilters, drawGraph, installPanZoom, markSelected, type Filters } from './_graph-view.ts';
import { askPair, askResolve, askRoute } from './_ask-view.ts';
import { showFindings, showMatrix, showSelection } from './_lists.ts';
import { showDiff } from './_diff-view.ts';
import type { GraphResponse, PlacedEdge } from './_types.ts';

let graph: GraphResponse | undefined;
let version = -1;
const collapsed = new Set<string>();
/** Namespaces opened by a click while the graph is past its size limit (every other one stays one node). */
const expanded = new Set<string>();
const filters: Filters = {
  namespaces: new Set(),
  verdicts: new Set(['delivered', 'partial', 'failed', 'allowed', 'routes']),
  port: '',
  label: '',
};
let knownNamespaces = new Set<string>();
let view = 'graph';

function status(text: string): void {
  $('status').textContent = text;
}

async function loadGraph(): Promise<void> {
  const connectivity = ($('f-connectivity') as HTMLInputElement).checked;
  const params = new URLSearchParams();
  if (collapsed.size) params.set('collapse', [...collapsed].join(','));
  if (expanded.size) params.set('expand', [...expanded].join(','));
  if (connectivity) params.set('connectivity', '1');
  if (($('f-isolated') as HTMLInputElement).checked) params.set('isolated', '1');
  if (!($('f-objects') as HTMLInputElement).checked) params.set('objects', '0');
  const t0 = performance.now();
  const g = await getJson<GraphResponse>(`/api/graph?${params}`);
  graph = g;
  version = g.version;
  $('title').textContent = g.title;
  for (const ns of g.namespaces) if (!knownNamespaces.has(ns)) filters.namespaces.add(ns);
  knownNamespaces = new Set(g.namespaces);
  renderFilterControls(g);
  drawGraph(g, { onNode: selectNode, onEdge: selectEdge, onCollapse: toggleCollapse });
  applyFilters(g, filters);
  const { nodes, edges, aggregated, input } = g.layout;
  $('notes').textContent = [
    aggregated.length
      ? `${input.nodes} nodes: ${aggregated.length} namespaces drawn as one node each (click a namespace's name in the list to expand it).`
      : '',
    ...g.notes,
    g.flows
      ? ''
      : 'No flows declared (--flows FILE): only workloads are drawn; tick "draw allowed connectivity" for policy edges.',
  ]
    .filter(Boolean)
    .join(' ');
  status(
    `v${g.version} · ${nodes.length} nodes, ${edges.length} edges · ${g.diagnostics} input problems · drawn in ${Math.round(performance.now() - t0)} ms`,
  );
  document.body.dataset.ready = String(g.version);
  if (!g.via) ($('route-via') as HTMLInputElement).placeholder = 'no Gateway or IngressClass in the input';
  else ($('route-via') as HTMLInputElement).placeholder = g.via;
}

function renderFilterControls(g: GraphResponse): void {
  const box = $('f-namespaces');
  box.replaceChildren(
    ...g.namespaces.map((ns) => {
      const cb = h('input', { type: 'checkbox', value: ns }) as HTMLInputElement;
      cb.checked = filters.namespaces.has(ns);
      cb.onchange = () => {
        if (cb.checked) filters.namespaces.add(ns);
        else filters.namespaces.delete(ns);
        refilter();
      };
      const fold = h(
        'button',
        {
          type: 'button',
          class: 'fold',
          'aria-label': `${collapsed.has(ns) ? 'expand' : 'collapse'} ${ns}`,
          title: collapsed.has(ns) ? 'expand' : 'collapse',
        },
        collapsed.has(ns) ? '+' : '−',
      );
      fold.onclick = () => toggleCollapse(ns);
      return h('div', { class: 'ns' }, h('label', {}, cb, ` ${ns}`), fold);
    }),
  );
  const fill = (id: string, values: string[], current: string) => {
    const sel = $(id) as HTMLSelectElement;
    sel.replaceChildren(
      h('option', { value: '' }, 'any'),
      ...values.map((v) => h('option', { value: v }, v)),
    );
    sel.value = values.includes(current) ? current : '';
  };
  fill('f-port', g.ports, filters.port);
  fill('f-label', g.labels, filters.label);
}

function refilter(): void {
  if (graph) applyFilters(graph, filters);
  if (view === 'matrix') void showMatrix(filters.namespaces, filters.port);
}

function toggleCollapse(ns: string): void {
  const aggregatedBySize = !!graph?.layout.aggregated.length && !collapsed.size;
  if (aggregatedBySize && !expanded.has(ns) && graph!.layout.aggregated.includes(ns)) expanded.add(ns);
  else if (expanded.has(ns)) expanded.delete(ns);
  else if (collapsed.has(ns)) collapsed.delete(ns);
  else collapsed.add(ns);
  void loadGraph();
}

function selectNode(id: string): void {
  if (!graph) return;
  markSelected(id);
  if (id.startsWith('namespace:')) return toggleCollapse(id.slice('namespace:'.length));
  void showSelection(graph, id, selectEdge, (end, node) => {
    ($(end === 'from' ? 'ask-from' : 'ask-to') as HTMLInputElement).value = node;
  });
}

function selectEdge(e: PlacedEdge): void {
  markSelected(undefined, e.id);
  const m = e.members?.[0];
  const [from, to, label] = m ? [m.from, m.to, m.label] : [e.from, e.to, e.label];
  const port = label.split(/,\s*/)[0];
  ($('ask-from') as HTMLInputElement).value = from;
  ($('ask-to') as HTMLInputElement).value = to;
  ($('ask-port') as HTMLInputElement).value = /^\d+$/.test(port) ? port : '';
  void askPair(from, to, /^\d+$/.test(port) ? port : '');
}

function showView(name: string): void {
  view = name;
  for (const b of document.querySelectorAll<HTMLButtonElement>('nav button'))
    b.setAttribute('aria-selected', String(b.dataset.view === name));
  for (const v of document.querySelectorAll<HTMLElement>('.view')) v.hidden = v.id !== `view-${name}`;
  if (name === 'matrix') void showMatrix(filters.namespaces, filters.port);
  if (name === 'findings') void showFindings();
  if (name === 'diff') void loadDiff();
}

/** The Diff view's data; `body[data-diff]` says which version it shows (the browser tests wait for it). */
async function loadDiff(): Promise<void> {
  await showDiff();
  document.body.dataset.diff = String(version);
}

function install(): void {
  installPanZoom();
  for (const b of document.querySelectorAll<HTMLButtonElement>('nav button'))
    b.onclick = () => showView(b.dataset.view!);
  for (const cb of document.querySelectorAll<HTMLInputElement>('input[name=verdict]'))
    cb.onchange = () => {
      if (cb.checked) filters.verdicts.add(cb.value);
      else filters.verdicts.delete(cb.value);
      refilter();
    };
  ($('f-port') as HTMLSelectElement).onchange = (ev) => (
    (filters.port = (ev.target as HTMLSelectElement).value),
    refilter()
  );
  ($('f-label') as HTMLSelectElement).onchange = (ev) => (
    (filters.label = (ev.target as HTMLSelectElement).value),
    refilter()
  );
  ($('f-connectivity') as HTMLInputElement).onchange = () => void loadGraph();
  ($('f-isolated') as HTMLInputElement).onchange = () => void loadGraph();
  ($('f-objects') as HTMLInputElement).onchange = () => void loadGraph();
  ($('matrix-by') as HTMLSelectElement).onchange = () => void showMatrix(filters.namespaces, filters.port);
  ($('matrix-denied') as HTMLInputElement).onchange = () => void showMatrix(filters.namespaces, filters.port);
  $('ask-form').onsubmit = (ev) => {
    ev.preventDefault();
    const v = (id: string) => ($(id) as HTMLInputElement).value.trim();
    void askPair(v('ask-from'), v('ask-to'), v('ask-port'));
  };
  $('resolve-form').onsubmit = (ev) => {
    ev.preventDefault();
    const v = (id: string) => ($(id) as HTMLInputElement).value.trim();
    void askResolve(v('resolve-name'), v('resolve-type'), v('resolve-from'));
  };
  $('route-form').onsubmit = (ev) => {
    ev.preventDefault();
    const v = (id: string) => ($(id) as HTMLInputElement).value.trim();
    void askRoute(v('route-url'), v('route-via'));
  };
  const events = new EventSource('/api/events');
  events.addEventListener('version', (ev) => {
    if (Number((ev as MessageEvent).data) === version) return;
    status('input changed: reloading…');
    void loadGraph().then(() =>
      view === 'findings'
        ? showFindings()
        : view === 'matrix'
          ? showMatrix(filters.namespaces, filters.port)
          : view === 'diff'
            ? loadDiff()
            : undefined,
    );
  });
}

install();
loadGraph().catch((e) => status(`cannot load the graph: ${(e as Error).message}`));
