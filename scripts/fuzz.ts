/**
 * `npm run fuzz`: the long fuzz campaign, not part of `npm test`. Manifests in process (test/fuzz/_manifest-fuzzer.ts)
 * on `--workers` threads (default: one per core; worker i uses seed + i and an equal share of the inputs), then the
 * DNS packet fuzzer (src/servers/dns-server/fuzz.test.ts).
 *
 * Options: --seed N (default 20261202), --inputs N (manifest inputs in all, default 100000), --workers W,
 * --batch B (inputs per core check, default 32), --cli-every K (one input in K also runs the CLI, default 50),
 * --minutes M (time budget, default 600: the input count decides), --from I (skip the first I inputs of each
 * worker: to replay one, `--workers 1 --seed S --from I --inputs 1 --batch 1 --no-dns`), --packets N (DNS packets;
 * without it the DNS fuzzer runs for a fifth of the minutes, at most 2), --no-dns.
 *
 * A worker whose batch does not return within --watchdog seconds (default 120) is stopped: that batch is reported
 * as a hang (seed and index to replay it) and the worker goes on after it. Prints one summary line
 * `manifests: … inputs, … crashes, … hangs, … losses, … other, … s`; exits 1 when anything failed.
 *
 * Results go to --out (default fuzz-results.json), rewritten whole (through a temporary file and a rename, so it is
 * always valid JSON) at each failure as it is found, every minute with the progress, and at the end with the
 * summary: `{status: "running" | "done", options, begun, seconds, summary?, failures: [{seed, index, command,
 * kind, problem, input}]}`. A long run can be left alone: `npm run fuzz -- --inputs 1000000 --workers 2` and read
 * the file. --help prints these options.
 */
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { FuzzFailure, FuzzOptions, FuzzReport } from '../test/fuzz/_manifest-fuzzer.ts';

if (process.argv.includes('--help')) {
  const doc = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(new URL(import.meta.url), 'utf8'))![1];
  process.stdout.write(`${doc.replace(/^ \* ?/gm, '').trim()}\n`);
  process.exit(0);
}
const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seed = arg('seed', 20261202);
const minutes = arg('minutes', 600);
const inputs = arg('inputs', 100_000);
const workers = arg('workers', availableParallelism());
const batch = arg('batch', 32);
const cliEvery = arg('cli-every', 50);
const from = arg('from', 0);
const watchdogMs = arg('watchdog', 120) * 1000;
const packets = arg('packets', 0);
const outAt = process.argv.indexOf('--out');
const out = outAt > 0 ? process.argv[outAt + 1] : 'fuzz-results.json';

type Failure = FuzzFailure & { readonly seed: number };

/** Failures as they are found, from every worker; the results file is rewritten with them. */
const found: Failure[] = [];
const options = { seed, inputs, workers, batch, cliEvery, from, minutes, watchdog: watchdogMs / 1000 };
const begunSoFar = () => progressOf.reduce((n, p) => n + Math.max(0, Atomics.load(p.at, 0) - p.from), 0);
function writeResults(status: 'running' | 'done', summary?: string): void {
  const body = {
    status,
    options,
    begun: begunSoFar(),
    seconds: Math.round((Date.now() - started) / 1000),
    ...(summary ? { summary } : {}),
    failures: found,
  };
  writeFileSync(`${out}.tmp`, `${JSON.stringify(body, null, 2)}\n`);
  renameSync(`${out}.tmp`, out);
}

/** Each worker's [first index of its share, index of the batch it is on], for the progress line. */
const progressOf: { from: number; at: Int32Array }[] = [];

