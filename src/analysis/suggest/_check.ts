import type { Pod } from '../../model/types.ts';
import type { PolicyEngine } from '../policy/index.ts';
import { computeMatrix } from '../matrix/index.ts';
import { edgeKey, type Edge } from './_edges.ts';
import { partiesOf } from './_policies.ts';

/** What the engine says of a set of policies, read once from the class-level matrix. */
export interface Proof {
  /** Needed connections denied (all or some of their pod pairs), as `edge key (first reason)`. */
  readonly denied: readonly Edge[];
  /** Allowed workload-matrix entries in scope that no edge needs (`from to port/proto`), sorted. */
  readonly extra: readonly string[];
  /** Allowed workload-matrix entries in scope. */
  readonly allowed: number;
}

const declares = (pod: Pod, e: Edge) =>
  pod.ports.some((cp) => cp.containerPort === e.port && cp.protocol === e.protocol);

/**
 * Proves a set of policies against the edges with one workload matrix over the namespaces in scope (class-level
 * verdicts, `computeMatrix`), not one query per edge: a needed edge between two workloads in scope is delivered
 * when its matrix entry allows every pod pair (`allowedPairs === pairs`: every pod of the source workload reaches
 * every pod of the destination on that port, not one stand-in pod). The matrix covers declared container ports
 * only, so an edge to a port the destination pods do not declare, or with an end outside scope (the DNS pods, an
 * address), is asked of the engine directly, for each address a `world` peer stands for — with `explain` (no
 * reasons), not `allows`, whose verdict table over the whole cluster (built after 4096 queries) costs more than the
 * few thousand queries it would answer (mostly DNS, one per calling workload). Every other allowed entry is extra.
 */
export function proveEdges(
  engine: PolicyEngine,
  edges: readonly Edge[],
  namespaces: readonly string[],
): Proof {
  const scope = new Set(namespaces);
  const allowed = new Map<string, { pairs: number; allowedPairs: number }>();
  for (const row of computeMatrix(engine, { by: 'workload', namespaces }).rows())
    for (const e of row.entries)
      if (e.allowedPairs > 0) allowed.set(`${e.from} ${e.to} ${e.port}/${e.protocol}`, e);
  const needed = new Set<string>();
  const denied: Edge[] = [];
  for (const e of edges) {
    const inMatrix =
      e.from.kind === 'pods' &&
      e.to.kind === 'pods' &&
      scope.has(e.from.namespace) &&
      scope.has(e.to.namespace) &&
      declares(e.to.pod, e);
    if (inMatrix) {
      const k = edgeKey(e);
      needed.add(k);
      const m = allowed.get(k);
      if (!m || m.allowedPairs < m.pairs) denied.push(e);
    } else if (
      !partiesOf(e.from).every((a) =>
        partiesOf(e.to).every((b) => engine.explain(a, b, e.port, e.protocol, false).allowed),
      )
    )
      denied.push(e);
  }
  const extra = [...allowed.keys()].filter((k) => !needed.has(k)).sort();
  return { denied, extra, allowed: allowed.size };
}

/** Allowed workload-matrix entries over the namespaces in scope (the `before` figure). */
export function allowedCount(engine: PolicyEngine, namespaces: readonly string[]): number {
  let n = 0;
  for (const row of computeMatrix(engine, { by: 'workload', namespaces }).rows())
    for (const e of row.entries) if (e.allowedPairs > 0) n++;
  return n;
}
