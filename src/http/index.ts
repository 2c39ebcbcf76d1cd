/**
 * The HTTP API under `kubetwin ui`, as a fetch handler (Hono): read-only JSON over the analysed cluster, the web
 * page's bundle from memory, and Server-Sent Events when the input changes. No socket here — the Node listener is
 * `node-server.ts`; tests call `app.request()`. No endpoint returns Secret data: answers are built from the slim
 * model, and `/api/source` refuses Secret documents.
 *
 * @example
 * const app = createApp({ snapshot: () => current, assets });
 * const res = await app.request('/api/findings');
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { AnalysedCluster } from '../pipeline/index.ts';
import { formatSource } from '../model/diagnostic.ts';
import { computeMatrix, matrixEntries, type MatrixBy } from '../analysis/matrix/index.ts';
import { layoutGraph, renderGraphSvg, type LaidOutGraph } from '../render/graph-layout/index.ts';
import { uiGraph } from './_graph.ts';
import { selectionOf } from './_selection.ts';
import { askReach, askResolve, askRoute, askTrace, defaultVia } from './_ask.ts';
import { snippetOf } from './_source.ts';
import { diffGraph } from './_diff-graph.ts';
import type { ClusterDiff } from '../analysis/diff/index.ts';

/** One analysed state of the input; `version` grows with every reload (`--watch`). */
export interface Snapshot {
  readonly version: number;
  readonly title: string;
  readonly analysed: AnalysedCluster;
  /** Input problems, as printed by the CLI. */
  readonly diagnostics: number;
  /** With two inputs (`--base`): the before side and `diffClusters`' answer (`analysed` is the after side). */
  readonly diff?: { readonly base: string; readonly before: AnalysedCluster; readonly result: ClusterDiff };
}

export interface AppOptions {
  readonly snapshot: () => Snapshot;
  /** Calls `listener` after each reload; returns the unsubscribe function. */
  readonly subscribe?: (listener: (s: Snapshot) => void) => () => void;
  /** The page: `index.html`, `app.js`, `app.css`, served from memory. */
  readonly assets?: Readonly<Record<string, string>>;
  /** Reads one of the input files (the adapter restricts it to them); undefined when it is not one. */
  readonly readSource?: (file: string) => Promise<string | undefined>;
}

const types: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
};
const maxMatrixEntries = 5000;

