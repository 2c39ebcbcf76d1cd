// Runs every *.test.ts under src/ and test/ with node's own test runner (Node 20 has no glob for --test), in two
// passes: first every other file, several at a time (`--test-concurrency`, one process a file); then,
// one at a time, the files in ALONE, whose tests drive real sockets, namespaces or a browser against tight
// wall-clock limits and could be slowed into failing by a neighbour. (Tests that poll a child process or a server
// with deadlines of seconds run with the others: their deadlines are made for a loaded machine.)
// `KUBETWIN_TEST_CONCURRENCY=1` runs everything one file at a time.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

/** Path parts of the files that run alone, and why. */
const ALONE = [
  'test/lab/', // real packets in network namespaces (host-wide state), 1.5 s probe timeouts
  'src/servers/', // real sockets against millisecond limits: header and idle timeouts, dig +time=2, DNS fuzz budget
  'test/ui-browser', // chromium
  'test/report-browser', // chromium
];

/** The longest of the other files, started first so that no long file is left running alone at the end. */
const FIRST = [
  'src/sources/live/live.test.ts',
  'src/parse/fast-yaml.test.ts',
  'src/cli/serve-dns-live.test.ts',
  'src/analysis/matrix/matrix.test.ts',
  'test/scenarios.test.ts',
  'src/cli/live.test.ts',
];

function find(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const name of entries) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) find(path, out);
    else if (name.endsWith('.test.ts')) out.push(path);
  }
  return out;
}

const filter = process.argv.slice(2);
let files = [...find('src', []), ...find('test', [])];
if (filter.length) files = files.filter((f) => filter.some((x) => f.includes(x)));
const alone = files.filter((f) => ALONE.some((a) => f.replaceAll('\\', '/').includes(a)));
const rank = (f) => {
  const i = FIRST.findIndex((x) => f.replaceAll('\\', '/').endsWith(x));
  return i < 0 ? FIRST.length : i;
};
const together = files.filter((f) => !alone.includes(f)).sort((a, b) => rank(a) - rank(b));
const concurrency = Number(process.env.KUBETWIN_TEST_CONCURRENCY) || Math.max(2, availableParallelism());
const reporter = process.env.CI ? ['--test-reporter=spec'] : [];

/** One `node --test` over `group`; its exit status (0 when the group is empty). */
function run(group, n) {
  if (!group.length) return 0;
  const args = ['--import', 'tsx', '--test', `--test-concurrency=${n}`, ...reporter, ...group];
  return spawnSync(process.execPath, args, { stdio: 'inherit' }).status ?? 1;
}

const statuses = [run(together, concurrency), run(alone, 1)];
process.exit(statuses.find((s) => s !== 0) ?? 0);
