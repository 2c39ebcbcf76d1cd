/**
 * The full reachability of the NetworkPolicy tier on several threads: the pure core builds a flat plan over
 * `SharedArrayBuffer`s (`buildReachPlan`), and this rim module counts its rows on the main thread and on
 * worker threads at once, each taking blocks of destination classes from one shared counter (rows cost unevenly,
 * so a static split would leave one thread idle). Below `MIN_CLASSES` classes one thread is faster than posting
 * the plan (measured: BENCHMARKS.md, design note 0008), and the count runs on the calling thread alone.
 *
 * Workers are started on first use and kept (unref'd between jobs, so they never hold the process open).
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { PolicyEngine } from '../analysis/policy/index.ts';
import {
  buildReachPlan,
  countRows,
  ReachScratch,
  type PortClass,
  type ReachPlan,
  type Reachability,
} from '../analysis/matrix/index.ts';
import { drain } from './reach-worker.ts';

/** Classes below which the count stays on one thread. */
export const MIN_CLASSES = 2048;
/** Destination classes per block taken from the shared counter. */
const BLOCK = 128;

interface Member {
  readonly worker: Worker;
  /** Settles when the worker has loaded its code (its first message). */
  readonly ready: Promise<void>;
}

const pool: Member[] = [];

/**
 * A worker running `reach-worker`. From TypeScript sources (tests, benchmarks under tsx) the worker registers
 * tsx's loader first, which workers do not inherit; a bundled build would need the worker as its own entry.
 */
function spawn(): Member {
  const url = new URL('./reach-worker.ts', import.meta.url).href;
  const boot = `import('tsx/esm/api').then((t) => t.register()).then(() => import(${JSON.stringify(url)}))`;
  const worker = new Worker(boot, { eval: true });
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => {
      worker.off('error', reject);
      worker.unref();
      resolve();
    });
    worker.once('error', reject);
  });
  return { worker, ready };
}

/** The first n workers of the pool, started if needed, once they have loaded their code. */
async function workers(n: number): Promise<Worker[]> {
  while (pool.length < n) pool.push(spawn());
  const members = pool.slice(0, n);
  await Promise.all(members.map((m) => m.ready));
  return members.map((m) => m.worker);
}

/** Starts the workers ahead of the first count (a worker takes tens of milliseconds to load its code). */
export async function warmReachPool(threads = availableParallelism()): Promise<void> {
  await workers(Math.max(0, threads - 1));
}

export interface ParallelOptions {
  /** Threads, the calling one included (default: the machine's cores). */
  readonly threads?: number;
  /** Classes below which one thread does it all (default `MIN_CLASSES`; the tests force threads with 0). */
  readonly minClasses?: number;
  /** Destination classes per block (default 128); the tests use 1 to interleave threads. */
  readonly block?: number;
  /** False: the calling thread waits and the workers do every row (the tests prove the workers' part so). */
  readonly mainThread?: boolean;
}

/** Counts the plan's allowed triples on several threads. */
export async function countRowsParallel(plan: ReachPlan, options: ParallelOptions = {}): Promise<number> {
  const threads = options.threads ?? availableParallelism();
  if (threads <= 1 || plan.C < (options.minClasses ?? MIN_CLASSES)) return countRows(plan, 0, plan.C);
  return run(plan, threads, options);
}

/**
 * Every row of the plan as bitsets, on several threads: destination d's allowed sources on port class p are
 * the W words at `(d * P + p) * W` of the result (a `SharedArrayBuffer`).
 */
export async function rowsParallel(plan: ReachPlan, options: ParallelOptions = {}): Promise<Uint32Array> {
  const threads = options.threads ?? availableParallelism();
  const out = new Uint32Array(new SharedArrayBuffer(4 * plan.C * plan.P * plan.W));
  await run(plan, plan.C < (options.minClasses ?? MIN_CLASSES) ? 1 : threads, options, out);
  return out;
}

/** One job at a time: each worker answers the job it was given, in order. */
let queue: Promise<unknown> = Promise.resolve();

function run(plan: ReachPlan, threads: number, options: ParallelOptions, out?: Uint32Array): Promise<number> {
  const job = queue.then(() => runNow(plan, threads, options, out));
  queue = job.catch(() => undefined);
  return job;
}

async function runNow(
  plan: ReachPlan,
  threads: number,
  options: ParallelOptions,
  out?: Uint32Array,
): Promise<number> {
  const next = new Int32Array(new SharedArrayBuffer(4));
  const main = options.mainThread ?? true;
  const job = { plan, next, block: options.block ?? BLOCK, out };
  if (threads <= 1) return drain(job, new ReachScratch(plan));
  const results = (await workers(main ? threads - 1 : threads)).map(
    (w) =>
      new Promise<number>((resolve, reject) => {
        const onError = (e: Error) => reject(e);
        w.ref();
        w.once('error', onError);
        w.once('message', (m: { triples?: number; error?: string }) => {
          w.off('error', onError);
          w.unref();
          if (m.error !== undefined) reject(new Error(m.error));
          else resolve(m.triples!);
        });
        w.postMessage(job);
      }),
  );
  const mine = main ? drain(job, new ReachScratch(plan)) : 0;
  return (await Promise.all(results)).reduce((a, b) => a + b, mine);
}

/** `computeFlatReachability` on several threads: the same counts (property-tested bit for bit). */
export async function computeReachabilityParallel(
  engine: PolicyEngine,
  options: ParallelOptions & { ports?: readonly PortClass[]; bigAt?: number; chunk?: number } = {},
): Promise<Reachability> {
  const { plan, ports } = buildReachPlan(engine, { ...options, shared: true });
  const allowedTriples = await countRowsParallel(plan, options);
  return { classes: plan.C, portClasses: ports, allowedTriples };
}

/** Ends the workers (tests; a process exits without it, the workers being unref'd). */
export async function stopReachPool(): Promise<void> {
  const all = pool.splice(0);
  await Promise.all(all.map((m) => m.worker.terminate()));
}
