/**
 * Worker side of `reach-pool.ts`. Rows: counts (or writes) rows of a shared `ReachPlan`, taking blocks of
 * destination classes from a shared counter until none is left, and posts its total; one scratch kept between
 * jobs while it fits the plan. Inverted index: one pass (count or fill) over its range of egress rules. Cells:
 * blocks of the matrix's rows by namespace added into this thread's sums.
 */
import { parentPort } from 'node:worker_threads';
import {
  addRows,
  countRows,
  invertPass,
  rowBits,
  ReachScratch,
  type CellSums,
  type FlatCells,
  type InvertScan,
  type ReachPlan,
} from '../analysis/matrix/index.ts';

export interface ReachJob {
  readonly kind: 'rows';
  readonly plan: ReachPlan;
  /** `[next block start]`, shared by every thread of the job. */
  readonly next: Int32Array;
  readonly block: number;
  /** Rows instead of counts: destination d's P bitsets of W words at `d * P * W` (then the total is 0). */
  readonly out?: Uint32Array;
}

/** One pass of `invertPass` over egress rules `[lo, hi)`: counts into `counts`, or fills through `at`. */
export interface InvertJob {
  readonly kind: 'invert';
  readonly scan: InvertScan;
  readonly lo: number;
  readonly hi: number;
  readonly counts: Int32Array;
  readonly fill?: { readonly at: Int32Array; readonly rules: Int32Array };
}

/** Rows of the matrix by namespace (`addRows`): blocks of destinations from `next`, added into this thread's `out`. */
export interface CellsJob {
  readonly kind: 'cells';
  readonly plan: ReachPlan;
  readonly cells: FlatCells;
  readonly next: Int32Array;
  readonly block: number;
  readonly out: CellSums;
}

let scratch: ReachScratch | undefined;

parentPort?.on('message', (job: ReachJob | InvertJob | CellsJob) => {
  try {
    if (job.kind === 'invert') {
      invertPass(job.scan, job.lo, job.hi, job.counts, job.fill);
      parentPort!.postMessage({ triples: 0 });
      return;
    }
    if (!scratch?.fits(job.plan)) scratch = new ReachScratch(job.plan);
    if (job.kind === 'cells') {
      drainCells(job, scratch);
      parentPort!.postMessage({ triples: 0 });
      return;
    }
    parentPort!.postMessage({ triples: drain(job, scratch) });
  } catch (e) {
    parentPort!.postMessage({ error: String((e as Error)?.stack ?? e) });
  }
});

parentPort?.postMessage({ ready: true });

/** Counts (or writes) blocks of rows until the shared counter passes the last class. */
export function drain(job: ReachJob, scratch: ReachScratch): number {
  const { plan, next, block, out } = job;
  const size = plan.P * plan.W;
  let triples = 0;
  for (let lo = Atomics.add(next, 0, block); lo < plan.C; lo = Atomics.add(next, 0, block)) {
    const hi = Math.min(plan.C, lo + block);
    if (!out) triples += countRows(plan, lo, hi, scratch);
    else for (let d = lo; d < hi; d++) rowBits(plan, d, out.subarray(d * size, (d + 1) * size), scratch);
  }
  return triples;
}

/** Adds blocks of matrix rows until the shared counter passes the last class. */
export function drainCells(job: CellsJob, scratch: ReachScratch): void {
  const { plan, cells, next, block, out } = job;
  for (let lo = Atomics.add(next, 0, block); lo < plan.C; lo = Atomics.add(next, 0, block))
    addRows(plan, cells, lo, Math.min(plan.C, lo + block), out, undefined, scratch);
}
