/**
 * Worker side of `reach-pool.ts`: counts rows of a shared `ReachPlan`, taking blocks of destination classes from
 * a shared counter until none is left, and posts its total. One scratch per plan, kept between jobs.
 */
import { parentPort } from 'node:worker_threads';
import { countRows, rowBits, ReachScratch, type ReachPlan } from '../analysis/matrix/index.ts';

export interface ReachJob {
  readonly plan: ReachPlan;
  /** `[next block start]`, shared by every thread of the job. */
  readonly next: Int32Array;
  readonly block: number;
  /** Rows instead of counts: destination d's P bitsets of W words at `d * P * W` (then the total is 0). */
  readonly out?: Uint32Array;
}

let last: { plan: ReachPlan; scratch: ReachScratch } | undefined;

parentPort?.on('message', (job: ReachJob) => {
  try {
    if (last?.plan.C !== job.plan.C || last.plan.namespaces !== job.plan.namespaces)
      last = { plan: job.plan, scratch: new ReachScratch(job.plan) };
    parentPort!.postMessage({ triples: drain(job, last.scratch) });
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
