import { formatSource } from '../model/diagnostic.ts';
import {
  postureCell,
  unknownPostureNote,
  describeFlowTotals,
  describeOpenRules,
  describePolicies,
  describePolicyTotals,
  describeReach,
} from '../analysis/report/index.ts';
import type { ReportData } from '../analysis/report/index.ts';
import { groupFindings } from '../analysis/doctor/index.ts';
import { renderFlowTracesMd } from './trace-md.ts';

const icon = { delivered: '✅', partial: '⚠️', failed: '❌' } as const;
const esc = (s: string) => s.replace(/\|/g, '\\|');
const mid = (id: string) => `n_${id.replace(/[^A-Za-z0-9]/g, '_')}`;

/** The connectivity graph of the declared flows as Mermaid, namespaces as subgraphs, edges coloured by outcome. */
export function renderFlowGraphMermaid(r: ReportData): string {
  const lines = ['flowchart LR'];
  const groups = [...new Set(r.graph.nodes.map((n) => n.group))].sort();
  for (const g of groups) {
    lines.push(`  subgraph ${mid(`g_${g}`)}["${g}"]`);
    for (const n of r.graph.nodes.filter((x) => x.group === g)) lines.push(`    ${mid(n.id)}["${n.label}"]`);
    lines.push('  end');
  }
  const colour = { delivered: '#2e7d32', partial: '#ef6c00', failed: '#c62828' };
  r.graph.edges.forEach((e) =>
    lines.push(`  ${mid(e.from)} -->|${e.label}${e.outcome === 'failed' ? ' ✗' : ''}| ${mid(e.to)}`),
  );
  r.graph.edges.forEach((e, i) =>
    lines.push(
      `  linkStyle ${i} stroke:${colour[e.outcome]},stroke-width:2px${e.outcome === 'failed' ? ',stroke-dasharray:5 5' : ''}`,
    ),
  );
  return lines.join('\n');
}

/** What works and what is broken, and the graph of the flows: only when some flow was traced. */
function flowSections(r: ReportData): string[] {
  return [
    '## What works and what is broken',
    '',
    '| | flow | step | why it fails | fix |',
    '| --- | --- | --- | --- | --- |',
    ...r.flows.flatMap((f) =>
      f.steps.map(
        (s) =>
          `| ${icon[s.trace.outcome]}${s.trace.unknown?.length ? ' ❔ unknown' : ''} | ${esc(f.flow.origin === 'discovered' ? `${f.flow.name} (inferred)` : f.flow.name)} | ${esc(s.step.text)} | ${esc(s.trace.failure?.reason ?? '')} | ${esc(s.trace.fix?.summary ?? '')} |`,
      ),
    ),
    '',
    '## Connectivity of the declared flows',
    '',
    '```mermaid',
    renderFlowGraphMermaid(r),
    '```',
    '',
  ];
}

export function renderReportMd(r: ReportData): string {
  const c = r.cluster;
  const out = [
    `# kubetwin report — ${r.title}`,
    '',
    `- **Cluster:** ${c.namespaces} namespaces, ${c.nodes} nodes, ${c.workloads} workloads, ${c.pods} pods (${c.readyPods} ready), ${c.services} Services, ${describePolicyTotals(c)}; CNI ${c.cni} (${c.enforces === 'unknown' ? 'NetworkPolicy enforcement unknown' : c.enforces ? 'enforces NetworkPolicy' : 'does **not** enforce NetworkPolicy'})`,
    `- **Flows:** ${describeFlowTotals(r.flows)}`,
    `- **Findings:** ${r.findings.filter((f) => f.severity === 'error').length} errors, ${r.findings.filter((f) => f.severity === 'warning').length} warnings`,
    ...(r.notModeled.length
      ? [
          `- **Not modeled:** ${r.notModeled.length} object(s) that change traffic; answers they touch are unknown`,
          '',
          '## Not modeled: answers they touch are unknown',
          '',
          '| object | changes | applies to | where | what it does |',
          '| --- | --- | --- | --- | --- |',
          ...r.notModeled.map(
            (o) =>
              `| ${esc(`${o.kind} (${o.group}) ${o.namespace ? `${o.namespace}/` : ''}${o.name}`)} | ${o.affects.join(', ')} | ${o.applies === 'cluster' ? 'every namespace' : esc(o.applies)} | ${esc(o.source ?? '')} | ${esc(o.note)} |`,
          ),
        ]
      : []),
    '',
    ...(r.flows.length ? flowSections(r) : ['## Flows', '', `No flows: ${describeFlowTotals(r.flows)}.`, '']),
    '## Zero-trust posture',
    '',
    'Rated by what the policies let through on some port, not by the presence of a default deny.',
    '',
    '| namespace | posture | pods | ingress | egress | default deny | policies | rules admitting everything |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...r.posture.map(
      (p) =>
        `| ${p.namespace} | ${postureCell(p)} | ${p.readyPods}/${p.pods} | ${describeReach(p.ingress, 'ingress')} | ${describeReach(p.egress, 'egress')} | ${[p.defaultDenyIngress ? 'ingress' : '', p.defaultDenyEgress ? 'egress' : ''].filter(Boolean).join(' + ') || 'none'} | ${describePolicies(p)} | ${describeOpenRules(p).join('; ') || '—'} |`,
    ),
    '',
    ...(unknownPostureNote(r.posture) ? [unknownPostureNote(r.posture)!, ''] : []),
    '## Findings',
    '',
    '| severity | code | where | message | fix |',
    '| --- | --- | --- | --- | --- |',
    ...groupFindings(r.findings).map(
      (f) =>
        `| ${f.severity} | \`${f.code}\` | ${f.objects[0]?.source ? formatSource(f.objects[0].source, false) : ''} | ${esc(f.message)} | ${esc(f.fix)} |`,
    ),
    '',
    ...(r.flows.length ? ['## Traces', '', renderFlowTracesMd(r.flows)] : []),
    '## Services',
    '',
    '| service | type | cluster IP | ports | ready endpoints |',
    '| --- | --- | --- | --- | --- |',
    ...r.services.map((s) => `| ${s.name} | ${s.type} | ${s.clusterIP} | ${s.ports} | ${s.ready} |`),
  ];
  return out.join('\n') + '\n';
}
