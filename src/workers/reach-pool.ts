/**
 * The full reachability of the NetworkPolicy tier on several threads: the pure core builds a flat plan over
 * `SharedArrayBuffer`s (`buildReachPlan`), and this rim module counts its rows on the main thread and on
 * worker threads at once, each taking blocks of destination classes from shared counters, its own segment of the
 * classes first and then the others' (`forBlocks`: rows cost unevenly, so a static split would leave one thread
 * idle, and blocks dealt in turn would have each thread build every `PieceSources` list). Below `MIN_CLASSES` classes one thread is faster than posting
 * the plan (measured: BENCHMARKS.md, design note 0008), and the count runs on the calling thread alone.
 *
 * Workers are started on first use and kept (unref'd between jobs, so they never hold the process open).
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import type { PolicyEngine } from '../analysis/policy/index.ts';
import {
  countRows,
  draftReachPlan,
  finishReachPlan,
  invertOffsets,
  invert,
  invertPass,
  invertRanges,
  planAlloc,
  ReachScratch,
  type InvertScan,
  type PlanOptions,
  type PortClass,
  type ReachPlan,
  type ReachPlanDraft,
  type Reachability,
  type CellSums,
  type FlatCells,
} from '../analysis/matrix/index.ts';
import { blocksOf, drain, drainCells, type CellsJob, type InvertJob, type ReachJob } from './reach-worker.ts';

/** Classes below which the count stays on one thread. */
export const MIN_CLASSES = 2048;
/** Destination classes per block taken from a shared counter. */
const BLOCK = 128;

interface Member {
  readonly worker: Worker;
  /** Settles when the worker has loaded its code (its first message). */
  readonly ready: Promise<void>;
}

const pool: Member[] = [];

/**
 * A worker running `reach-worker`. From TypeScript sources (tests, benchmarks under tsx) the worker registers
 * tsx's loader first, which workers do not inherit; the bundled build loads the worker's own bundle.
 */
