/**
 * `diff` of two realistic generated clusters differing by 10 objects (5 NetworkPolicies with a port moved, 5
 * Services with a selector that now matches nothing) against one `report` of the first (issue #15 target: diff ≤ 2×
 * report). Both sides are built and analysed as the CLI does (`analyseCluster`); medians of RUNS runs.
 * Run: `node --import tsx bench/diff.ts [PODS] [RUNS]` (default 30000, 3).
 */
import { cpus, loadavg } from 'node:os';
import { generateBodies, profileFor } from './generate.ts';
import { buildCluster } from '../src/cluster/index.ts';
import { rawFromData, type RawObject } from '../src/parse/index.ts';
import { analyseCluster } from '../src/pipeline/index.ts';
import { diffClusters } from '../src/analysis/diff/index.ts';
import { renderReportText } from '../src/render/report-text.ts';
import { renderDiffText } from '../src/render/diff-text.ts';

const pods = Number(process.argv[2] ?? 30000);
const runs = Number(process.argv[3] ?? 3);
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

function reportOnce(): number {
  const t = performance.now();
  const a = analysed(raws(before));
  renderReportText(a.report);
  return performance.now() - t;
}

function diffOnce(): { ms: number; effects: number; objects: number } {
  const t = performance.now();
  const ra = raws(before);
  const rb = raws(after);
  const d = diffClusters({ analysed: analysed(ra), objects: ra }, { analysed: analysed(rb), objects: rb });
  renderDiffText(d, { title: 'bench' });
  return { ms: performance.now() - t, effects: d.effects.length, objects: d.objects.length };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const reportMs: number[] = [];
const diffMs: number[] = [];
let last = { ms: 0, effects: 0, objects: 0 };
for (let r = 0; r < runs; r++) {
  reportMs.push(reportOnce());
  last = diffOnce();
  diffMs.push(last.ms);
  process.stderr.write(
    `run ${r + 1}: report ${Math.round(reportMs[r])} ms, diff ${Math.round(diffMs[r])} ms\n`,
  );
}
const rm = median(reportMs);
const dm = median(diffMs);
process.stdout.write(
  [
    `## diff (issue #15 target: diff of two ${pods}-pod clusters differing by 10 objects ≤ 2× one report)`,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} at the end. Run: \`node --import tsx bench/diff.ts ${pods} ${runs}\`.`,
    '',
    '| pods | objects changed | effects | report ms (build + analyse + text), median | diff ms (2 builds + 2 analyses + diff + text), median | ratio |',
    '| --- | --- | --- | --- | --- | --- |',
    `| ${pods} | ${last.objects} | ${last.effects} | ${Math.round(rm)} | ${Math.round(dm)} | ${(dm / rm).toFixed(2)} |`,
    '',
  ].join('\n'),
);
