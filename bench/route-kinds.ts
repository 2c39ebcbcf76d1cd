/**
 * Routing decisions per second with the newer kinds present (issue 13), against the same cluster without them.
 * Each (size, variant) is measured in its own fresh process (bench/_route-kinds-child.ts: build, warm-up, 10 timed
 * batches), `--runs` times, the two variants alternated (plain first on odd runs, kinds first on even ones) so a
 * change in the machine's load hits both alike. Reported per figure: the median over the processes, the spread
 * (slowest–fastest process) and within a process, in decisions per CPU second (process.cpuUsage: batches are cut
 * by CPU time, so a shared machine still compares), decisions per wall-clock second, and the load average.
 * Decisions: `http` is the historical mix (mostly 404: no rule matches), `routed` every request delivered, then
 * (with the kinds) HTTP on ListenerSet listeners, TLS by SNI and TCP connections.
 * With `--paired`, each process builds both clusters and alternates their batches (bench/_route-kinds-child.ts),
 * which compares them under the same moment's load; the build order alternates between runs too. The paired ratio
 * is given per process and over every pair of back-to-back batches (kinds batch k / plain batch k), with quartiles.
 * Run: node --import tsx bench/route-kinds.ts [--runs 5] [--sizes 1000,10000] [--paired]
 */
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import type { Measure } from './_route-kinds-child.ts';

const arg = (name: string, fallback: string) =>
  process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback;
const runs = Number(arg('--runs', '5'));
const sizes = arg('--sizes', '1000,10000').split(',').map(Number);
const paired = process.argv.includes('--paired');
const child = new URL('./_route-kinds-child.ts', import.meta.url).pathname;

interface Run {
  readonly n: number;
  readonly variant: 'plain' | 'kinds';
  readonly paired: boolean;
  readonly buildMs: number;
  readonly buildCpuMs: number;
  readonly load: number;
  readonly result: Record<string, Measure>;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs: readonly number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) * q)];
const k = (x: number) => x.toLocaleString('en');

const loadBefore = loadavg();
const all: Run[] = [];
for (let r = 0; r < runs; r++)
  for (const n of sizes) {
    const order = r % 2 ? ['kinds', 'plain'] : ['plain', 'kinds'];
    for (const variants of paired ? [order.join(',')] : order) {
      const out = execFileSync(
        process.execPath,
        ['--import', 'tsx', child, '--n', String(n), '--variants', variants],
        { encoding: 'utf8', maxBuffer: 1 << 20 },
      );
      for (const line of out
        .trim()
        .split('\n')
        .filter((l) => l.startsWith('{'))) {
        const run = JSON.parse(line) as Run;
        all.push(run);
        process.stderr.write(
          `run ${r + 1}/${runs} ${n} ${run.variant}${paired ? ' (paired)' : ''}: ${Object.entries(run.result)
            .map(([what, m]) => `${what} ${k(m.perCpuSecond)}/CPU s`)
            .join(', ')} (load ${run.load.toFixed(2)})\n`,
        );
      }
    }
  }
const loadAfter = loadavg();

console.log(
  `| routes | variant | decisions | per CPU second, median of ${runs} ${paired ? 'paired ' : ''}processes | spread (slowest–fastest process) | batch spread within a process (median) | per wall-clock second (median) | CPU ms per process |`,
);
console.log('| ---: | --- | --- | ---: | ---: | ---: | ---: | ---: |');
const within = (m: Measure) => (Math.max(...m.batches) - Math.min(...m.batches)) / m.perCpuSecond;
for (const n of sizes)
  for (const variant of ['plain', 'kinds'] as const) {
    const mine = all.filter((x) => x.n === n && x.variant === variant);
    for (const what of Object.keys(mine[0].result)) {
      const ms = mine.map((x) => x.result[what]);
      const per = ms.map((m) => m.perCpuSecond);
      console.log(
        `| ${k(n)} | ${variant} | ${what} | ${k(median(per))} | ${k(Math.min(...per))}–${k(Math.max(...per))} | ${Math.round(100 * median(ms.map(within)))} % | ${k(median(ms.map((m) => m.perSecond)))} | ${k(median(ms.map((m) => m.cpuMs)))} |`,
      );
    }
  }
for (const n of sizes) {
  const ratio = (what: string) => {
    const of = (v: string) =>
      median(all.filter((x) => x.n === n && x.variant === v).map((x) => x.result[what].perCpuSecond));
    return (of('kinds') / of('plain')).toFixed(2);
  };
  // Paired: the ratio in each process (both variants measured under the same moment's load), then their median.
  const pairedRatio = (what: string) => {
    const pairs = [];
    const batchPairs: number[] = [];
    for (let i = 0; i + 1 < all.length; i++)
      if (all[i].paired && all[i].n === n && all[i + 1].n === n && all[i].variant !== all[i + 1].variant) {
        const [kinds, plain] = all[i].variant === 'kinds' ? [all[i], all[i + 1]] : [all[i + 1], all[i]];
        pairs.push(kinds.result[what].perCpuSecond / plain.result[what].perCpuSecond);
        // The k-th batches of the two variants ran back to back: their ratio sees the same moment's load.
        const kb = kinds.result[what].batches;
        kb.forEach((b, k) => batchPairs.push(b / plain.result[what].batches[k]));
        i++;
      }
    return pairs.length
      ? `, per process ${pairs.map((r) => r.toFixed(2)).join(' ')} (median ${median(pairs).toFixed(2)}; of ${batchPairs.length} back-to-back batch pairs: median ${median(batchPairs).toFixed(2)}, quartiles ${quantile(batchPairs, 0.25).toFixed(2)}–${quantile(batchPairs, 0.75).toFixed(2)})`
      : '';
  };
  const build = (v: string) => median(all.filter((x) => x.n === n && x.variant === v).map((x) => x.buildMs));
  console.log(
    `\n${k(n)} routes: kinds/plain HTTP ${ratio('http')}${pairedRatio('http')}, routed ${ratio('routed')}${pairedRatio('routed')}; build + compile ${k(build('plain'))} ms plain, ${k(build('kinds'))} ms with kinds (medians)`,
  );
}
console.log(
  `\nload average ${loadBefore.map((x) => x.toFixed(2)).join(' ')} before, ${loadAfter.map((x) => x.toFixed(2)).join(' ')} after`,
);