/** Runs one worker's share; restarts it after a batch that never returns. */
async function share(i: number, count: number): Promise<FuzzReport[]> {
  const reports: FuzzReport[] = [];
  let start = from;
  let left = count;
  const deadline = Date.now() + minutes * 60_000;
  while (left > 0 && Date.now() < deadline) {
    const fuzzOptions: FuzzOptions = {
      seed: seed + i,
      maxInputs: left,
      budgetMs: deadline - Date.now(),
      from: start,
      batch,
      cliEvery,
    };
    const progress = new Int32Array(new SharedArrayBuffer(4));
    progress[0] = -1;
    progressOf[i] = { from, at: progress };
    const url = new URL('../test/fuzz/_campaign-worker.ts', import.meta.url).href;
    const boot = `import('tsx/esm/api').then((t) => t.register()).then(() => import(${JSON.stringify(url)}))`;
    const worker = new Worker(boot, {
      eval: true,
      workerData: { options: fuzzOptions, progress },
    });
    const outcome = await new Promise<FuzzReport | { hungAt: number }>((resolve, reject) => {
      let seen = -1;
      let since = Date.now();
      const timer = setInterval(() => {
        const now = Atomics.load(progress, 0);
        if (now !== seen) [seen, since] = [now, Date.now()];
        else if (now >= 0 && Date.now() - since > watchdogMs) {
          clearInterval(timer);
          void worker.terminate();
          resolve({ hungAt: now });
        }
      }, 1000);
      worker.on('message', (m: { type: string; report?: FuzzReport; failure?: FuzzFailure }) => {
        if (m.type === 'failure') {
          found.push({ seed: seed + i, ...m.failure! });
          writeResults('running');
        }
        if (m.type !== 'report') return;
        clearInterval(timer);
        resolve(m.report!);
      });
      worker.on('error', (e) => {
        clearInterval(timer);
        reject(e);
      });
    });
    if ('seed' in outcome) {
      reports.push(outcome);
      break;
    }
    // The hung batch: reported by its first index; everything before it ran (its report is lost with the
    // thread, so those inputs are counted but their other failures would need a replay: said in the failure).
    const done = outcome.hungAt - start;
    const failure: FuzzFailure = {
      index: outcome.hungAt,
      command: 'core',
      kind: 'hang',
      problem: `a batch of ${batch} from index ${outcome.hungAt} did not return within ${watchdogMs / 1000} s (replay: --workers 1 --seed ${seed + i} --from ${outcome.hungAt} --inputs ${batch} --batch 1 --no-dns; the failures of inputs ${start}-${outcome.hungAt - 1} are in the results file, their counts were lost with the thread)`,
      input: '',
    };
    found.push({ seed: seed + i, ...failure });
    writeResults('running');
    reports.push({
      seed: seed + i,
      inputs: done + batch,
      cliInputs: 0,
      runs: 0,
      kinds: {},
      exits: {},
      slowestMs: watchdogMs,
      failures: [failure],
    });
    start = outcome.hungAt + batch;
    left -= done + batch;
  }
  return reports;
}

const started = Date.now();
// A progress line on stderr every minute: inputs begun so far (a long run says how far it is).
const ticker = setInterval(() => {
  const begun = begunSoFar();
  writeResults('running');
  process.stderr.write(
    `fuzz: ~${begun} of ${inputs} inputs after ${Math.round((Date.now() - started) / 1000)} s\n`,
  );
}, 60_000);
ticker.unref();
const per = Math.ceil(inputs / workers);
const reports = (
  await Promise.all(Array.from({ length: workers }, (_, i) => share(i, Math.min(per, inputs - i * per))))
).flat();
const seconds = (Date.now() - started) / 1000;
const total = reports.reduce((s, r) => s + r.inputs, 0);
// Every failure was posted as it was found (a hung thread's too, whose report is lost with it).
const failures: readonly Failure[] = found;
const count = (kind: FuzzFailure['kind']) => failures.filter((f) => f.kind === kind).length;
const exits: Record<number, number> = {};
const kinds: Record<string, number> = {};
for (const r of reports) {
  for (const [k, v] of Object.entries(r.exits)) exits[Number(k)] = (exits[Number(k)] ?? 0) + v;
  for (const [k, v] of Object.entries(r.kinds)) kinds[k] = (kinds[k] ?? 0) + (v ?? 0);
}
const seeds = [...new Set(reports.map((r) => r.seed))].join(', ');
const summary =
  `manifests: ${total} inputs (seeds ${seeds}; ${Object.entries(kinds)
    .map(([k, v]) => `${v} ${k}`)
    .join(
      ', ',
    )}), ${reports.reduce((s, r) => s + r.cliInputs, 0)} also through the CLI (${reports.reduce((s, r) => s + r.runs, 0)} runs, doctor exits ${JSON.stringify(exits)}): ` +
  `${count('crash')} crashes, ${count('hang')} hangs, ${count('loss')} losses, ${count('other')} other failures, ` +
  `slowest batch or run ${Math.max(...reports.map((r) => r.slowestMs))} ms, ${seconds.toFixed(1)} s (${Math.round(total / seconds)} inputs/s on ${workers} workers)`;
process.stdout.write(`${summary}\n`);
writeResults('done', summary);
process.stderr.write(`fuzz: results in ${out}\n`);
let dnsStatus = 0;
if (!process.argv.includes('--no-dns')) {
  const dns = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-reporter=spec', 'src/servers/dns-server/fuzz.test.ts'],
    {
      stdio: 'inherit',
      env: {
        ...process.env,
        KUBETWIN_FUZZ_SEED: String(seed),
        KUBETWIN_FUZZ_MS: String(Math.min(minutes * 12_000, 120_000)),
        ...(packets ? { KUBETWIN_FUZZ_PACKETS: String(packets) } : {}),
      },
    },
  );
  dnsStatus = dns.status ?? 1;
}
process.exit(failures.length || dnsStatus ? 1 : 0);
