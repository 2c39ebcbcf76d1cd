import { formatSource } from '../model/diagnostic.ts';
import { describeOpenRules, describePolicies, describeReach, postureCell } from '../analysis/report/index.ts';
import type { ReportData } from '../analysis/report/index.ts';
import { groupFindings } from '../analysis/doctor/index.ts';
import {
  escapeXml as esc,
  layoutGraph,
  outsideGroup,
  renderGraphSvg,
  type LaidOutGraph,
  type LayoutOptions,
} from './graph-layout/index.ts';
import { renderTraceText } from './trace-text.ts';

const badge = {
  delivered: ['ok', 'delivered'],
  partial: ['warn', 'partial'],
  failed: ['fail', 'broken'],
} as const;

const css = `body{font-family:system-ui,sans-serif;margin:2rem;color:#263238;max-width:1400px}h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #cfd8dc}
table{border-collapse:collapse;font-size:.85rem;width:100%}td,th{border:1px solid #cfd8dc;padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
table.findings{table-layout:fixed}table.findings th:nth-child(1){width:5.5rem}table.findings th:nth-child(2){width:14rem}table.findings th:nth-child(3){width:14rem}th{background:#eceff1}
.ok{color:#2e7d32;font-weight:600}.warn{color:#ef6c00;font-weight:600}.fail{color:#c62828;font-weight:600}.error{color:#c62828}.warning{color:#ef6c00}
.summary{display:flex;gap:1rem;flex-wrap:wrap}.card{border:1px solid #cfd8dc;border-radius:8px;padding:.6rem 1rem;min-width:12rem}.card b{font-size:1.4rem;display:block}
pre{background:#f4f6f8;padding:.6rem;overflow:auto;font-size:.75rem;white-space:pre-wrap;overflow-wrap:anywhere}details summary{cursor:pointer}.graph{overflow:auto;border:1px solid #cfd8dc;border-radius:8px;padding:.5rem}.graph svg{max-width:100%;height:auto;display:block;margin:auto}`;

/** Lays out the report's flow graph (namespaces as islands; one node per namespace past `maxNodes`). */
export function reportGraphLayout(r: ReportData, options: LayoutOptions = {}): Promise<LaidOutGraph> {
  return layoutGraph(
    r.graph.nodes.map((n) => ({ ...n, kind: n.group === outsideGroup ? 'outside' : 'workload' })),
    r.graph.edges.map((e) => ({ from: e.from, to: e.to, label: e.label, verdict: e.outcome })),
    options,
  );
}

/**
 * The main job as one self-contained HTML page (inline CSS and SVG, no script, nothing fetched). `graph` is the
 * report's flow graph laid out by `layoutGraph` (src/render/graph-layout; ELK is asynchronous, so the caller
 * awaits it first — `reportGraphLayout`). Sections with nothing to show are left out, not drawn as empty frames.
 */
export function renderReportHtml(r: ReportData, graph: LaidOutGraph): string {
  return [...renderReportHtmlParts(r, graph)].join('');
}

/**
 * The same page in parts, in order: the findings table's rows come `FINDINGS_BATCH` at a time, so a report with
 * 100,000s of findings (one per pod) is never held as one string; the CLI writes each part as it comes.
 */
export function* renderReportHtmlParts(r: ReportData, graph: LaidOutGraph): Generator<string> {
  yield pageHead(r, graph);
  yield* findingsTable(groupFindings(r.findings));
  yield pageTail(r);
}

/** Table rows, one per line. */
const rows = (cells: readonly string[][]) => cells.map(row).join('\n');
const row = (cs: readonly string[]) => `<tr>${cs.map((x) => `<td>${x}</td>`).join('')}</tr>`;

