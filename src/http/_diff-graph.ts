/**
 * The diff view's graph: the UI's graph of both sides in one picture, each edge marked by what the change did
 * to it — `added` (only after), `removed` (only before), `changed` (both, another verdict) — and the edges of the
 * diff's connectivity and exposure effects (`diffClusters`, the analysis `kubetwin diff` prints) marked the same
 * way. Unchanged edges stay unmarked, so the picture is the whole network with the change drawn on it.
 */
import type { AnalysedCluster } from '../pipeline/index.ts';
import type { ClusterDiff, Effect } from '../analysis/diff/index.ts';
import type { EdgeMark, LayoutEdge, LayoutNode } from '../render/graph-layout/index.ts';
import { uiGraph } from './_graph.ts';

const symbol: Record<EdgeMark, string> = { added: '+', removed: '−', changed: '~' };
const keyOf = (e: { from: string; to: string; label: string }) => `${e.from}\u0000${e.to}\u0000${e.label}`;

export function diffGraph(
  before: AnalysedCluster,
  after: AnalysedCluster,
  diff: ClusterDiff,
  maxEffectEdges = 60,
): { nodes: LayoutNode[]; edges: LayoutEdge[]; notes: string[] } {
  const a = uiGraph(before, { isolated: false });
  const b = uiGraph(after, { isolated: false });
  const nodes = new Map<string, LayoutNode>();
  for (const n of [...a.nodes, ...b.nodes]) if (!nodes.has(n.id)) nodes.set(n.id, n);
  const x = new Map(a.edges.map((e) => [keyOf(e), e]));
  const y = new Map(b.edges.map((e) => [keyOf(e), e]));
  const edges = new Map<string, LayoutEdge>();
  for (const [k, e] of y) {
    const old = x.get(k);
    edges.set(k, !old ? marked(e, 'added') : old.verdict !== e.verdict ? marked(e, 'changed') : e);
  }
  for (const [k, e] of x) if (!y.has(k)) edges.set(k, marked(e, 'removed'));
  // One edge per (from, to) pair, its ports joined; past `maxEffectEdges` pairs none is drawn (they are listed).
  const pairs = new Map<string, { from: string; to: string; ports: string[]; marks: Set<EdgeMark> }>();
  for (const effect of diff.effects) {
    if ((effect.layer !== 'connectivity' && effect.layer !== 'exposure') || !effect.edge) continue;
    const { from, to, label } = effect.edge;
    const k = `${from}\u0000${to}`;
    const p = pairs.get(k) ?? { from, to, ports: [], marks: new Set<EdgeMark>() };
    p.ports.push(label.replace(/\/TCP$/, ''));
    p.marks.add(markOf(effect));
    pairs.set(k, p);
  }
  const notes: string[] = [];
  if (pairs.size > maxEffectEdges) {
    notes.push(
      `${pairs.size} workload pairs whose connectivity or exposure changed: too many to draw, they are listed beside the graph`,
    );
    pairs.clear();
  }
  for (const { from, to, ports, marks } of pairs.values()) {
    const label =
      ports.length > 3 ? `${ports.slice(0, 3).join(', ')} +${ports.length - 3}` : ports.join(', ');
    for (const id of [from, to])
      if (!nodes.has(id)) {
        const slash = id.indexOf('/');
        nodes.set(id, {
          id,
          label: slash > 0 ? id.slice(slash + 1) : id,
          group: slash > 0 ? id.slice(0, slash) : '(outside)',
          kind: slash > 0 ? 'workload' : 'outside',
        });
      }
    const e: LayoutEdge = { from, to, label, verdict: 'allowed' };
    edges.set(`effect\u0000${keyOf(e)}`, marked(e, marks.size === 1 ? [...marks][0] : 'changed'));
  }
  return {
    nodes: [...nodes.values()].sort((p, q) => (p.id < q.id ? -1 : p.id > q.id ? 1 : 0)),
    edges: [...edges.values()],
    notes,
  };
}

function marked(e: LayoutEdge, mark: EdgeMark): LayoutEdge {
  return { ...e, label: `${symbol[mark]} ${e.label}`.trim(), mark };
}

/** Opened connectivity or exposure is drawn as added, closed as removed. */
function markOf(e: Effect): EdgeMark {
  if (e.details.includes('opened') || (e.layer === 'exposure' && e.change === 'added')) return 'added';
  if (e.details.includes('closed') || (e.layer === 'exposure' && e.change === 'removed')) return 'removed';
  return e.change === 'added' ? 'added' : e.change === 'removed' ? 'removed' : 'changed';
}
