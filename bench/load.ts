/**
 * Loading as the CLI does it, in fresh processes: the generated cluster on disk read (`loadInputs`), parsed
 * (`parseManifests`) and built (`buildFromTexts`: profile inference + `buildCluster`), with wall and CPU time
 * and each process's peak RSS. Prints one markdown row per size (the load average before it).
 *
 *   node --import tsx bench/load.ts [--sizes 10000,100000,150000] [--family realistic] [--repeat 3]
 *                                   [--dir /tmp/kubetwin-e2e] [--node-flags '--max-semi-space-size=32']
 *                                   [--cache /tmp/kubetwin-load-cache] [--gc]
 *
 * Each measurement runs in a child process of its own, from this file bundled by esbuild as `npm run build`
 * bundles the CLI (tsx would time its own helpers: it wraps every closure in `__name`): the parse alone in one,
 * the whole `buildFromTexts` (parse + build) in another, so parse + build is a first load as a CLI run pays it
 * (code not yet optimised, heap growing; design note 0006, Decisions 9–10), not one after a warm-up parse.
 * With `--cache DIR`, two more per repeat, as `--cache` runs them: `cold` builds and stores the model (the
 * directory emptied first), `warm` hashes the inputs and reads it back.
 * With `--gc`, each process runs with `--trace-gc-nvp` and the row adds, per mode, the scavenges, the MB they
 * copied and the mark-compacts (`_gc-nvp.ts`): what the load keeps, in a figure the machine's load moves little.
 * A CPU profile of one case: `node --cpu-prof /tmp/kubetwin-load-bench.mjs --one load realistic 150000`
 * after one run has written the bundle.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { clusterDir, type Family } from './_cluster-dir.ts';
import { summarizeGcNvp, type GcSummary } from './_gc-nvp.ts';
import { loadInputs } from '../src/sources/files.ts';
import { parseManifests } from '../src/parse/index.ts';
import { buildFromTexts } from '../src/api/index.ts';
import { cacheKey, readCachedCluster, writeCachedCluster } from '../src/sources/model-cache.ts';
import { bundleSelf } from './_bundle-self.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const root = arg('dir', '/tmp/kubetwin-e2e');

/** One measurement in one process. */
type Mode = 'parse' | 'load' | 'cold' | 'warm';

interface One {
  gc?: GcSummary;
  pods: number;
  yamlMB: number;
  wallMs: number;
  cpuMs: number;
  peakRssMB: number;
}