/** Everything up to the findings section's heading. */
function pageHead(r: ReportData, graph: LaidOutGraph): string {
  const c = r.cluster;
  const steps = r.flows.flatMap((f) => f.steps);
  const okFlows = r.flows.filter((f) => f.outcome === 'delivered').length;
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kubetwin report — ${esc(r.title)}</title><style>${css}</style></head>
<body>
<h1>kubetwin report — ${esc(r.title)}</h1>
<div class="summary">
<div class="card" id="card-flows"><b class="${!r.flows.length ? '' : okFlows === r.flows.length ? 'ok' : 'fail'}">${okFlows}/${r.flows.length}</b>flows delivered (${steps.filter((s) => s.trace.outcome === 'delivered').length}/${steps.length} steps)</div>
<div class="card" id="card-findings"><b class="${errors ? 'fail' : 'ok'}">${errors}</b>error findings, ${r.findings.length - errors} other</div>
<div class="card"><b>${c.pods}</b>pods (${c.readyPods} ready) in ${c.workloads} workloads</div>
<div class="card"><b>${c.networkPolicies}</b>NetworkPolicies${c.ciliumPolicies ? ` + ${c.ciliumPolicies} Cilium` : ''} — CNI ${esc(c.cni)} ${c.enforces === 'unknown' ? '<span class="warn">may not enforce them (CNI unknown)</span>' : c.enforces ? 'enforces them' : '<span class="fail">does NOT enforce them</span>'}</div>
</div>
${
  r.notModeled.length
    ? `<h2 id="not-modeled">Not modeled: answers they touch are unknown (${r.notModeled.length})</h2>
<table><tr><th>object</th><th>changes</th><th>applies to</th><th>where</th><th>what it does</th></tr>
${rows(r.notModeled.map((o) => [esc(`${o.kind} (${o.group}) ${o.namespace ? `${o.namespace}/` : ''}${o.name}`), o.affects.join(', '), o.applies === 'cluster' ? 'every namespace' : esc(o.applies), esc(o.source ?? ''), esc(o.note)]))}
</table>
`
    : ''
}${
    r.flows.length
      ? `<h2 id="flows">What works and what is broken</h2>
<table><tr><th></th><th>flow</th><th>step</th><th>why it fails</th><th>fix</th></tr>
${rows(r.flows.flatMap((f) => f.steps.map((s) => [`<span class="${badge[s.trace.outcome][0]}">${badge[s.trace.outcome][1]}</span>${s.trace.unknown?.length ? ' <span class="warn">unknown</span>' : ''}`, esc(f.flow.origin === 'discovered' ? `${f.flow.name} (inferred)` : f.flow.name), esc(s.step.text), esc(s.trace.failure?.reason ?? ''), esc(s.trace.fix?.summary ?? '')])))}
</table>
<h2 id="graph">Connectivity of the declared flows</h2>
<div class="graph">${renderGraphSvg(graph, { title: 'connectivity of the declared flows' })}</div>${graph.aggregated.length ? `\n<p>${graph.input.nodes} nodes: each namespace is drawn as one node with its count.</p>` : ''}
`
      : '<h2 id="flows">Flows</h2>\n<p>No flows declared or found in the manifests (pass <code>--flows FILE</code>, or see <code>kubetwin flows</code>): nothing traced, no graph drawn.</p>\n'
  }${
    r.posture.length
      ? `<h2 id="posture">Zero-trust posture</h2>
<p>Rated by what the policies let through on some port, not by the presence of a default deny.</p>
<table><tr><th>namespace</th><th>posture</th><th>pods ready</th><th>ingress</th><th>egress</th><th>rules admitting everything</th><th>default deny</th><th>policies</th></tr>
${rows(r.posture.map((p) => [esc(p.namespace), `<span class="${p.posture === 'zero-trust' ? 'ok' : p.posture === 'partial' || p.posture === 'unknown' ? 'warn' : 'fail'}">${esc(postureCell(p))}</span>`, `${p.readyPods}/${p.pods}`, esc(describeReach(p.ingress, 'ingress')), esc(describeReach(p.egress, 'egress')), esc(describeOpenRules(p).join('; ')) || '—', [p.defaultDenyIngress ? 'ingress' : '', p.defaultDenyEgress ? 'egress' : ''].filter(Boolean).join(' + ') || 'none', describePolicies(p)]))}
</table>
`
      : ''
  }
<h2 id="findings">Findings</h2>
`;
}

const FINDINGS_BATCH = 1000;

/** The findings table (or its absence), its rows a batch at a time. */
function* findingsTable(findings: ReportData['findings']): Generator<string> {
  if (!findings.length) {
    yield '<p>No findings.</p>';
    return;
  }
  yield '<table class="findings"><tr><th>severity</th><th>code</th><th>where</th><th>message</th><th>fix</th></tr>\n';
  // Consecutive findings often carry the same patch (one per pod of a namespace): escaped once for the run.
  let patch: string | undefined;
  let patchHtml = '';
  for (let i = 0; i < findings.length; i += FINDINGS_BATCH) {
    const batch = findings.slice(i, i + FINDINGS_BATCH).map((f) => {
      if (f.patch && f.patch !== patch) patchHtml = `<pre>${esc((patch = f.patch))}</pre>`;
      return row([
        `<span class="${f.severity}">${f.severity}</span>`,
        `<code>${esc(f.code)}</code>`,
        esc(f.objects[0]?.source ? formatSource(f.objects[0].source, false) : ''),
        esc(f.message),
        esc(f.fix) + (f.patch ? patchHtml : ''),
      ]);
    });
    yield `${i ? '\n' : ''}${batch.join('\n')}`;
  }
  yield '\n</table>';
}

/** Everything after the findings section. */
function pageTail(r: ReportData): string {
  const c = r.cluster;
  return `
${
  r.flows.length
    ? `<h2 id="traces">Traces</h2>
${r.flows.map((f) => `<details><summary><span class="${badge[f.outcome][0]}">${badge[f.outcome][1]}</span> ${esc(f.flow.origin === 'discovered' ? `${f.flow.name} (inferred)` : f.flow.name)}</summary>${f.steps.map((s) => `<pre>${esc(renderTraceText(s.trace))}</pre>`).join('')}</details>`).join('\n')}
`
    : ''
}${
    r.services.length
      ? `<h2 id="services">Services</h2>
<table><tr><th>service</th><th>type</th><th>cluster IP</th><th>ports</th><th>ready endpoints</th></tr>
${rows(r.services.map((s) => [esc(s.name), s.type, s.clusterIP, esc(s.ports), s.ready]))}
</table>
`
      : ''
  }<p>Generated by kubetwin from the manifests; pods ${esc(c.podCIDR)}, Services ${esc(c.serviceCIDR)}, domain ${esc(c.clusterDomain)}. Input problems: ${r.inputProblems.errors} errors, ${r.inputProblems.warnings} warnings${r.notModeled.length ? `, ${r.notModeled.length} objects that change traffic and are not modeled` : ''}.</p>
</body></html>
`;
}
