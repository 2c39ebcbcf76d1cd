/**
 * Where a first load's time goes, phase by phase (design note 0006, Decision 19): each run in a fresh process
 * reads a generated cluster on disk as the CLI does (`loadInputs`), parses it (`parseManifests`, inside
 * `withParseHeap` as `src/cli/_common.ts` calls it) and builds it (`buildFromParsed`), and reports per phase the
 * wall and CPU ms and the garbage collections that started in it (count and main-thread pause ms, scavenges and
 * mark-compacts apart, from `PerformanceObserver` 'gc' entries), plus start-up (process start to the read) and peak
 * RSS. Variants run alternated, one of each per repeat, and the table gives medians:
 *
 *   node --import tsx bench/load-split.ts [--pods 150000] [--family realistic] [--repeat 5]
 *                                          [--variants heap,plain] [--dir /tmp/kubetwin-e2e]
 *
 * `heap` parses as the CLI does; `plain` without the larger heap growing factor (the parse before Decision 19).
 * Bundled first by esbuild as bench/load.ts is (tsx would time its own helpers).
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { clusterDir, type Family } from './_cluster-dir.ts';
import { loadInputs } from '../src/sources/files.ts';
import { parseManifests } from '../src/parse/index.ts';
import { buildFromParsed } from '../src/api/index.ts';
import { withParseHeap } from '../src/cli/_load-heap.ts';
import { bundleSelf } from './_bundle-self.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};

const phases = ['start', 'read', 'parse', 'build'] as const;
type Phase = (typeof phases)[number];

interface PhaseRun {
  wallMs: number;
  cpuMs: number;
  scavenges: number;
  scavengeMs: number;
  markCompacts: number;
  markCompactMs: number;
}
type Run = Record<Phase, PhaseRun> & { peakRssMB: number; pods: number };

async function one(variant: string, dir: string): Promise<Run> {
  const gcs: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => gcs.push(...list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  const marks: number[] = [0];
  const cpus: number[] = [0];
  const cpuNow = () => {
    const c = process.cpuUsage();
    return (c.user + c.system) / 1000;
  };
  const mark = () => {
    marks.push(performance.now());
    cpus.push(cpuNow());
  };
  mark(); // start-up: from the process's time origin to here
  const inputs = await loadInputs([dir], () => Promise.resolve(''));
  mark();
  const chars = inputs.texts.reduce((n, t) => n + t.text.length, 0);
  const parse = () => parseManifests(inputs.texts);
  const parsed = variant === 'plain' ? parse() : withParseHeap(chars, parse);
  mark();
  const built = buildFromParsed(parsed);
  mark();
  await new Promise((r) => setTimeout(r, 50)); // the observer's last entries
  observer.disconnect();
  const run = { peakRssMB: process.resourceUsage().maxRSS / 1024, pods: built.model.pods.length } as Run;
  phases.forEach((phase, i) => {
    const inPhase = gcs.filter((g) => g.startTime >= marks[i] && g.startTime < marks[i + 1]);
    // NODE_PERFORMANCE_GC_MINOR = 1, _MAJOR = 4 (perf_hooks.constants).
    const of = (kind: number) =>
      inPhase.filter((g) => (g as unknown as { detail: { kind: number } }).detail.kind === kind);
    const ms = (es: PerformanceEntry[]) => es.reduce((s, e) => s + e.duration, 0);
    run[phase] = {
      wallMs: marks[i + 1] - marks[i],
      cpuMs: cpus[i + 1] - cpus[i],
      scavenges: of(1).length,
      scavengeMs: ms(of(1)),
      markCompacts: of(4).length,
      markCompactMs: ms(of(4)),
    };
  });
  return run;
}

if (process.argv[2] === '--one') {
  const r = await one(process.argv[3], process.argv[4]);
  process.stdout.write(JSON.stringify(r) + '\n');
} else {
  const family = arg('family', 'realistic') as Family;
  const pods = Number(arg('pods', '150000'));
  const repeat = Number(arg('repeat', '5'));
  const variants = arg('variants', 'heap,plain').split(',');
  const bundle = arg('bundle', '/tmp/kubetwin-load-split.mjs');
  const dir = clusterDir(arg('dir', '/tmp/kubetwin-e2e'), family, pods);
  await bundleSelf(fileURLToPath(import.meta.url), bundle);
  const load = () =>
    loadavg()
      .map((l) => l.toFixed(1))
      .join(', ');
  const loadBefore = load();
  const runs = new Map<string, Run[]>(variants.map((v) => [v, []]));
  for (let i = 0; i < repeat; i++)
    for (const v of variants) {
      const r = spawnSync(process.execPath, [bundle, '--one', v, dir], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      });
      if (r.status !== 0) throw new Error(r.stderr);
      runs.get(v)!.push(JSON.parse(r.stdout.split('\n').find((l) => l.startsWith('{'))!) as Run);
    }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  process.stdout.write(
    `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}; ${family} ${pods}; median of ${repeat} ` +
      `fresh processes per variant, alternated; load ${loadBefore} before, ${load()} after\n\n` +
      '| variant | phase | wall ms | CPU ms | scavenges (pause ms) | mark-compacts (pause ms) |\n' +
      '| --- | --- | --- | --- | --- | --- |\n',
  );
  for (const [v, rs] of runs) {
    for (const phase of phases) {
      const m = (f: (p: PhaseRun) => number) => Math.round(med(rs.map((r) => f(r[phase]))));
      process.stdout.write(
        `| ${v} | ${phase} | ${m((p) => p.wallMs)} | ${m((p) => p.cpuMs)} | ${m((p) => p.scavenges)} (${m((p) => p.scavengeMs)}) | ` +
          `${m((p) => p.markCompacts)} (${m((p) => p.markCompactMs)}) |\n`,
      );
    }
    const total = (f: (p: PhaseRun) => number) =>
      Math.round(med(rs.map((r) => phases.reduce((s, ph) => s + f(r[ph]), 0))));
    process.stdout.write(
      `| ${v} | **total** | ${total((p) => p.wallMs)} | ${total((p) => p.cpuMs)} | ` +
        `${total((p) => p.scavenges)} (${total((p) => p.scavengeMs)}) | ${total((p) => p.markCompacts)} (${total((p) => p.markCompactMs)}) |\n` +
        `| ${v} | peak RSS MB | ${rs.map((r) => Math.round(r.peakRssMB)).join(', ')} | | | |\n`,
    );
  }
}
