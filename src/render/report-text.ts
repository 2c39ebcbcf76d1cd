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
import { renderTable } from './table.ts';
import { wrapText } from './wrap.ts';

const mark = { delivered: 'OK  ', partial: 'PART', failed: 'FAIL' } as const;
/** A flow whose every step not delivered (and some step) is unknown: not a sure failure. */
const unsureFlow = (f: ReportData['flows'][number]) =>
  f.steps.some((x) => x.trace.unknown?.length) &&
  f.steps.every((x) => x.trace.outcome === 'delivered' || x.trace.unknown?.length);

/** File paths shortened to their base name (the text is never cut; lines wrap to the width). */
function brief(text: string): string {
  return text.replace(/(?:[^\s(]*\/)([^/\s]+\.(?:ya?ml|json):\d+)(?::\d+)?/g, '$1');
}

/** The main job on one screen: what works, what is broken and why; `-o md|html` carry the details. */
export function renderReportText(
  r: ReportData,
  /** width: the terminal's (`textWidth`); explanations wrap to it, never cut. Default 100. */
  options: { readonly width?: number } = {},
): string {
  const width = options.width ?? 100;
  const wrapped = (head: string, text: string) => wrapText(`${head}${text}`, width, ' '.repeat(head.length));
  const c = r.cluster;
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const warnings = r.findings.filter((f) => f.severity === 'warning').length;
  const out: string[] = [
    `kubetwin report — ${r.title}`,
    '',
    `Cluster   ${c.namespaces} namespaces, ${c.nodes} nodes, ${c.workloads} workloads, ${c.pods} pods (${c.readyPods} ready), ${c.services} Services, ${describePolicyTotals(c)}`,
    `Network   pods ${c.podCIDR}, Services ${c.serviceCIDR}, domain ${c.clusterDomain}, CNI ${c.cni} (${c.enforces === 'unknown' ? 'NetworkPolicy enforcement unknown' : c.enforces ? 'enforces NetworkPolicy' : 'does NOT enforce NetworkPolicy'})`,
    `Flows     ${describeFlowTotals(r.flows)}`,
    `Findings  ${errors} error(s), ${warnings} warning(s)    Input: ${r.inputProblems.errors} error(s), ${r.inputProblems.warnings} warning(s)${r.notModeled.length ? `, ${r.notModeled.length} object(s) that change traffic and are not modeled` : ''}`,
    '',
  ];
  if (r.notModeled.length) {
    out.push(
      `NOT MODELED — ANSWERS THEY TOUCH ARE UNKNOWN (${r.notModeled.length})`,
      ...r.notModeled.map(
        (o) =>
          `  ${o.kind} (${o.group}) ${o.namespace ? `${o.namespace}/` : ''}${o.name}  changes ${o.affects.join(' and ')} in ${o.applies === 'cluster' ? 'every namespace' : `namespace ${o.applies}`}${o.source ? `  ${brief(o.source)}` : ''}`,
      ),
      '',
    );
  }
  if (r.flows.length) {
    const inferred = r.flows.filter((f) => f.flow.origin === 'discovered').length;
    const label = (f: (typeof r.flows)[number]) =>
      f.flow.origin === 'discovered' ? `${f.flow.name} (inferred)` : f.flow.name;
    out.push(
      `WHAT WORKS AND WHAT IS BROKEN (${r.flows.length - inferred} declared flows${inferred ? `, ${inferred} inferred from the manifests by kubetwin flows` : ''}, traced hop by hop)`,
    );
    const width = Math.max(...r.flows.map((f) => label(f).length));
    for (const f of r.flows) {
      const ok = f.steps.filter((s) => s.trace.outcome === 'delivered').length;
      const broken = f.steps.find((s) => s.trace.outcome !== 'delivered');
      out.push(
        `  [${unsureFlow(f) ? 'UNKN' : mark[f.outcome]}] ${label(f).padEnd(width)}  ${ok}/${f.steps.length} steps${broken ? `  first break: ${broken.step.text}` : ''}`,
      );
      if (broken?.trace.failure) out.push(...wrapped('         why: ', brief(broken.trace.failure.reason)));
      if (broken?.trace.fix) out.push(...wrapped('         fix: ', brief(broken.trace.fix.summary)));
    }
    out.push('');
  }
  out.push('ZERO-TRUST POSTURE (by what is reachable on some port)');
  const reachCell = (d: (typeof r.posture)[number]['ingress']) =>
    d.reach === 'internet'
      ? 'internet'
      : d.reach === 'cluster'
        ? 'every namespace'
        : d.reach === 'peers'
          ? `${d.peers.length} namespace${d.peers.length === 1 ? '' : 's'}`
          : 'nothing';
  if (!r.posture.length)
    out.push('  (no namespace but kube-system, kube-public and kube-node-lease has pods or policies)');
  else
    out.push(
      renderTable(
        ['NAMESPACE', 'POSTURE', 'PODS', 'INGRESS-FROM', 'EGRESS-TO', 'DEFAULT-DENY', 'POLICIES'],
        r.posture.map((p) => [
          p.namespace,
          postureCell(p),
          `${p.readyPods}/${p.pods}`,
          reachCell(p.ingress),
          reachCell(p.egress),
          [p.defaultDenyIngress ? 'ingress' : '', p.defaultDenyEgress ? 'egress' : '']
            .filter(Boolean)
            .join('+') || 'none',
          describePolicies(p),
        ]),
      ).trimEnd(),
    );
  const unsure = unknownPostureNote(r.posture);
  if (unsure) out.push(...wrapped('  ', unsure));
  for (const p of r.posture) {
    for (const [d, dir] of [
      [p.ingress, 'ingress'],
      [p.egress, 'egress'],
    ] as const)
      if (d.reach === 'peers') out.push(...wrapped(`  ${p.namespace} ${dir} `, describeReach(d, dir)));
    for (const line of describeOpenRules(p)) out.push(...wrapped(`  ${p.namespace}: `, line));
  }
  out.push('');
  const byCode = new Map<string, typeof r.findings>();
  for (const f of r.findings) byCode.set(f.code, [...(byCode.get(f.code) ?? []), f]);
  out.push(`FINDINGS BY CODE (${r.findings.length})`);
  for (const [code, fs] of byCode) {
    const s = fs[0].objects[0]?.source;
    const head = `  ${fs[0].severity.padEnd(7)} ${code.padEnd(30)} ${String(fs.length).padStart(3)}  `;
    out.push(
      ...wrapped(head, `e.g. ${s ? `${brief(formatSource(s, false))}  ` : ''}${brief(fs[0].message)}`),
    );
  }
  if (!r.findings.length) out.push('  none');
  out.push(
    '',
    'Details: `kubetwin trace --flows FILE` (every hop), `kubetwin doctor` (every finding with its fix and patch),',
    '`kubetwin report -o md|html` (everything, with the flow graph).',
  );
  return out.join('\n') + '\n';
}
