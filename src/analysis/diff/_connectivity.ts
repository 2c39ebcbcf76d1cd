import type { Pod, Protocol } from '../../model/types.ts';
import { computeMatrix, type MatrixEntry, type MatrixRow } from '../matrix/index.ts';
import { resolveRef, type ReachEndpoint } from '../reach/index.ts';
import type { PolicyEngine } from '../policy/index.ts';
import { cidrsOf, type DirtyGroups } from './_dirty.ts';
import type { DiffSide } from './_side.ts';

export type Verdict = 'allowed' | 'partial' | 'denied';

/** One workload-level connection: (from workload, to workload, port, protocol). */
export interface Connection {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly verdict: Verdict;
  readonly pairs: number;
  readonly allowedPairs: number;
}

export const verdictOf = (pairs: number, allowed: number): Verdict =>
  allowed === 0 ? 'denied' : allowed === pairs ? 'allowed' : 'partial';

/** `[pairs, allowedPairs]` of one (from, to, port) on one side. */
export type Counts = readonly [number, number];

/** One source workload's connections that differ between the sides (undefined: absent on that side). */
export interface ChangedConnection {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly before?: Counts;
  readonly after?: Counts;
}

/** The order matrix rows list their entries in: destination group, then protocol, then port. */
const entryOrder = (e: MatrixEntry, f: MatrixEntry) =>
  cmp(e.to, f.to) || cmp(e.protocol, f.protocol) || e.port - f.port;

/**
 * The (workload, workload, declared port) verdicts that differ between two engines, from the matrix's class-level
 * verdicts (never a pod-pair loop): `computeMatrix(engine, { by: 'workload' })` on each side, denied combinations
 * included, read one source row at a time from both sides in step (groups are sorted by name, entries by
 * destination, protocol and port), so memory stays that of one row. A connection on one side only counts when it
 * is not denied there.
 *
 * With `dirty` (the groups whose verdicts may differ, per direction: `dirtyGroups`), only the rows of dirty
 * sources and, in the other rows, the entries to dirty destinations are computed and compared: a cell from a
 * clean source to a clean destination is the same on both sides; towards a destination whose pods are the same
 * on both sides, only the rows of `dirty.candidates` (when known) are.
 */
export function* changedConnections(
  a: DiffSide,
  b: DiffSide,
  dirty?: DirtyGroups,
): Generator<ChangedConnection> {
  const ea = a.analysed.context.engine;
  const eb = b.analysed.context.engine;
  if (!dirty) {
    const ma = computeMatrix(ea, { by: 'workload' });
    const mb = computeMatrix(eb, { by: 'workload' });
    yield* inStep(ma.rows({ denied: true }), mb.rows({ denied: true }));
    return;
  }
  const { sources, destinations } = dirty;
  if (sources.size) {
    const ma = computeMatrix(ea, { by: 'workload' });
    const mb = computeMatrix(eb, { by: 'workload' });
    yield* inStep(ma.rows({ denied: true, sources }), mb.rows({ denied: true, sources }));
  }
  if (!destinations.size) return;
  // Every source row not compared whole yet (`rest`: on both sides, a group on one side only being dirty both
  // ways), towards the dirty destinations only: the class verdicts are decided towards those groups' classes alone.
  const rest = (side: DiffSide) => new Set(side.workloads().filter((g) => !sources.has(g)));
  const moved = dirty.pods;
  const same = new Set([...destinations].filter((g) => !moved?.has(g)));
  const other = new Set([...destinations].filter((g) => moved?.has(g)));
  if (!moved || other.size) {
    const towards = moved ? other : destinations;
    const from = rest(a);
    yield* inStep(
      computeMatrix(ea, { by: 'workload', destinations: towards }).rows({ denied: true, sources: from }),
      computeMatrix(eb, { by: 'workload', destinations: towards }).rows({ denied: true, sources: from }),
    );
  }
  if (!moved || !same.size) return;
  // Towards a destination with the same pods on both sides, from a source of `rest` (the same pods too: a group
  // whose pods changed is a dirty source), a cell has the same pod pairs on both sides: only the allowed cells
  // are listed, and a cell listed on one side only is denied on the other with the pairs it has here. Only the
  // sources some changed rule admits can differ there (`DirtyGroups.candidates`): with them known, the matrix
  // lays out their pods and the destinations' alone (a cell counts the pods of its two groups only).
  const candidates = dirty.candidates;
  const from = candidates ? new Set([...candidates].filter((g) => !sources.has(g))) : rest(a);
  if (!from.size) return;
  const laid = [...from, ...same];
  const matrix = (side: DiffSide) => {
    const pods = candidates && new Set(laid.flatMap((g) => side.podsOf(g)));
    return computeMatrix(side.analysed.context.engine, {
      by: 'workload',
      destinations: same,
      ...(pods ? { pods: (p: Pod) => pods.has(p) } : {}),
    }).rows({ sources: from, destinations: same });
  };
  yield* inStep(matrix(a), matrix(b), true);
}

