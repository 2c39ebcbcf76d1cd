import type { Pod, Protocol } from '../../model/types.ts';
import { computeMatrix } from '../matrix/index.ts';
import { policyCidrs, resolveRef, type ReachEndpoint } from '../reach/index.ts';
import type { PolicyEngine } from '../policy/index.ts';
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

/** Connections of one side by `from → to:port/protocol`, holding `[pairs, allowedPairs]` (compact: large maps). */
export type Connections = Map<string, readonly [number, number]>;

export const connectionKey = (e: { from: string; to: string; port: number; protocol: Protocol }) =>
  `${e.from} → ${e.to}:${e.port}/${e.protocol}`;

/**
 * Every (workload, workload, declared port) verdict of one side, from the matrix's class-level verdicts (never a
 * pod-pair loop): `computeMatrix(engine, { by: 'workload' })` with the denied combinations listed too.
 */
export function connections(engine: PolicyEngine): Connections {
  const m = computeMatrix(engine, { by: 'workload' });
  const out: Connections = new Map();
  for (const row of m.rows({ denied: true }))
    for (const e of row.entries) out.set(connectionKey(e), [e.pairs, e.allowedPairs]);
  return out;
}

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
 * workload's pods against the internet cut at every ipBlock boundary (as `reach --from internet` does).
 */
export function exposures(side: DiffSide): Map<string, Exposure> {
  const { engine, model } = side.analysed.context;
  const cidrs = policyCidrs(model);
  const out = new Map<string, Exposure>();
  for (const w of side.workloads()) {
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
