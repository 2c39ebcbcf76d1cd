/**
 * `npm run fuzz`: the long fuzz campaign, not part of `npm test`. Manifests through the CLI in process (see
 * test/fuzz/_manifest-fuzzer.ts), on `--workers` processes (default: one per core; worker i uses seed + i), then the
 * DNS packet fuzzer (src/servers/dns-server/fuzz.test.ts).
 * Options: --seed N (default 20261202), --inputs N (manifest inputs in all, default 100000), --minutes M (default 10,
 * split 4:1 between manifests and DNS packets), --packets N (DNS packets: that many instead of a time budget),
 * --workers W. Exits 1 when anything failed; failing inputs are written to fuzz-failures.json.
 */
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { writeFileSync } from 'node:fs';
import { fuzzManifests, type FuzzReport } from '../test/fuzz/_manifest-fuzzer.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seed = arg('seed', 20261202);
const minutes = arg('minutes', 10);
const inputs = arg('inputs', 100_000);
const budgetMs = minutes * 48_000;

if (process.argv.includes('--worker')) {
  const report = await fuzzManifests({ seed, maxInputs: inputs, budgetMs });
  process.stdout.write(JSON.stringify(report));
  process.exit(0);
}

const workers = arg('workers', availableParallelism());
const started = Date.now();
const reports = await Promise.all(
  Array.from({ length: workers }, (_, i) => {
    const share = Math.ceil(inputs / workers);
    const args = ['--import', 'tsx', 'scripts/fuzz.ts', '--worker', '--seed', String(seed + i)];
    args.push('--inputs', String(share), '--minutes', String(minutes));
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    return new Promise<FuzzReport>((resolve, reject) =>
      child.on('exit', (code) =>
        code === 0 ? resolve(JSON.parse(out) as FuzzReport) : reject(new Error(`worker ${i} exited ${code}`)),
      ),
    );
  }),
);
const exits: Record<number, number> = {};
for (const r of reports)
  for (const [k, v] of Object.entries(r.exits)) exits[Number(k)] = (exits[Number(k)] ?? 0) + v;
const failures = reports.flatMap((r) => r.failures.map((f) => ({ seed: r.seed, ...f })));
process.stdout.write(
  `manifests: seeds ${reports.map((r) => r.seed).join(', ')}, ${reports.reduce((s, r) => s + r.inputs, 0)} inputs, ` +
    `${reports.reduce((s, r) => s + r.runs, 0)} command runs in ${Math.round((Date.now() - started) / 1000)} s, ` +
    `exits ${JSON.stringify(exits)}, slowest ${Math.max(...reports.map((r) => r.slowestMs))} ms, ${failures.length} failures\n`,
);
if (failures.length) writeFileSync('fuzz-failures.json', JSON.stringify(failures, null, 2));
const packets = arg('packets', 0);
const dns = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', 'src/servers/dns-server/fuzz.test.ts'],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      KUBETWIN_FUZZ_SEED: String(seed),
      KUBETWIN_FUZZ_MS: String(minutes * 12_000),
      ...(packets ? { KUBETWIN_FUZZ_PACKETS: String(packets) } : {}),
    },
  },
);
process.exit(failures.length || dns.status ? 1 : 0);
