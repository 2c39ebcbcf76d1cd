import type { ClusterModel } from '../../model/types.ts';
import type { AnalysedCluster } from '../../pipeline/index.ts';
import {
  namespacePostures,
  namespaceReach,
  reachPosture,
  shownNamespaces,
  type NamespacePosture,
  type NamespaceReach,
} from '../report/index.ts';
import type { DirtyState } from './_dirty.ts';
import { samePeers } from './_peers.ts';
import type { DiffSide } from './_side.ts';

/** The posture rows to compare: every shown namespace on each side, or only those whose posture may differ. */
export interface ComparedPostures {
  readonly before: readonly NamespacePosture[];
  readonly after: readonly NamespacePosture[];
}

const nsOf = (group: string) => group.slice(0, group.indexOf('/'));

/** Namespaces with a pod the namespace matrix counts (an address, not hostNetwork), as `reachPosture` reads them. */
const withPods = (m: ClusterModel) =>
  [...new Set(m.pods.filter((p) => p.ip && !p.hostNetwork).map((p) => p.namespace))].sort().join(' ');

/**
 * The posture rows of the namespaces whose posture may differ between the sides; the others are not computed
 * (the internet's verdicts, isolation counts and the rest of the report are skipped for them).
 *
 * Why it is exact: a namespace's row reads its pods, its own NetworkPolicies (count, default denies, rules that
 * admit everything), the internet's verdicts on its pods and theirs towards it, the namespaces with pods, and its
 * peers — the namespaces with some pod pair allowed towards it or from it on some port (`namespaceReach`,
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/). With `dirty` known (NetworkPolicy
 * only, same settings: `dirtyState`), a namespace without a dirty group has the same pods on both sides (a group
 * whose pods changed is dirty) and the same policies isolating them, so the same internet verdicts; one without
 * a changed policy has the same policies. So a namespace is compared when it has a dirty group or a changed
 * policy, is listed on one side only, or its peers (compared whole, from each side's namespace matrix) moved;
 * every other has the same row on both sides. When no namespace's peers can move (`samePeers`: no verdict moved,
 * or none of the cells that could), a compared namespace whose rows over the same stand-in peers are equal has
 * equal rows (the peers enter a row only as its peer list and its reach, which is `internet` from the internet's
 * verdicts alone, else read from the peers: equal stand-in rows mean equal internet verdicts), and the namespace
 * matrix is computed once, on the before side, for the others. When the namespaces with pods differ, or `dirty`
 * is unknown (other tiers, a mesh, other settings), every shown namespace is compared, from the whole reports.
 */
export function comparedPostures(a: DiffSide, b: DiffSide, dirty: DirtyState | undefined): ComparedPostures {
  const before = a.analysed;
  const after = b.analysed;
  const ma = before.model;
  const mb = after.model;
  if (!dirty || withPods(ma) !== withPods(mb))
    return { before: before.report.posture, after: after.report.posture };
  const shownA = shownNamespaces(ma);
  const shownB = shownNamespaces(mb);
  const asked = new Set<string>(dirty.policyNamespaces);
  for (const g of [...dirty.sources, ...dirty.destinations]) asked.add(nsOf(g));
  const inA = new Set(shownA);
  const inB = new Set(shownB);
  for (const n of shownA) if (!inB.has(n)) asked.add(n);
  for (const n of shownB) if (!inA.has(n)) asked.add(n);
  const rows = (a: AnalysedCluster, shown: readonly string[], reach: NamespaceReach) => {
    const names = shown.filter((n) => asked.has(n));
    const { model, engine } = a.context;
    if (!names.length) return [];
    return namespacePostures(model, engine, names, reachPosture(model, engine, names, reach));
  };
  // No verdict can differ, or none of the cells that could did: every namespace has the same peers on both sides.
  // A row then differs only where what it reads besides its peers does, which the rows over one stand-in set of
  // peers (the same on both sides) show without any matrix: a namespace whose stand-in rows are equal is not asked.
  if (!(dirty.sources.size + dirty.destinations.size) || samePeers(a, b, dirty)) {
    const standIn: NamespaceReach = { from: new Map(), to: new Map() };
    const x = new Map(rows(before, shownA, standIn).map((r) => [r.namespace, JSON.stringify(r)]));
    const y = new Map(rows(after, shownB, standIn).map((r) => [r.namespace, JSON.stringify(r)]));
    for (const n of [...asked]) if (x.get(n) === y.get(n)) asked.delete(n);
    if (!asked.size) return { before: [], after: [] };
    const peers = namespaceReach(ma, before.context.engine, { shareEngine: true });
    return { before: rows(before, shownA, peers), after: rows(after, shownB, peers) };
  }
  const ra = namespaceReach(ma, before.context.engine, { shareEngine: true });
  const rb = reachAfter(after, ra, dirty);
  for (const n of new Set([...shownA, ...shownB]))
    if (!sameSet(ra.from.get(n), rb.from.get(n)) || !sameSet(ra.to.get(n), rb.to.get(n))) asked.add(n);
  return { before: rows(before, shownA, ra), after: rows(after, shownB, rb) };
}

/**
 * The after side's namespace peers from the before side's and the cells that may differ, computed on the after
 * side alone. Why it is exact: a cell (m → n) is some pod pair from m to n allowed on some port. With no dirty
 * source group in m and no dirty destination group in n, every pod pair of the cell is clean both ways (the same
 * pods, the same policies isolating them: `dirtyState`), so each pair's verdict on each port is the same on both
 * sides (https://kubernetes.io/docs/concepts/services-networking/network-policies/), and so is the cell — each
 * side's port classes cut all of 1-65535, so "some port" is decided exactly on either. The namespaces with pods
 * are the same on both sides (checked by the caller), so the matrices have the same rows and columns.
 */
function reachAfter(after: AnalysedCluster, before: NamespaceReach, dirty: DirtyState): NamespaceReach {
  const rows = new Set([...dirty.sources].map(nsOf));
  const columns = new Set([...dirty.destinations].map(nsOf));
  const { model, engine } = after.context;
  const part = namespaceReach(model, engine, { shareEngine: true, part: { rows, columns } });
  const from = new Map<string, Set<string>>();
  const to = new Map<string, Set<string>>();
  const add = (m: string, n: string) => {
    (from.get(n) ?? from.set(n, new Set()).get(n)!).add(m);
    (to.get(m) ?? to.set(m, new Set()).get(m)!).add(n);
  };
  for (const [n, peers] of before.from)
    if (!columns.has(n)) for (const m of peers) if (!rows.has(m)) add(m, n);
  for (const [n, peers] of part.from) for (const m of peers) add(m, n);
  return { from, to };
}

function sameSet(x: ReadonlySet<string> | undefined, y: ReadonlySet<string> | undefined): boolean {
  if ((x?.size ?? 0) !== (y?.size ?? 0)) return false;
  for (const v of x ?? []) if (!y!.has(v)) return false;
  return true;
}