async function one(mode: Mode, family: Family, pods: number, cacheDir: string): Promise<One> {
  const dir = clusterDir(root, family, pods);
  const inputs = await loadInputs([dir], () => Promise.resolve(''));
  const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
  const cpu = process.cpuUsage();
  const t = performance.now();
  let count: number;
  if (mode === 'parse') {
    const parsed = parseManifests(inputs.texts);
    if (parsed.diagnostics.some((d) => d.severity === 'error')) throw new Error('parse errors');
    count = parsed.objects.length;
  } else {
    // As src/cli/_common.ts keys the cache: the version, -n and --max-pods, every input.
    const key = () => cacheKey({ version: 'bench', texts: inputs.texts, options: { namespace: 'default' } });
    const hit = mode === 'warm' ? await readCachedCluster(cacheDir, key()) : undefined;
    if (mode === 'warm' && !hit) throw new Error(`no cached model in ${cacheDir}`);
    const built = hit ?? buildFromTexts(inputs.texts);
    if (mode === 'cold') {
      const problem = await writeCachedCluster(cacheDir, key(), built);
      if (problem) throw new Error(problem);
    }
    count = built.model.pods.length;
  }
  return {
    pods: count,
    yamlMB: inputs.texts.reduce((s, x) => s + x.text.length, 0) / 1e6,
    wallMs: performance.now() - t,
    cpuMs: cpuMs(process.cpuUsage(cpu)),
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

if (process.argv[2] === '--one') {
  const [mode, family, pods] = process.argv.slice(3, 6);
  const r = await one(mode as Mode, family as Family, Number(pods), arg('cache', ''));
  process.stdout.write(JSON.stringify(r) + '\n');
} else {
  const family = arg('family', 'realistic') as Family;
  const sizes = arg('sizes', '10000,100000,150000').split(',').map(Number);
  const repeat = Number(arg('repeat', '3'));
  const bundle = arg('bundle', '/tmp/kubetwin-load-bench.mjs');
  const cacheDir = arg('cache', '');
  // V8 flags for each case's process, e.g. `--node-flags --max-semi-space-size=32` (design note 0006, Decision 8);
  // none by default, as the `kubetwin` bin starts Node.
  const nodeFlags = arg('node-flags', '').split(' ').filter(Boolean);
  const gc = process.argv.includes('--gc');
  await bundleSelf(fileURLToPath(import.meta.url), bundle);
  const s = (ms: number) => (ms / 1000).toFixed(2);
  const modes: Mode[] = cacheDir ? ['parse', 'load', 'cold', 'warm'] : ['parse', 'load'];
  const heads: Record<Mode, string> = {
    parse: 'parse wall / CPU s',
    load: 'parse + build wall / CPU s',
    cold: '--cache cold: build + store wall / CPU s',
    warm: '--cache warm: hash + read wall / CPU s',
  };
  process.stdout.write(
    `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version} ${nodeFlags.join(' ')}; median of ${repeat}, each in a fresh process\n\n` +
      `| family | pods | YAML MB | ${modes.map((m) => heads[m]).join(' | ')} | peak RSS MB (${modes.join(' / ')}) |${gc ? ` scavenges / MB copied / mark-compacts (${modes.join('; ')}) |` : ''} load before |\n` +
      `| --- | --- | --- | ${modes.map(() => '---').join(' | ')} | --- |${gc ? ' --- |' : ''} --- |\n`,
  );
  for (const pods of sizes) {
    clusterDir(root, family, pods);
    const load = loadavg()
      .map((l) => l.toFixed(1))
      .join(', ');
    const runs = new Map<Mode, One[]>(modes.map((m) => [m, []]));
    for (let i = 0; i < repeat; i++)
      for (const mode of modes) {
        if (mode === 'cold') rmSync(cacheDir, { recursive: true, force: true });
        const r = spawnSync(
          process.execPath,
          [
            ...nodeFlags,
            ...(gc ? ['--trace-gc-nvp'] : []),
            bundle,
            '--one',
            mode,
            family,
            String(pods),
            '--dir',
            root,
            '--cache',
            cacheDir,
          ],
          { encoding: 'utf8', maxBuffer: 1 << 26 },
        );
        if (r.status !== 0) throw new Error(r.stderr);
        const result = r.stdout.split('\n').find((l) => l.startsWith('{'));
        runs
          .get(mode)!
          .push({ ...(JSON.parse(result!) as One), ...(gc ? { gc: summarizeGcNvp(r.stdout) } : {}) });
      }
    const med = (mode: Mode, f: (r: One) => number) =>
      [...runs.get(mode)!.map(f)].sort((a, b) => a - b)[Math.floor(repeat / 2)];
    const first = runs.get('load')![0];
    process.stdout.write(
      `| ${family} | ${first.pods} | ${first.yamlMB.toFixed(1)} | ` +
        modes.map((m) => `${s(med(m, (r) => r.wallMs))} / ${s(med(m, (r) => r.cpuMs))}`).join(' | ') +
        ` | ${modes.map((m) => Math.round(med(m, (r) => r.peakRssMB))).join(' / ')} |` +
        (gc ? ` ${modes.map((m) => gcCell(runs.get(m)!)).join('; ')} |` : '') +
        ` ${load} |\n`,
    );
  }
}

/** The runs' median scavenges, MB copied and mark-compacts (each median on its own). */
function gcCell(runs: readonly One[]): string {
  const med = (f: (g: GcSummary) => number) =>
    runs.map((r) => f(r.gc!)).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
  return `${med((g) => g.scavenges)} / ${Math.round(med((g) => g.copiedMB))} / ${med((g) => g.markCompacts)}`;
}
