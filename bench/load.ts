/**
 * Loading as the CLI does it, in one fresh process per case: the generated cluster on disk read (`loadInputs`),
 * parsed (`parseManifests`) and built (`buildFromTexts`: profile inference + `buildCluster`), with wall and CPU
 * time per phase and the process's peak RSS. Prints one markdown row per case (the load average before it).
 *
 *   node --import tsx bench/load.ts [--sizes 10000,100000,150000] [--family realistic] [--repeat 3]
 *                                   [--dir /tmp/kubetwin-e2e] [--node-flags '--max-semi-space-size=32']
 *
 * Each case runs in a child process, so peak RSS is that case's alone, from this file bundled by esbuild as
 * `npm run build` bundles the CLI (tsx would time its own helpers: it wraps every closure in `__name`). The
 * parse phase is timed on its own first, then the whole `buildFromTexts` (parse + build) on the same texts.
 * A CPU profile of one case: `node --cpu-prof --expose-gc /tmp/kubetwin-load-bench.mjs --one realistic 150000`
 * after one run has written the bundle.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { clusterDir, type Family } from './_cluster-dir.ts';
import { loadInputs } from '../src/sources/files.ts';
import { parseManifests } from '../src/parse/index.ts';
import { buildFromTexts } from '../src/api/index.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const root = arg('dir', '/tmp/kubetwin-e2e');

interface One {
  pods: number;
  yamlMB: number;
  parseWallMs: number;
  parseCpuMs: number;
  loadWallMs: number;
  loadCpuMs: number;
  peakRssMB: number;
}

async function one(family: Family, pods: number): Promise<One> {
  const dir = clusterDir(root, family, pods);
  const inputs = await loadInputs([dir], () => Promise.resolve(''));
  const cpuMs = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1000;
  let cpu = process.cpuUsage();
  let t = performance.now();
  const parsed = parseManifests(inputs.texts);
  const parseWallMs = performance.now() - t;
  const parseCpuMs = cpuMs(process.cpuUsage(cpu));
  if (parsed.diagnostics.some((d) => d.severity === 'error')) throw new Error('parse errors');
  parsed.objects.length = 0;
  (globalThis as { gc?: () => void }).gc?.();
  cpu = process.cpuUsage();
  t = performance.now();
  const built = buildFromTexts(inputs.texts);
  const loadWallMs = performance.now() - t;
  const loadCpuMs = cpuMs(process.cpuUsage(cpu));
  return {
    pods: built.model.pods.length,
    yamlMB: inputs.texts.reduce((s, x) => s + x.text.length, 0) / 1e6,
    parseWallMs,
    parseCpuMs,
    loadWallMs,
    loadCpuMs,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
  };
}

if (process.argv[2] === '--one') {
  const r = await one(process.argv[3] as Family, Number(process.argv[4]));
  process.stdout.write(JSON.stringify(r) + '\n');
} else {
  const family = arg('family', 'realistic') as Family;
  const sizes = arg('sizes', '10000,100000,150000').split(',').map(Number);
  const repeat = Number(arg('repeat', '3'));
  const bundle = arg('bundle', '/tmp/kubetwin-load-bench.mjs');
  // V8 flags for each case's process, e.g. `--node-flags --max-semi-space-size=32` (design note 0006, Decision 8);
  // none by default, as the `kubetwin` bin starts Node.
  const nodeFlags = arg('node-flags', '').split(' ').filter(Boolean);
  // Imported here only: the bundle (run from /tmp) never loads esbuild.
  const { build } = await import('esbuild');
  await build({
    entryPoints: [fileURLToPath(import.meta.url)],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: ['@kubernetes/client-node', 'esbuild'],
    banner: {
      js: "import { createRequire as __r } from 'node:module'; const require = __r(import.meta.url);",
    },
    logLevel: 'warning',
  });
  const s = (ms: number) => (ms / 1000).toFixed(2);
  process.stdout.write(
    `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version} ${nodeFlags.join(' ')}; median of ${repeat}\n\n` +
      '| family | pods | YAML MB | parse wall / CPU s | parse + build wall / CPU s | build CPU s | peak RSS MB | load before |\n' +
      '| --- | --- | --- | --- | --- | --- | --- | --- |\n',
  );
  for (const pods of sizes) {
    clusterDir(root, family, pods);
    const load = loadavg()
      .map((l) => l.toFixed(1))
      .join(', ');
    const runs: One[] = [];
    for (let i = 0; i < repeat; i++) {
      const r = spawnSync(
        process.execPath,
        [...nodeFlags, '--expose-gc', bundle, '--one', family, String(pods), '--dir', root],
        { encoding: 'utf8', maxBuffer: 1 << 24 },
      );
      if (r.status !== 0) throw new Error(r.stderr);
      runs.push(JSON.parse(r.stdout) as One);
    }
    const med = (f: (r: One) => number) =>
      [...runs.map(f)].sort((a, b) => a - b)[Math.floor(runs.length / 2)];
    process.stdout.write(
      `| ${family} | ${runs[0].pods} | ${runs[0].yamlMB.toFixed(1)} | ${s(med((r) => r.parseWallMs))} / ${s(med((r) => r.parseCpuMs))} | ` +
        `${s(med((r) => r.loadWallMs))} / ${s(med((r) => r.loadCpuMs))} | ${s(med((r) => r.loadCpuMs - r.parseCpuMs))} | ` +
        `${Math.round(med((r) => r.peakRssMB))} | ${load} |\n`,
    );
  }
}
