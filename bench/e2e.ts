/**
 * End to end, as a user runs it: a generated cluster written to disk (cluster.yaml + kubetwin.yaml), then one
 * CLI process per command (`node dist/kubetwin.mjs …`, run `npm run build` first) under `/usr/bin/time -v`:
 * wall time, CPU time, peak RSS, exit code and output size; the median of the repeats. Writes
 * bench/results/e2e.md (raw table, with the load average before each case) and prints each row.
 *
 *   npm run bench:e2e -- [--sizes 10000,30000,100000,150000] [--families realistic,random-labels]
 *                        [--commands reach,report,matrix-ns,matrix-workload] [--repeat 3] [--dir /tmp/kubetwin-e2e]
 *                        [--cli dist/kubetwin.mjs] [--timeout SECONDS] [--results bench/results/e2e.md]
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { clusterDir, type Family } from './_cluster-dir.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const sizes = arg('sizes', '10000,30000,100000,150000').split(',').map(Number);
const families = arg('families', 'realistic,random-labels').split(',') as Family[];
const commands = arg('commands', 'reach,report,matrix-ns,matrix-workload').split(',');
const repeat = Number(arg('repeat', '3'));
const root = arg('dir', '/tmp/kubetwin-e2e');
const timeoutMs = Number(arg('timeout', '1200')) * 1000;
/** The built CLI (a copy keeps a long run on one build while the source changes). */
const cli = arg('cli', 'dist/kubetwin.mjs');

/** The command lines, per family: one pair for `reach` (two Deployments of 5 / two bare pods). */
function argsOf(command: string, family: Family, dir: string): string[] {
  const pair =
    family === 'realistic'
      ? ['--from', 'load-0/small-30', '--to', 'load-0/small-40', '--port', '8080']
      : ['--from', 'ns-0/pod-0', '--to', 'ns-1/pod-1', '--port', '8080'];
  const of: Record<string, string[]> = {
    reach: ['reach', ...pair],
    report: ['report', '-o', 'html', '--at', '2026-11-01T00:00:00Z'],
    'matrix-ns': ['matrix', '--by', 'namespace', '-o', 'json'],
    'matrix-workload': ['matrix', '-A', '-o', 'json'],
  };
  return [...of[command], '-q', '-f', dir];
}

interface Run {
  wallS: number;
  cpuS: number;
  rssMB: number;
  exit: number;
  outMB: number;
  error?: string;
}

function measure(args: string[]): Run {
  const out = join(root, `stdout-${process.pid}`);
  const fd = openSync(out, 'w');
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, cli, ...args], {
    stdio: ['ignore', fd, 'pipe'],
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 1 << 26,
  });
  closeSync(fd);
  const outMB = statSync(out).size / 1e6;
  unlinkSync(out);
  const err = r.stderr ?? '';
  const field = (name: string) => new RegExp(`${name}: (.*)`).exec(err)?.[1]?.trim() ?? '';
  const wall = field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)')
    .split(':')
    .reduce((s, part) => s * 60 + Number(part), 0);
  const exit = Number(/Exit status: (\d+)/.exec(err)?.[1] ?? r.status ?? -1);
  const lastError = err.split('\n').find((l) => /internal error|heap|error:/i.test(l));
  return {
    wallS: r.error ? timeoutMs / 1000 : wall,
    cpuS: Number(field('User time \\(seconds\\)')) + Number(field('System time \\(seconds\\)')),
    rssMB: Number(field('Maximum resident set size \\(kbytes\\)')) / 1024,
    exit: r.error ? -1 : exit,
    outMB,
    ...(r.error ? { error: 'timeout' } : lastError ? { error: lastError.slice(0, 120) } : {}),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`;
const header =
  '| family | pods | command | wall s (median) | wall s (runs) | CPU s | peak RSS MB | exit | output MB | load before |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |';
const rows: string[] = [];
const results = arg('results', join('bench', 'results', 'e2e.md'));
for (const family of families)
  for (const pods of sizes) {
    const dir = clusterDir(root, family, pods);
    for (const command of commands) {
      const load = loadavg()
        .map((l) => l.toFixed(1))
        .join(', ');
      const runs: Run[] = [];
      for (let i = 0; i < repeat; i++) {
        runs.push(measure(argsOf(command, family, dir)));
        if (runs[i].exit < 0 || runs[i].exit > 2) break; // a crash or a timeout does not get better
      }
      const row = `| ${family} | ${pods} | ${command} | ${median(runs.map((r) => r.wallS)).toFixed(1)} | ${runs.map((r) => r.wallS.toFixed(1)).join(', ')} | ${median(runs.map((r) => r.cpuS)).toFixed(1)} | ${Math.round(median(runs.map((r) => r.rssMB)))} | ${runs.map((r) => r.exit).join(',')} | ${median(runs.map((r) => r.outMB)).toFixed(1)} | ${load}${runs.find((r) => r.error) ? ` — ${runs.find((r) => r.error)!.error}` : ''} |`;
      rows.push(row);
      process.stdout.write(row + '\n');
      const previous = existsSync(results) ? readFileSync(results, 'utf8') : '';
      writeFileSync(
        results,
        previous.includes(header)
          ? previous.trimEnd() + '\n' + row + '\n'
          : `## End to end: one CLI process per command on a generated cluster on disk\n\nMachine: ${machine}. Each row: the median of its runs (listed) under /usr/bin/time -v; load average (1, 5, 15 min) before the first run.\n\n${header}\n${row}\n`,
      );
    }
  }