function spawn(): Member {
  const worker = import.meta.url.endsWith('.ts')
    ? new Worker(
        `import('tsx/esm/api').then((t) => t.register()).then(() => import(${JSON.stringify(new URL('./reach-worker.ts', import.meta.url).href)}))`,
        { eval: true },
      )
    : // The bundled CLI (dist/kubetwin.mjs): the worker is its own bundle beside it (scripts/build.mjs).
      new Worker(new URL('./kubetwin-reach-worker.mjs', import.meta.url));
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

/**
 * The calling thread's scratch for rows, kept between jobs while it fits the plan, as each worker keeps its own
 * (`reach-worker.ts`). A scratch per job allocated its `PieceSources` anew, grown by doubling: 17–30 MB of
 * ArrayBuffers a count at random-label 100k/50k. V8 counts the bytes of (non-shared) ArrayBuffers as external
 * memory and starts marking the whole heap once they pass the level of its last full collection by 64 MB (design
 * note 0008, sixteenth session). Like a worker's, it holds the last plan it served (its `PieceSources` knows a
 * plan by identity) until the next job. Dropped when a job throws, so no row is ever counted on a scratch a failed row
 * left marked.
 */
let mainScratch: ReachScratch | undefined;

function here<T>(plan: ReachPlan, fn: (scratch: ReachScratch) => T): T {
  if (!mainScratch?.fits(plan)) mainScratch = new ReachScratch(plan);
  try {
    return fn(mainScratch);
  } catch (e) {
    mainScratch = undefined;
    throw e;
  }
}

/** The calling thread's kept scratch (tests: it is kept, and dropped after a job that threw). */
export function heldScratch(): ReachScratch | undefined {
  return mainScratch;
}

/** One job at a time: each worker answers the job it was given, in order. */
let queue: Promise<unknown> = Promise.resolve();

function exclusive<T>(fn: () => Promise<T>): Promise<T> {
  const job = queue.then(fn);
  queue = job.catch(() => undefined);
  return job;
}

function run(plan: ReachPlan, threads: number, options: ParallelOptions, out?: Uint32Array): Promise<number> {
  return exclusive(async () => {
    const main = options.mainThread ?? true;
    const n = threads <= 1 ? 1 : main ? threads : threads + 1;
    const blocks = blocksOf(plan.C, n, options.block ?? BLOCK);
    const parts = Array.from({ length: n }, (_, part): ReachJob => ({
      kind: 'rows',
      plan,
      blocks,
      part,
      out,
    }));
    if (threads <= 1) return here(plan, (s) => drain(parts[0], s));
    return onThreads(
      parts,
      main,
      (j) => j,
      (j) => here(plan, (s) => drain(j, s)),
    );
  });
}

/** One worker's answer to one job (the job's count, or 0). */
function ask(w: Worker, job: ReachJob | InvertJob | CellsJob): Promise<number> {
  return new Promise<number>((resolve, reject) => {
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
  });
}

/**
 * Runs one part per thread and sums the answers: with `main`, part 0 on the calling thread (while the workers
 * run theirs) and the others on workers; without, parts 1.. on workers only (part 0 is left out).
 */
async function onThreads<P>(
  parts: readonly P[],
  main: boolean,
  toJob: (part: P) => ReachJob | InvertJob | CellsJob,
  here: (part: P) => number,
): Promise<number> {
  const rest = parts.slice(1);
  const ws = await workers(rest.length);
  const results = ws.map((w, i) => ask(w, toJob(rest[i])));
  let mine = 0;
  try {
    if (main) mine = here(parts[0]);
  } catch (e) {
    await Promise.allSettled(results);
    throw e;
  }
  return (await Promise.all(results)).reduce((a, b) => a + b, mine);
}

/**
 * The inverted egress index (`invert`, `_reach-invert.ts`) on several threads: the egress units cut into one
 * range per thread of about equal work; each thread counts its range's entries per destination, the offsets are
 * summed here, and each thread fills its range's entries after the earlier ranges' (the same arrays as one pass).
 */
async function invertOnThreads(
  draft: ReachPlanDraft,
  threads: number,
  main: boolean,
): Promise<{ start: Int32Array; units: Int32Array }> {
  const { i32 } = planAlloc(true);
  const { C, unitSet, setStart, setIds } = draft;
  const scan: InvertScan = { C, unitSet, setStart, setIds };
  // Without the calling thread, part 0 is an empty range (no units, no entries) that nobody runs.
  const bounds = main ? invertRanges(scan, threads) : [0, ...invertRanges(scan, threads)];
  const counts = Array.from({ length: bounds.length - 1 }, () => i32(C));
  const parts = counts.map((c, t) => ({ lo: bounds[t], hi: bounds[t + 1], counts: c }));
  await onThreads(
    parts,
    main,
    (p): InvertJob => ({ kind: 'invert', scan, ...p }),
    (p) => (invertPass(scan, p.lo, p.hi, p.counts), 0),
  );
  const start = i32(C + 1);
  const at = invertOffsets(C, counts, start, i32);
  const units = i32(start[C]);
  const fills = parts.map((p, t) => ({ ...p, fill: { at: at[t], units } }));
  await onThreads(
    fills,
    main,
    (p): InvertJob => ({ kind: 'invert', scan, ...p }),
    (p) => (invertPass(scan, p.lo, p.hi, p.counts, p.fill), 0),
  );
  return { start, units };
}

/**
 * `buildReachPlan` (shared arrays) with its inverted egress index built on several threads (`invertOnThreads`);
 * below `minClasses` classes, on the calling thread. The same plan, array for array (property-tested).
 */
export async function buildReachPlanParallel(
  engine: PolicyEngine,
  options: ParallelOptions & PlanOptions = {},
): Promise<{ plan: ReachPlan; ports: readonly PortClass[] }> {
  const threads = options.threads ?? availableParallelism();
  const { draft, ports } = draftReachPlan(engine, { ...options, shared: true });
  if (threads <= 1 || draft.C < (options.minClasses ?? MIN_CLASSES))
    return { plan: finishReachPlan(draft, invert(draft, planAlloc(true).i32)), ports };
  const inv = await exclusive(() => invertOnThreads(draft, threads, options.mainThread ?? true));
  return { plan: finishReachPlan(draft, inv), ports };
}

/** `computeFlatReachability` on several threads: the same counts (property-tested bit for bit). */
export async function computeReachabilityParallel(
  engine: PolicyEngine,
  options: ParallelOptions & PlanOptions = {},
): Promise<Reachability> {
  const { plan, ports } = await buildReachPlanParallel(engine, options);
  const allowedTriples = await countRowsParallel(plan, options);
  return { classes: plan.C, portClasses: ports, allowedTriples };
}

/**
 * The matrix's rows by namespace (`addRows`) on one thread per part of `parts`: the calling thread adds into
 * `parts[0]`, each worker into its own part (over `SharedArrayBuffer`s), taking blocks of destinations as
 * `forBlocks` deals them.
 */
export function cellsParallel(
  plan: ReachPlan,
  cells: FlatCells,
  parts: readonly CellSums[],
  options: Pick<ParallelOptions, 'block' | 'mainThread'> = {},
): Promise<void> {
  return exclusive(async () => {
    const sums = options.mainThread === false ? [parts[0], ...parts] : parts;
    const blocks = blocksOf(plan.C, sums.length, options.block ?? BLOCK);
    const jobs = sums.map((out, part): CellsJob => ({ kind: 'cells', plan, cells, blocks, part, out }));
    await onThreads(
      jobs,
      options.mainThread ?? true,
      (j) => j,
      (j) => here(plan, (s) => (drainCells(j, s), 0)),
    );
  });
}

/** Ends the workers (tests; a process exits without it, the workers being unref'd). */
export async function stopReachPool(): Promise<void> {
  const all = pool.splice(0);
  await Promise.all(all.map((m) => m.worker.terminate()));
}
