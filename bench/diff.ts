/**
 * `diff` of two realistic generated clusters differing by 10 objects (5 NetworkPolicies with a port moved, 5
 * Services with a selector that now matches nothing) against one `report` of the first (issue #15 target: diff ≤ 2×
 * report). Medians of RUNS runs; the last line is the ratio.
 * - default (in memory): raw objects → `analyseSides` (both sides built through one `BuildMemo`, then analysed),
 *   as the CLI does after parsing; an unchanged document is the same raw object on both sides, as the CLI's parse
 *   cache gives a file unchanged under the same name (`--fresh`: every after-side document a new object, so the
 *   after side's build takes nothing over). The report side is `buildCluster` → `analyseCluster`.
 * - `--cli`: the commands themselves, in process, on files: both clusters are written as YAML, one file per app
 *   (Deployment, Service and policy together), to `base/k8s` and `k8s` in a temporary folder; `kubetwin report -f
 *   k8s` against `kubetwin diff --base base/k8s -f k8s`. (`--base git:REF` adds one `git ls-tree` per path and one
 *   `git cat-file --batch` for every file.)
 * Each run prints wall and CPU time (`process.cpuUsage`, this process) of both; the table gives both ratios (CPU
 * is the one to compare on a loaded machine).
 * Run: `node --import tsx bench/diff.ts [PODS] [RUNS] [--cli] [--fresh]` (default 30000, 3).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { run } from '../src/cli/program.ts';
import { generateBodies, profileFor } from './generate.ts';
import { buildCluster } from '../src/cluster/index.ts';
import { rawFromData, type RawObject } from '../src/parse/index.ts';
import { analyseCluster, analyseSides } from '../src/pipeline/index.ts';
import { diffClusters } from '../src/analysis/diff/index.ts';
import { renderReportText } from '../src/render/report-text.ts';
import { renderDiffText } from '../src/render/diff-text.ts';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const cli = process.argv.includes('--cli');
const pods = Number(args[0] ?? 30000);
const runs = Number(args[1] ?? 3);
const now = '2026-11-01T00:00:00Z';
const profile = profileFor(pods);
const src = (i: number) => ({ file: '<generated>', doc: i, line: 1, column: 1 });

const before = generateBodies({ family: 'realistic', pods });
const after = before.map((b) => b);
let policies = 0;
let services = 0;
for (let i = 0; i < after.length && policies + services < 10; i++) {
  const b = after[i] as { kind?: string; spec?: Record<string, unknown> };
  if (b.kind === 'NetworkPolicy' && policies < 5) {
    const c = structuredClone(b) as { spec: { ingress?: { ports?: { port?: unknown }[] }[] } };
    const port = c.spec.ingress?.[0]?.ports?.[0];
    if (!port) continue;
    port.port = 65000 + policies;
    after[i] = c as unknown as Record<string, unknown>;
    policies++;
  } else if (b.kind === 'Service' && services < 5 && b.spec?.selector) {
    const c = structuredClone(b) as { spec: { selector: Record<string, string> } };
    c.spec.selector = { ...c.spec.selector, edited: 'nothing-matches' };
    after[i] = c as unknown as Record<string, unknown>;
    services++;
  }
}
const raws = (bodies: Record<string, unknown>[]): RawObject[] => bodies.map((b, i) => rawFromData(b, src(i)));

function analysed(objects: RawObject[]) {
  const { model, diagnostics } = buildCluster(objects, { profile });
  return analyseCluster({ model, diagnostics }, { now });
}

/**
 * The after side's raw objects: an unchanged document is the before side's object, as the CLI's parse cache gives
 * a file unchanged under the same name (`parseThrough`); `--fresh` reads every document anew (no build reuse).
 */