/**
 * Walks two row sequences sorted by source, and each row's entries in matrix order, yielding verdicts that differ.
 * `samePairs`: the rows list allowed cells only, and every cell has the same pod pairs on both sides, so a cell
 * listed on one side only is denied on the other with those pairs (as a row listing denied cells gives it).
 */
function* inStep(
  rowsA: Iterable<MatrixRow>,
  rowsB: Iterable<MatrixRow>,
  samePairs = false,
): Generator<ChangedConnection> {
  const ra = rowsA[Symbol.iterator]();
  const rb = rowsB[Symbol.iterator]();
  let x = ra.next();
  let y = rb.next();
  const none: readonly MatrixEntry[] = [];
  while (!x.done || !y.done) {
    const c = x.done ? 1 : y.done ? -1 : cmp(x.value.from, y.value.from);
    const from = c <= 0 ? x.value!.from : y.value!.from;
    const before = c <= 0 ? x.value!.entries : none;
    const after = c >= 0 ? y.value!.entries : none;
    let i = 0;
    let j = 0;
    while (i < before.length || j < after.length) {
      const o = i >= before.length ? 1 : j >= after.length ? -1 : entryOrder(before[i], after[j]);
      const e1 = o <= 0 ? before[i++] : undefined;
      const e2 = o >= 0 ? after[j++] : undefined;
      const v1 = e1 ? verdictOf(e1.pairs, e1.allowedPairs) : 'denied';
      const v2 = e2 ? verdictOf(e2.pairs, e2.allowedPairs) : 'denied';
      if (v1 === v2) continue;
      const e = (e1 ?? e2)!;
      const denied = samePairs ? ([e.pairs, 0] as const) : undefined;
      const c1 = e1 ? ([e1.pairs, e1.allowedPairs] as const) : denied;
      const c2 = e2 ? ([e2.pairs, e2.allowedPairs] as const) : denied;
      yield {
        from,
        to: e.to,
        port: e.port,
        protocol: e.protocol,
        ...(c1 ? { before: c1 } : {}),
        ...(c2 ? { after: c2 } : {}),
      };
    }
    if (c <= 0) x = ra.next();
    if (c >= 0) y = rb.next();
  }
}

const cmp = (p: string, q: string) => (p < q ? -1 : p > q ? 1 : 0);

/** A workload's port the internet may open, as NetworkPolicy (and every tier) judges public addresses. */
export interface Exposure {
  readonly workload: string;
  readonly port: number;
  readonly protocol: Protocol;
  /** What is admitted: `every public address`, or `N of M public ranges (first: a-b)`. */
  readonly text: string;
}

/**
 * Ports each workload declares that some public address may connect to, judged once per policy class of the
 * workload's pods against the internet cut at every ipBlock boundary (as `reach --from internet` does). With
 * `only`, just those workloads.
 */
export function exposures(side: DiffSide, only?: ReadonlySet<string>): Map<string, Exposure> {
  const { engine, model } = side.analysed.context;
  const cidrs = cidrsOf(model);
  const out = new Map<string, Exposure>();
  for (const w of side.workloads()) {
    if (only && !only.has(w)) continue;
    const seen = new Set<number>();
    const reps: Pod[] = [];
    for (const p of side.podsOf(w)) {
      if (!p.ip || p.hostNetwork) continue;
      const cls = engine.classOf(p);
      const id = cls ? cls.id : -1;
      if (seen.has(id)) continue;
      seen.add(id);
      reps.push(p);
    }
    const ports = new Map<string, { port: number; protocol: Protocol }>();
    for (const p of reps)
      for (const cp of p.ports)
        ports.set(`${cp.containerPort}/${cp.protocol}`, { port: cp.containerPort, protocol: cp.protocol });
    for (const [k, { port, protocol }] of [...ports].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const from = resolveRef(model, 'internet', port, protocol, cidrs, 'from');
      if (typeof from === 'string') continue;
      const admitted = internetAdmitted(engine, from.endpoints, reps, port, protocol);
      if (!admitted.length) continue;
      const text =
        admitted.length === from.endpoints.length
          ? 'every public address'
          : `${admitted.length} of ${from.endpoints.length} public ranges (first: ${admitted[0].replace(/^internet /, '')})`;
      out.set(`${w} ${k}`, { workload: w, port, protocol, text });
    }
  }
  return out;
}

function internetAdmitted(
  engine: PolicyEngine,
  internet: readonly ReachEndpoint[],
  reps: readonly Pod[],
  port: number,
  protocol: Protocol,
): string[] {
  const out: string[] = [];
  for (const e of internet)
    if (
      reps.some(
        (p) =>
          p.ports.some((cp) => cp.containerPort === port && cp.protocol === protocol) &&
          engine.allows(e.party, { kind: 'pod', pod: p }, port, protocol),
      )
    )
      out.push(e.label);
  return out;
}
