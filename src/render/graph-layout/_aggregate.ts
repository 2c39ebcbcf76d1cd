import type { EdgeVerdict, LayoutEdge, LayoutNode, LayoutOptions } from './types.ts';

export const outsideGroup = '(outside)';

export interface Aggregated {
  readonly nodes: (LayoutNode & { readonly count?: number })[];
  readonly edges: (LayoutEdge & {
    readonly count?: number;
    readonly members?: { from: string; to: string; label: string }[];
  })[];
  readonly aggregated: string[];
}

/**
 * The verdict of several edges drawn as one: the same when they agree, else `partial`; a `routes` edge (where a
 * Service or gateway forwards) carries no verdict, so the other edge's stands.
 */
function merge(a: EdgeVerdict, b: EdgeVerdict): EdgeVerdict {
  return a === b ? a : a === 'routes' ? b : b === 'routes' ? a : 'partial';
}

/** A short list of ports: the first three, then `+N`. */
function portsLabel(labels: readonly string[]): string {
  const uniq = [...new Set(labels.flatMap((l) => l.split(/,\s*/)))].sort(
    (a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0),
  );
  return uniq.length > 3 ? `${uniq.slice(0, 3).join(', ')} +${uniq.length - 3}` : uniq.join(', ');
}

/**
 * Draws namespaces as single nodes: every namespace when the graph has more than `maxNodes` nodes (the outside
 * parties stay as they are while they are few), and the ones in `collapse`. Edges between the same two drawn nodes
 * become one, with the ports joined, the count and the verdicts merged; edges inside a collapsed namespace vanish
 * into its node (its count says how many nodes it holds).
 */
export function aggregate(
  nodes: readonly LayoutNode[],
  edges: readonly LayoutEdge[],
  options: LayoutOptions,
): Aggregated {
  const max = options.maxNodes ?? 150;
  const groups = new Set(nodes.map((n) => n.group));
  const outsideCount = nodes.filter((n) => n.group === outsideGroup).length;
  const expand = new Set(options.expand ?? []);
  const collapse = new Set(
    nodes.length > max
      ? [...groups].filter((g) => (g !== outsideGroup || outsideCount > 20) && !expand.has(g))
      : (options.collapse ?? []).filter((g) => groups.has(g)),
  );
  if (!collapse.size) return { nodes: [...nodes], edges: [...edges], aggregated: [] };
  const drawnAs = new Map<string, string>();
  const out: Aggregated['nodes'] = [];
  const counts = new Map<string, number>();
  for (const n of nodes) {
    if (!collapse.has(n.group)) {
      drawnAs.set(n.id, n.id);
      out.push(n);
      continue;
    }
    const id = `namespace:${n.group}`;
    drawnAs.set(n.id, id);
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  for (const [id, count] of counts) {
    const group = id.slice('namespace:'.length);
    out.push({ id, label: group, group, kind: 'namespace', count });
  }
  const merged = new Map<string, Aggregated['edges'][number]>();
  for (const e of edges) {
    const from = drawnAs.get(e.from)!;
    const to = drawnAs.get(e.to)!;
    if (from === to && from !== e.from) continue;
    const aggregatedEdge = from !== e.from || to !== e.to;
    const key = aggregatedEdge ? `${from}\u0000${to}` : `${from}\u0000${to}\u0000${e.label}`;
    const prev = merged.get(key);
    const member = { from: e.from, to: e.to, label: e.label };
    if (!prev) merged.set(key, aggregatedEdge ? { ...e, from, to, count: 1, members: [member] } : e);
    else
      merged.set(key, {
        ...prev,
        verdict: merge(prev.verdict, e.verdict),
        ...(prev.mark || e.mark ? { mark: prev.mark === e.mark ? e.mark : 'changed' } : {}),
        count: (prev.count ?? 1) + 1,
        members: [...(prev.members ?? []), member],
      });
  }
  const finalEdges = [...merged.values()].map((e) =>
    e.members ? { ...e, label: portsLabel(e.members.map((m) => m.label)) } : e,
  );
  return { nodes: out, edges: finalEdges, aggregated: [...collapse].sort() };
}