const fresh = process.argv.includes('--fresh');
function afterRaws(before: readonly RawObject[]): RawObject[] {
  return fresh
    ? raws(after)
    : after.map((b, i) => (b === before[i].body ? before[i] : rawFromData(b, src(i))));
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Wall and CPU milliseconds of `fn`. */
async function timed<T>(fn: () => T | Promise<T>): Promise<{ ms: number; cpu: number; value: T }> {
  const t = performance.now();
  const c = cpuMs();
  const value = await fn();
  return { ms: performance.now() - t, cpu: cpuMs() - c, value };
}

function reportOnce(): void {
  const a = analysed(raws(before));
  renderReportText(a.report);
}

function diffOnce(): { effects: number; objects: number } {
  const ra = raws(before);
  const rb = afterRaws(ra);
  const sides = analyseSides({ objects: ra }, { objects: rb }, { build: { profile }, analyse: { now } });
  const d = diffClusters(sides.before, sides.after);
  renderDiffText(d, { title: 'bench' });
  return { effects: d.effects.length, objects: d.objects.length };
}

/** One file per app (`ns/name`, a policy `allow-NAME` with its app), namespaces in one file, the profile alone. */
function writeTree(root: string, bodies: Record<string, unknown>[]): void {
  const files = new Map<string, Record<string, unknown>[]>();
  for (const b of bodies) {
    const meta = (b.metadata ?? {}) as { name?: string; namespace?: string };
    const file = meta.namespace
      ? `${meta.namespace}/${String(meta.name).replace(/^allow-/, '')}.yaml`
      : `${String(b.kind).toLowerCase()}s.yaml`;
    (files.get(file) ?? files.set(file, []).get(file)!).push(b);
  }
  const { nodes, podCIDR } = profile;
  files.set('kubetwin.yaml', [
    { apiVersion: 'kubetwin.dev/v1alpha1', kind: 'ClusterProfile', podCIDR, nodes },
  ]);
  for (const [file, docs] of files) {
    const path = join(root, 'k8s', file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, docs.map((d) => stringify(d)).join('---\n'));
  }
}

const silent = { stdout: () => {}, stderr: () => {}, readStdin: async () => '' };
let repo: string | undefined;
if (cli) {
  repo = mkdtempSync(join(tmpdir(), 'kubetwin-bench-diff-'));
  writeTree(join(repo, 'base'), before);
  writeTree(repo, after);
  process.chdir(repo);
}

async function reportCli(): Promise<void> {
  const code = await run(['report', '-f', 'k8s', '--at', now], silent);
  if (code === 2) throw new Error('report: input error');
}

async function diffCli(): Promise<{ effects: number; objects: number }> {
  let json = '';
  const code = await run(['diff', '--base', 'base/k8s', '-f', 'k8s', '--at', now, '-o', 'json'], {
    ...silent,
    stdout: (s) => (json += s),
  });
  if (code === 2) throw new Error('diff: input error');
  const d = JSON.parse(json) as { effects: unknown[]; objects: unknown[] };
  return { effects: d.effects.length, objects: d.objects.length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const reportMs: number[] = [];
const diffMs: number[] = [];
const reportCpu: number[] = [];
const diffCpu: number[] = [];
let last = { effects: 0, objects: 0 };
for (let r = 0; r < runs; r++) {
  const rep = await timed(() => (cli ? reportCli() : reportOnce()));
  const dif = await timed(() => (cli ? diffCli() : diffOnce()));
  last = dif.value;
  reportMs.push(rep.ms);
  reportCpu.push(rep.cpu);
  diffMs.push(dif.ms);
  diffCpu.push(dif.cpu);
  process.stderr.write(
    `run ${r + 1}: report ${Math.round(rep.ms)} ms (CPU ${Math.round(rep.cpu)}), diff ${Math.round(dif.ms)} ms (CPU ${Math.round(dif.cpu)}), ratio ${(dif.ms / rep.ms).toFixed(2)} (CPU ${(dif.cpu / rep.cpu).toFixed(2)})\n`,
  );
}
if (repo && !process.env.KEEP) rmSync(repo, { recursive: true, force: true });
if (repo && process.env.KEEP) process.stderr.write(`kept ${repo}\n`);
const rm = median(reportMs);
const dm = median(diffMs);
const rc = median(reportCpu);
const dc = median(diffCpu);
const mode = cli
  ? '`kubetwin report -f k8s` vs `kubetwin diff --base base/k8s -f k8s -o json`, in process, one YAML file per app'
  : `in memory: report = build + analyse + text; diff = 2 builds (one BuildMemo${fresh ? ', --fresh: nothing shared' : ''}) + 2 analyses + diff + text`;
process.stdout.write(
  [
    `## diff (issue #15 target: diff of two ${pods}-pod clusters differing by 10 objects ≤ 2× one report)`,
    '',
    `Mode: ${mode}. Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(
        ' ',
      )} at the end. Run: \`node --import tsx bench/diff.ts ${pods} ${runs}${cli ? ' --cli' : ''}${fresh ? ' --fresh' : ''}\`.`,
    '',
    '| pods | objects changed | effects | report ms, median | diff ms, median | ratio | report CPU ms | diff CPU ms | CPU ratio |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    `| ${pods} | ${last.objects} | ${last.effects} | ${Math.round(rm)} | ${Math.round(dm)} | ${(dm / rm).toFixed(2)} | ${Math.round(rc)} | ${Math.round(dc)} | ${(dc / rc).toFixed(2)} |`,
    '',
    `RATIO diff/report = ${(dm / rm).toFixed(2)}, CPU ${(dc / rc).toFixed(2)} (medians of ${runs}; target ≤ 2.00: ${dm / rm <= 2 ? 'met' : 'NOT met'})`,
    // The fastest run of each: what is left when other processes took the least (a loaded machine inflates medians).
    `FASTEST diff/report = ${(Math.min(...diffMs) / Math.min(...reportMs)).toFixed(2)}, CPU ${(Math.min(...diffCpu) / Math.min(...reportCpu)).toFixed(2)} (report ${Math.round(Math.min(...reportMs))} ms, CPU ${Math.round(Math.min(...reportCpu))}; diff ${Math.round(Math.min(...diffMs))} ms, CPU ${Math.round(Math.min(...diffCpu))})`,
    '',
  ].join('\n'),
);
