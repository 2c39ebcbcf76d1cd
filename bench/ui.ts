/**
 * `kubetwin ui` on the realistic generated cluster of about 5,000 workloads (issue #16 target: the graph laid
 * out and interactive in ≤ 3 s in Chromium; aggregated views are fine). Flows as in bench/report.ts (the first
 * Deployment of each namespace calls up to 50 Services of it). Measures, in one Chromium (Debian's), from
 * navigation to the graph drawn (`body[data-ready]`: page, /api/graph with the ELK layout, SVG in the DOM), then
 * a click on a namespace drawn as one node until it is drawn open; the first load (layout not cached) and a
 * reload.
 * Run: `node --import tsx bench/ui.ts`. Prints a Markdown table.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { generateCluster } from './generate.ts';
import { buildCluster } from '../src/cluster/index.ts';
import { analyseCluster } from '../src/pipeline/index.ts';
import type { Flow } from '../src/analysis/flows/index.ts';
import { createApp } from '../src/http/index.ts';
import { listen } from '../src/http/node-server.ts';
import { bundleWebAssets } from '../src/cli/_web-assets.ts';

const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
if (!chromium) {
  console.log('skipped: Debian chromium is not installed (apt-get install chromium)');
  process.exit(0);
}
const pods = Number(process.argv[2] ?? 46000);
const { objects, profile } = generateCluster({ family: 'realistic', pods });
let t = performance.now();
const cluster = buildCluster(objects, { profile });
const buildMs = performance.now() - t;
const { model } = cluster;
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
t = performance.now();
const analysed = analyseCluster(cluster, { flows, now: '2026-11-01T00:00:00Z', title: 'bench' });
void analysed.report;
const analyseMs = performance.now() - t;
const app = createApp({
  snapshot: () => ({ version: 1, title: 'bench', analysed, diagnostics: 0 }),
  assets: await bundleWebAssets('web'),
});
const server = await listen(app.fetch);
const { chromium: pw } = await import('playwright-core');
const browser = await pw.launch({
  executablePath: chromium,
  args: ['--headless', '--no-sandbox', '--disable-gpu'],
});
const rows: string[] = [];
for (const [name, query] of [
  ['flows (default view)', ''],
  ['every workload (isolated too)', '#isolated'],
] as const) {
  for (const run of ['first load', 'reload']) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const start = performance.now();
    await page.goto(server.url);
    if (query === '#isolated') {
      await page.waitForSelector('body[data-ready]', { timeout: 120_000 });
      await page.evaluate(() => document.body.removeAttribute('data-ready'));
      await page.locator('#f-isolated').check();
    }
    await page.waitForSelector('body[data-ready]', { timeout: 120_000 });
    const readyMs = performance.now() - start;
    const counts = await page.locator('#status').innerText();
    const c0 = performance.now();
    // Interactive: a click on a namespace drawn as one node opens it (a new layout with its island), or, when
    // nothing is aggregated, a click on a node shows its selection.
    const ns = page.locator('#graph svg g.node-namespace').first();
    if (await ns.count()) {
      await ns.dispatchEvent('click');
      await page.waitForSelector('#graph svg g.group', { timeout: 120_000 });
    } else {
      await page.locator('#graph svg g.node').first().dispatchEvent('click');
      await page.waitForSelector('#selection p b', { timeout: 60_000 });
    }
    const clickMs = performance.now() - c0;
    rows.push(
      `| ${name} | ${run} | ${Math.round(readyMs)} | ${Math.round(clickMs)} | ${counts.split(' · ').slice(1, 2).join('')} |`,
    );
    process.stderr.write(rows[rows.length - 1] + '\n');
    await page.close();
  }
}
await browser.close();
await server.close();
console.log(
  [
    `## kubetwin ui (issue #16 target: 5k workloads laid out and interactive in ≤ 3 s in Chromium)`,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}, load average ${loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} at the end.`,
    `Cluster: realistic, ${model.pods.length} pods, ${model.workloads.length} workloads, ${model.namespaces.length} namespaces; ${flows.reduce((n, f) => n + f.steps.length, 0)} flow steps. Build ${Math.round(buildMs)} ms, analysis ${Math.round(analyseMs)} ms (before the page; not part of the figure).`,
    '',
    '| graph | run | navigation → graph drawn, ms | click → namespace opened (or selection shown), ms | drawn |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n'),
);