export function createApp(options: AppOptions): Hono {
  const app = new Hono();
  const layouts = new Map<string, Promise<{ layout: LaidOutGraph; svg: string; notes: string[] }>>();
  let layoutsOf = -1;

  app.get('/api/graph', async (c) => {
    const s = options.snapshot();
    if (layoutsOf !== s.version) {
      layouts.clear();
      layoutsOf = s.version;
    }
    const collapse = (c.req.query('collapse') ?? '').split(',').filter(Boolean).sort();
    const expand = (c.req.query('expand') ?? '').split(',').filter(Boolean).sort();
    const connectivity = c.req.query('connectivity') === '1';
    const isolated = c.req.query('isolated') === '1';
    const objects = c.req.query('objects') !== '0';
    const maxNodes = Number(c.req.query('maxNodes') ?? 150) || 150;
    const key = JSON.stringify([collapse, expand, connectivity, isolated, objects, maxNodes]);
    let laid = layouts.get(key);
    if (!laid) {
      const g = uiGraph(s.analysed, { connectivity, isolated, objects });
      laid = layoutGraph(g.nodes, g.edges, { collapse, expand, maxNodes }).then((layout) => ({
        layout,
        svg: renderGraphSvg(layout, { title: `connectivity of ${s.title}` }),
        notes: g.notes,
      }));
      layouts.set(key, laid);
    }
    const { layout, svg, notes } = await laid;
    return c.json({
      version: s.version,
      title: s.title,
      // The namespaces drawn (the filter lists these), not every namespace of the cluster.
      namespaces: [...new Set(layout.nodes.map((n) => n.group))].filter((g) => g !== '(outside)').sort(),
      ports: [...new Set(layout.edges.flatMap((e) => e.label.split(/,\s*/)).filter(Boolean))].sort(
        (a, b) => Number(a) - Number(b),
      ),
      ...labelsOf(s.analysed),
      notes,
      layout,
      svg,
      via: defaultVia(s.analysed),
      diagnostics: s.diagnostics,
      flows: s.analysed.traces.length,
    });
  });

  let diffLayout:
    { version: number; laid: Promise<{ layout: LaidOutGraph; svg: string; notes: string[] }> } | undefined;
  app.get('/api/diff', async (c) => {
    const s = options.snapshot();
    if (!s.diff) return c.json({ enabled: false });
    if (diffLayout?.version !== s.version) {
      const g = diffGraph(s.diff.before, s.analysed, s.diff.result);
      diffLayout = {
        version: s.version,
        laid: layoutGraph(g.nodes, g.edges, { maxNodes: 150 }).then((layout) => ({
          layout,
          notes: g.notes,
          svg: renderGraphSvg(layout, { title: `what ${s.title} changes against ${s.diff!.base}` }),
        })),
      };
    }
    const { layout, svg, notes } = await diffLayout.laid;
    const r = s.diff.result;
    return c.json({
      enabled: true,
      version: s.version,
      base: s.diff.base,
      head: s.title,
      summary: r.summary,
      notes: [...notes, ...r.notes],
      effects: r.effects,
      objects: r.objects,
      layout,
      svg,
    });
  });

  app.get('/api/node', (c) => {
    const sel = selectionOf(options.snapshot().analysed, c.req.query('id') ?? '');
    return sel ? c.json(sel) : c.json({ error: 'no workload or pod of that name' }, 404);
  });

  const ask =
    (f: typeof askReach) =>
    (c: { req: { query(): Record<string, string> }; json: (b: unknown, s?: 200 | 400) => Response }) => {
      const a = f(options.snapshot().analysed, c.req.query());
      return c.json(a.body, a.status);
    };
  app.get('/api/reach', ask(askReach));
  app.get('/api/trace', ask(askTrace));
  app.get('/api/resolve', ask(askResolve));
  app.get('/api/route', ask(askRoute));

  app.get('/api/matrix', (c) => {
    const by = (c.req.query('by') ?? 'workload') as MatrixBy;
    if (by !== 'workload' && by !== 'namespace' && by !== 'pod')
      return c.json({ error: 'by is pod, workload or namespace' }, 400);
    const ns = (c.req.query('namespace') ?? '').split(',').filter(Boolean);
    const m = computeMatrix(options.snapshot().analysed.context.engine, {
      by,
      ...(ns.length ? { namespaces: ns } : {}),
    });
    const entries = matrixEntries(m, { denied: true });
    return c.json({
      by,
      groups: m.groups,
      warnings: m.warnings,
      entries: entries.slice(0, maxMatrixEntries),
      truncated: entries.length > maxMatrixEntries ? entries.length : undefined,
    });
  });

  app.get('/api/findings', (c) =>
    c.json(
      options.snapshot().analysed.findings.map((f) => ({
        ...f,
        objects: f.objects.map((o) => ({
          key: o.key,
          ...(o.source
            ? { source: { file: o.source.file, line: o.source.line, at: formatSource(o.source, false) } }
            : {}),
        })),
      })),
    ),
  );

  app.get('/api/source', async (c) => {
    const file = c.req.query('file') ?? '';
    const line = Number(c.req.query('line'));
    const text = options.readSource ? await options.readSource(file) : undefined;
    if (text === undefined || !Number.isInteger(line) || line < 1)
      return c.json({ error: 'not one of the input files, or no such line' }, 404);
    return c.json(snippetOf(file, text, line));
  });

  app.get('/api/events', (c) =>
    streamSSE(c, async (stream) => {
      await stream.writeSSE({ event: 'version', data: String(options.snapshot().version) });
      if (!options.subscribe) return;
      let wake: (() => void) | undefined;
      const pending: number[] = [];
      const stop = options.subscribe((s) => {
        pending.push(s.version);
        wake?.();
      });
      stream.onAbort(() => wake?.());
      try {
        while (!stream.aborted) {
          await new Promise<void>((r) => {
            const timer = setTimeout(r, 25_000);
            wake = () => {
              clearTimeout(timer);
              r();
            };
          });
          if (stream.aborted) break;
          const v = pending.splice(0).pop();
          if (v !== undefined) await stream.writeSSE({ event: 'version', data: String(v) });
          else await stream.write(': keep-alive\n\n');
        }
      } finally {
        stop();
      }
    }),
  );

  app.get('/:asset{(index\\.html|app\\.js|app\\.css)?}', (c) => {
    const name = c.req.param('asset') || 'index.html';
    const body = options.assets?.[name];
    if (body === undefined) return c.text('the web page is not built (npm run build)', 404);
    return c.body(body, 200, { 'content-type': types[name], 'cache-control': 'no-cache' });
  });
  return app;
}

/** Label `key=value`s of the pods (without pod-template-hash), each workload's, for the graph's label filter. */
function labelsOf(a: AnalysedCluster): { labels: string[]; nodeLabels: Record<string, string[]> } {
  const all = new Set<string>();
  const nodeLabels: Record<string, string[]> = {};
  const ownerOf = new Map<string, string>();
  for (const w of a.model.workloads) for (const k of w.podKeys) ownerOf.set(k, `${w.namespace}/${w.name}`);
  for (const p of a.model.pods) {
    const id = ownerOf.get(p.key) ?? `${p.namespace}/${p.name}`;
    if (nodeLabels[id]) continue;
    nodeLabels[id] = Object.entries(p.labels)
      .filter(([k]) => k !== 'pod-template-hash')
      .map(([k, v]) => `${k}=${v}`)
      .sort();
    for (const l of nodeLabels[id]) all.add(l);
  }
  return { labels: [...all].sort().slice(0, 500), nodeLabels };
}
