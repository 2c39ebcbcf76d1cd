/**
 * `npm run fuzz`: the long fuzz campaign, not part of `npm test`. Manifests through the CLI in process (see
 * test/fuzz/_manifest-fuzzer.ts), then the DNS packet fuzzer (src/servers/dns-server/fuzz.test.ts) with a longer budget.
 * Options: --seed N (default 20261202), --inputs N (default 100000), --minutes M (default 10, split 4:1 between
 * manifests and DNS packets). Exits 1 when anything failed; failing inputs are written to fuzz-failures.json.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fuzzManifests } from '../test/fuzz/_manifest-fuzzer.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seed = arg('seed', 20261202);
const minutes = arg('minutes', 10);
const report = await fuzzManifests({ seed, maxInputs: arg('inputs', 100_000), budgetMs: minutes * 48_000 });
process.stdout.write(
  `manifests: seed ${report.seed}, ${report.inputs} inputs, ${report.runs} command runs, exits ${JSON.stringify(report.exits)}, slowest ${report.slowestMs} ms, ${report.failures.length} failures\n`,
);
if (report.failures.length) writeFileSync('fuzz-failures.json', JSON.stringify(report.failures, null, 2));
const dns = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', 'src/servers/dns-server/fuzz.test.ts'],
  {
    stdio: 'inherit',
    env: { ...process.env, KUBETWIN_FUZZ_SEED: String(seed), KUBETWIN_FUZZ_MS: String(minutes * 12_000) },
  },
);
process.exit(report.failures.length || dns.status ? 1 : 0);
