/**
 * The UI's graph: every workload (grouped by namespace) and the outside parties of the flows; Services, ingress
 * controllers and Gateways as their own nodes (`_graph-objects.ts`); edges for the flows, declared or found as
 * ClientIntents (coloured by outcome), and, when asked, for the connectivity the policies allow between workloads
 * (from the matrix, by workload). Laid out by the report's layout code.
 */
import type { AnalysedCluster } from '../pipeline/index.ts';
import { computeMatrix } from '../analysis/matrix/index.ts';
import type { LayoutEdge, LayoutNode } from '../render/graph-layout/index.ts';
import { objectGraph } from './_graph-objects.ts';

export interface UiGraphOptions {
  /** Add edges for allowed connectivity between workloads (off by default: with few policies it is every pair). */
  readonly connectivity?: boolean;
  /** Draw workloads that no edge touches (off by default when there are edges: they stack in long columns). */
  readonly isolated?: boolean;
  /**
   * Draw Services, ingress controllers (by IngressClass) and Gateways as their own nodes, with `routes` edges to
   * what they forward to and from the internet to the entry points (default on).
   */
  readonly objects?: boolean;
  /** At most this many connectivity edges; past it none are drawn and a note says so (default 400). */
  readonly maxConnectivityEdges?: number;
}

export interface UiGraph {
  readonly nodes: LayoutNode[];
  readonly edges: LayoutEdge[];
  readonly notes: string[];
}

export function uiGraph(a: AnalysedCluster, options: UiGraphOptions = {}): UiGraph {
  const nodes = new Map<string, LayoutNode>();
  for (const w of a.model.workloads)
    nodes.set(`${w.namespace}/${w.name}`, {
      id: `${w.namespace}/${w.name}`,
      label: w.name,
      group: w.namespace,
    });
  for (const n of a.report.graph.nodes)
    if (!nodes.has(n.id)) nodes.set(n.id, { ...n, kind: n.group === '(outside)' ? 'outside' : 'workload' });
  const edges: LayoutEdge[] = a.report.graph.edges.map((e) => ({
    from: e.from,
    to: e.to,
    label: e.label,
    verdict: e.outcome,
  }));
  if (options.objects ?? true) {
    const o = objectGraph(a.model);
    for (const n of o.nodes) if (!nodes.has(n.id)) nodes.set(n.id, n);
    edges.push(...o.edges.filter((e) => nodes.has(e.from) && nodes.has(e.to)));
  }
  const notes: string[] = [];
  if (options.connectivity) {
    const max = options.maxConnectivityEdges ?? 400;
    const flowKeys = new Set(edges.map((e) => `${e.from}\u0000${e.to}`));
    const extra: LayoutEdge[] = [];
    const matrix = computeMatrix(a.context.engine, { by: 'workload' });
    notes.push(...matrix.warnings);
    rows: for (const row of matrix.rows())
      for (const e of row.entries) {
        if (e.from === e.to || flowKeys.has(`${e.from}\u0000${e.to}`)) continue;
        const last = extra[extra.length - 1];
        if (last && last.from === e.from && last.to === e.to) {
          extra[extra.length - 1] = { ...last, label: `${last.label}, ${e.port}` };
          continue;
        }
        if (extra.length >= max) {
          notes.push(
            `more than ${max} allowed workload pairs: connectivity edges are not drawn (use the matrix)`,
          );
          extra.length = 0;
          break rows;
        }
        if (nodes.has(e.from) && nodes.has(e.to))
          extra.push({ from: e.from, to: e.to, label: String(e.port), verdict: 'allowed' });
      }
    edges.push(...extra);
  }
  const touched = new Set(edges.flatMap((e) => [e.from, e.to]));
  if (!options.isolated && edges.length) {
    const alone = [...nodes.keys()].filter((id) => !touched.has(id));
    for (const id of alone) nodes.delete(id);
    if (alone.length)
      notes.push(
        `${alone.length} nodes with no edge drawn are left out (tick "show workloads without edges").`,
      );
  }
  return {
    nodes: [...nodes.values()].sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)),
    edges,
    notes,
  };
}
