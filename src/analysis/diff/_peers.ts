import type { Pod } from '../../model/types.ts';
import { computeMatrix, portClasses } from '../matrix/index.ts';
import type { DirtyState } from './_dirty.ts';
import type { DiffSide } from './_side.ts';

const nsOf = (group: string) => group.slice(0, group.indexOf('/'));

/**
 * Whether no namespace's peers (the namespaces some pod pair reaches it from, or it reaches, on some port: the
 * posture's namespace matrix) can differ between the sides, shown from the pod pairs that could differ alone:
 * false when some cell may differ, or when that is not known here (the caller then compares the whole matrices).
 *
 * Why it is exact: with no dirty source and every dirty destination holding the same pods on both sides, a pod
 * pair (p, q) decides alike on both sides unless q is in a dirty destination and p in a group some changed
 * ingress rule admits (`DirtyGroups.candidates`, `ingressCandidates`). A cell (m → n) is then U ∨ Cx on side x,
 * U (some other pair of m and n allowed) the same on both sides, Cx some such pair allowed there. When every
 * (m, n) has Ca = Cb, every cell is equal. Cx is read from a matrix by workload laying out the candidates' and
 * the dirty destinations' pods alone (hostNetwork pods left out, as the posture does), rows from the candidates
 * towards the dirty destinations, over each side's own port classes (each cuts all of 1-65535, so "some port" is
 * exact on either). https://kubernetes.io/docs/concepts/services-networking/network-policies/
 */
export function samePeers(a: DiffSide, b: DiffSide, dirty: DirtyState): boolean {
  const { sources, destinations, pods, candidates } = dirty;
  if (sources.size || !pods || !candidates || [...destinations].some((g) => pods.has(g))) return false;
  if (!destinations.size || !candidates.size) return true;
  return cells(a, candidates, destinations) === cells(b, candidates, destinations);
}

/** The namespace pairs (m → n) with some allowed pod pair from `from` in m to `to` in n, as one sorted text. */
function cells(side: DiffSide, from: ReadonlySet<string>, to: ReadonlySet<string>): string {
  const engine = side.analysed.context.engine;
  const ports = portClasses(engine).map((c) => ({ port: c.port, protocol: c.protocol }));
  const laid = new Set([...from, ...to].flatMap((g) => side.podsOf(g)).filter((p) => !p.hostNetwork));
  const matrix = computeMatrix(engine, {
    by: 'workload',
    ports,
    pods: (p: Pod) => laid.has(p),
    destinations: to,
  });
  const out = new Set<string>();
  for (const row of matrix.rows({ sources: from, destinations: to }))
    for (const e of row.entries) if (e.allowedPairs > 0) out.add(`${nsOf(e.from)} ${nsOf(e.to)}`);
  return [...out].sort().join('\n');
}
