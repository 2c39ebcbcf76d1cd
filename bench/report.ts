/**
 * `doctor` and `report` over the realistic generated cluster (target: 30k pods in ≤ 10 s each, issue #6), with
 * declared flows generated from it (one step to every second Service, from a pod of another Deployment).
 * Writes bench/results/report.md.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { generateCluster } from './generate.ts';
import { buildCluster } from '../src/cluster/index.ts';
import { runDoctor } from '../src/analysis/doctor/index.ts';
import { createTraceContext, traceFlow } from '../src/analysis/trace/index.ts';
import { buildReport } from '../src/analysis/report/index.ts';
import { renderReportHtml, reportGraphLayout } from '../src/render/report-html.ts';
import type { Flow } from '../src/analysis/flows/index.ts';

const rows: string[] = [];
for (const pods of [30000]) {
  const { objects, profile } = generateCluster({ family: 'realistic', pods });
  let t = performance.now();
  const { model, diagnostics } = buildCluster(objects, { profile });
  const buildMs = performance.now() - t;
  // Flows: from the first Deployment of each namespace to every Service of that namespace, by DNS name.
  const flows: Flow[] = [];
  for (const ns of model.namespaces.filter((n) => n.name.startsWith('load-'))) {
    const client = model.workloads.find((w) => w.namespace === ns.name);
    if (!client) continue;
    const steps = model.services
      .filter((s) => s.namespace === ns.name)
      .slice(0, 50)
      .map((s) => ({
        from: { kind: 'ref' as const, namespace: ns.name, name: client.name },
        to: {
          kind: 'url' as const,
          scheme: 'http' as const,
          host: s.name,
          port: 80,
          path: '/',
          protocol: 'TCP' as const,
        },
        text: `${client.name} → ${s.name}`,
      }));
    flows.push({ name: `${ns.name} calls`, steps, origin: 'flows-file' });
  }
  const stepCount = flows.reduce((n, f) => n + f.steps.length, 0);
  t = performance.now();
  const doctorFindings = runDoctor(model, { now: '2026-11-01T00:00:00Z' });
  const doctorMs = performance.now() - t;
  t = performance.now();
  const ctx = createTraceContext(model, { now: '2026-11-01T00:00:00Z' });
  const traces = flows.map((f) => traceFlow(ctx, f));
  const findings = runDoctor(model, { engine: ctx.engine, flowTraces: traces, now: '2026-11-01T00:00:00Z' });
  const data = buildReport({
    title: 'bench',
    model,
    diagnostics,
    engine: ctx.engine,
    flows: traces,
    findings,
  });
  const html = renderReportHtml(data, await reportGraphLayout(data));
  const reportMs = performance.now() - t;
  const peak = Math.round(process.resourceUsage().maxRSS / 1024);
  rows.push(
    `| realistic | ${model.pods.length} | ${model.networkPolicies.length} | ${Math.round(buildMs)} | ${Math.round(doctorMs)} (${doctorFindings.length} findings) | ${stepCount} | ${Math.round(reportMs)} (${Math.round(html.length / 1024)} KiB HTML) | ${peak} |`,
  );
  process.stderr.write(rows[rows.length - 1] + '\n');
}
const md = [
  '## doctor and report (issue #6 target: 30k pods, each ≤ 10 s)',
  '',
  `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}. Run: \`node --import tsx bench/report.ts\`.`,
  '',
  '| family | pods | policies | build ms | doctor ms (model rules, engine compiled inside) | flow steps traced | report ms (engine + traces + doctor + HTML) | peak RSS MB |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ...rows,
  '',
].join('\n');
writeFileSync('bench/results/report.md', md);
process.stdout.write(md);
