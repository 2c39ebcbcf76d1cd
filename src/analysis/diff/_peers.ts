import type { Pod } from '../../model/types.ts';
import type { AnalysedCluster } from '../../pipeline/index.ts';
import { computeMatrix, portClasses } from '../matrix/index.ts';
import type { DirtyState } from './_dirty.ts';

const nsOf = (group: string) => group.slice(0, group.indexOf('/'));

/**
 * Whether no namespace's peers (the namespaces some pod pair reaches it from, or it reaches, on some port: the
 * posture's namespace matrix) can differ between the sides, shown by computing only the cells that could: false
 * when some may, or when that is not known here (the caller then compares the whole matrices).
 *
 * Why it is exact: with no dirty source and every dirty destination holding the same pods on both sides, a pod
 * pair (p, q) decides alike on both sides unless q is in a dirty destination and p in a group some changed
 * ingress rule admits (`DirtyGroups.candidates`, `ingressCandidates`). So a cell (m → n) can differ only when m
 * has such a group and n such a destination; those cells are computed on both sides — each side's matrix by
 * namespace over its own port classes (each cuts all of 1-65535, so "some port" is exact on either), laying out
 * the pods of those namespaces alone, hostNetwork pods left out as the posture does (a cell counts the pods of its
 * two namespaces only) — and compared. https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export function samePeers(before: AnalysedCluster, after: AnalysedCluster, dirty: DirtyState): boolean {
  const { sources, destinations, pods, candidates } = dirty;
  if (sources.size || !pods || !candidates || [...destinations].some((g) => pods.has(g))) return false;
  const columns = new Set([...destinations].map(nsOf));
  const rows = new Set([...candidates].map(nsOf));
  if (!columns.size || !rows.size) return true;
  return cells(before, rows, columns) === cells(after, rows, columns);
}

/** The allowed cells from `rows` to `columns` of a side's namespace matrix, as one sorted text. */
function cells(side: AnalysedCluster, rows: ReadonlySet<string>, columns: ReadonlySet<string>): string {
  const engine = side.context.engine;
  const ports = portClasses(engine).map((c) => ({ port: c.port, protocol: c.protocol }));
  const laid = (p: Pod) => !p.hostNetwork && (rows.has(p.namespace) || columns.has(p.namespace));
  // A cell is allowed when some port is: each side has its own port classes, so the entries per port may differ.
  const out = new Set<string>();
  const matrix = computeMatrix(engine, { by: 'namespace', ports, pods: laid, destinations: columns });
  for (const row of matrix.rows({ sources: rows }))
    for (const e of row.entries) if (e.allowedPairs > 0) out.add(`${e.from} ${e.to}`);
  return [...out].sort().join('\n');
}
