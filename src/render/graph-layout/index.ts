/**
 * The graph layout shared by `report -o html` and `kubetwin ui`: namespaces as islands (ELK compound nodes),
 * edges inside an island routed inside it, edge labels placed by ELK's layered algorithm as label dummies (so
 * they do not overlap), and every namespace drawn as one node past a size limit. Pure: ELK runs in this thread
 * (the bundled build without a worker); the promise resolves once the layout is done.
 * https://eclipse.dev/elk/reference/algorithms/org-eclipse-elk-layered.html
 *
 * @example
 * const laid = await layoutGraph(nodes, edges, { maxNodes: 150 });
 * const svg = renderGraphSvg(laid);
 */
import type { ELK, ELKConstructorArguments, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import { aggregate, outsideGroup } from './_aggregate.ts';
import { nodeSize, textWidth, labelHeight } from './_measure.ts';
import type { LaidOutGraph, LayoutEdge, LayoutNode, LayoutOptions, PlacedEdge, PlacedNode } from './types.ts';

export type * from './types.ts';
export { renderGraphSvg, escapeXml } from './_svg.ts';
export { outsideGroup } from './_aggregate.ts';

const rootOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.hierarchyHandling': 'INCLUDE_CHILDREN',
  'elk.json.edgeCoords': 'ROOT',
  'elk.json.shapeCoords': 'ROOT',
  'elk.edgeRouting': 'ORTHOGONAL',
  'elk.edgeLabels.placement': 'CENTER',
  'elk.layered.edgeLabels.sideSelection': 'ALWAYS_UP',
  'elk.spacing.nodeNode': '18',
  'elk.spacing.edgeLabel': '4',
  'elk.spacing.edgeEdge': '8',
  'elk.layered.spacing.nodeNodeBetweenLayers': '36',
  'elk.layered.spacing.edgeNodeBetweenLayers': '14',
  'elk.layered.spacing.edgeEdgeBetweenLayers': '8',
  'elk.layered.nodePlacement.strategy': 'NETWORK_SIMPLEX',
  'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
  'elk.padding': '[top=16,left=16,bottom=16,right=16]',
  'elk.separateConnectedComponents': 'false',
};

const islandPadding = '[top=34,left=14,bottom=14,right=14]';
let engine: ELK | undefined;

/**
 * ELK, loaded on first use: its bundled build is 1.5 MB of JavaScript, which every CLI command would otherwise
 * evaluate at start. The build is CommonJS (`module.exports = ELK`); seen from ESM its default export is the class.
 */
async function elk(): Promise<ELK> {
  if (!engine) {
    const mod = await import('elkjs/lib/elk.bundled.js');
    const ElkClass = mod.default as unknown as new (args?: ELKConstructorArguments) => ELK;
    engine = new ElkClass();
  }
  return engine;
}

/** Lays the graph out (aggregating namespaces past `maxNodes`); deterministic for the same input. */
export async function layoutGraph(
  nodes: readonly LayoutNode[],
  edges: readonly LayoutEdge[],
  options: LayoutOptions = {},
): Promise<LaidOutGraph> {
  const drawn = aggregate(nodes, edges, options);
  const byGroup = new Map<string, typeof drawn.nodes>();
  const top: ElkNode[] = [];
  for (const n of drawn.nodes) {
    if (n.kind === 'namespace') {
      top.push({ id: n.id, ...nodeSize(n.label, n.count) });
      continue;
    }
    byGroup.set(n.group, [...(byGroup.get(n.group) ?? []), n]);
  }
  const groupIds = [...byGroup.keys()].sort((a, b) =>
    a === outsideGroup ? -1 : b === outsideGroup ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
  for (const g of groupIds) {
    const min = textWidth(g, 12) + 30;
    top.push({
      id: `group:${g}`,
      layoutOptions: {
        'elk.padding': islandPadding,
        'elk.nodeSize.constraints': 'MINIMUM_SIZE',
        'elk.nodeSize.minimum': `(${min}, 60)`,
      },
      children: byGroup.get(g)!.map((n) => ({ id: n.id, ...nodeSize(n.label) })),
    });
  }
  top.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const elkEdges: ElkExtendedEdge[] = drawn.edges.map((e, i) => ({
    id: `e${i}`,
    sources: [e.from],
    targets: [e.to],
    labels: e.label ? [{ text: e.label, width: textWidth(e.label, 11) + 8, height: labelHeight }] : [],
  }));
  const root: ElkNode = { id: 'root', layoutOptions: rootOptions, children: top, edges: elkEdges };
  const laid = await (await elk()).layout(root);
  const info = new Map(drawn.nodes.map((n) => [n.id, n]));
  const placedNodes: PlacedNode[] = [];
  const groups: LaidOutGraph['groups'][number][] = [];
  for (const c of laid.children ?? []) {
    if (c.id.startsWith('group:')) {
      const g = c.id.slice('group:'.length);
      groups.push({
        id: g,
        label: g,
        x: c.x!,
        y: c.y!,
        w: c.width!,
        h: c.height!,
        count: c.children!.length,
      });
      for (const k of c.children ?? []) placedNodes.push(place(k, info.get(k.id)!));
    } else placedNodes.push(place(c, info.get(c.id)!));
  }
  const placedEdges: PlacedEdge[] = (laid.edges ?? []).map((le, i) => {
    const e = drawn.edges[i];
    const points: [number, number][] = [];
    for (const s of le.sections ?? [])
      points.push(
        [s.startPoint.x, s.startPoint.y],
        ...(s.bendPoints ?? []).map((b) => [b.x, b.y] as [number, number]),
        [s.endPoint.x, s.endPoint.y],
      );
    const l = le.labels?.[0];
    const labelBox = l
      ? { x: l.x!, y: l.y!, w: l.width!, h: l.height! }
      : { x: points[0]?.[0] ?? 0, y: points[0]?.[1] ?? 0, w: 0, h: 0 };
    return {
      id: `e${i}`,
      from: e.from,
      to: e.to,
      label: e.label,
      verdict: e.verdict,
      ...(e.mark ? { mark: e.mark } : {}),
      points,
      labelBox,
      ...(e.count !== undefined ? { count: e.count, members: e.members } : {}),
    };
  });
  return {
    width: Math.ceil(laid.width ?? 0),
    height: Math.ceil(laid.height ?? 0),
    groups,
    nodes: placedNodes.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    edges: placedEdges,
    aggregated: drawn.aggregated,
    input: { nodes: nodes.length, edges: edges.length },
  };
}

function place(k: ElkNode, n: LayoutNode & { count?: number }): PlacedNode {
  return {
    id: n.id,
    label: n.label,
    group: n.group,
    kind: n.kind ?? 'workload',
    x: k.x!,
    y: k.y!,
    w: k.width!,
    h: k.height!,
    ...(n.count !== undefined ? { count: n.count } : {}),
  };
}
