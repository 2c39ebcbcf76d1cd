/**
 * Worker side of `reach-pool.ts`. Rows: counts (or writes) rows of a shared `ReachPlan`, taking blocks of
 * destination classes from shared counters until none is left (`forBlocks`), and posts its total; one scratch kept between
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

/**
 * Blocks of destination classes for the threads of one job: the classes cut into one segment per part
 * (`bounds[t]..bounds[t + 1]`), `next[t]` the start of segment t's next block (shared by every thread). Part t
 * takes blocks of its own segment first, then of the others in turn: a thread's rows stay near each other (they
 * meet the same pieces, so each thread's `PieceSources` lists serve it again), and no thread idles while
 * blocks are left.
 */
export interface Blocks {
  readonly next: Int32Array;
  readonly bounds: Int32Array;
  readonly block: number;
}

/** Segments of about equal classes for `parts` parts, their counters at their starts (`SharedArrayBuffer`s). */
export function blocksOf(C: number, parts: number, block: number): Blocks {
  const next = new Int32Array(new SharedArrayBuffer(4 * parts));
  const bounds = new Int32Array(new SharedArrayBuffer(4 * (parts + 1)));
  for (let t = 0; t <= parts; t++) bounds[t] = Math.round((C * t) / parts);
  next.set(bounds.subarray(0, parts));
  return { next, bounds, block };
}

/** Calls `fn(lo, hi)` for each block part t takes: its own segment's, then the other segments' in turn. */
export function forBlocks(b: Blocks, t: number, fn: (lo: number, hi: number) => void): void {
  const T = b.next.length;
  for (let i = 0; i < T; i++) {
    const seg = (t + i) % T;
    const end = b.bounds[seg + 1];
    for (let lo = Atomics.add(b.next, seg, b.block); lo < end; lo = Atomics.add(b.next, seg, b.block))
      fn(lo, Math.min(end, lo + b.block));
  }
}

export interface ReachJob {
  readonly kind: 'rows';
  readonly plan: ReachPlan;
  readonly blocks: Blocks;
  /** This thread's part (its segment of `blocks`). */
  readonly part: number;
  /** Rows instead of counts: destination d's P bitsets of W words at `d * P * W` (then the total is 0). */
  readonly out?: Uint32Array;
}

/** One pass of `invertPass` over egress units `[lo, hi)`: counts into `counts`, or fills through `at`. */
export interface InvertJob {
  readonly kind: 'invert';
  readonly scan: InvertScan;
  readonly lo: number;
  readonly hi: number;
  readonly counts: Int32Array;
  readonly fill?: { readonly at: Int32Array; readonly units: Int32Array };
}

/** Rows of the matrix by namespace (`addRows`): blocks of destinations from `next`, added into this thread's `out`. */
export interface CellsJob {
  readonly kind: 'cells';
  readonly plan: ReachPlan;
  readonly cells: FlatCells;
  readonly blocks: Blocks;
  readonly part: number;
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
    // A row that threw may have left marks in the scratch: the next job starts with a new one.
    scratch = undefined;
    parentPort!.postMessage({ error: String((e as Error)?.stack ?? e) });
  }
});

parentPort?.postMessage({ ready: true });

/** Counts (or writes) blocks of rows until every segment's counter has passed its end. */
export function drain(job: ReachJob, scratch: ReachScratch): number {
  const { plan, out } = job;
  const size = plan.P * plan.W;
  let triples = 0;
  forBlocks(job.blocks, job.part, (lo, hi) => {
    if (!out) triples += countRows(plan, lo, hi, scratch);
    else for (let d = lo; d < hi; d++) rowBits(plan, d, out.subarray(d * size, (d + 1) * size), scratch);
  });
  return triples;
}

/** Adds blocks of matrix rows until every segment's counter has passed its end. */
export function drainCells(job: CellsJob, scratch: ReachScratch): void {
  const { plan, cells, out } = job;
  forBlocks(job.blocks, job.part, (lo, hi) => addRows(plan, cells, lo, hi, out, undefined, scratch));
}
