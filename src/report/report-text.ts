import type { ReportData } from '../analysis/report/index.ts';
import { renderTable } from './table.ts';

const mark = { delivered: 'OK  ', partial: 'PART', failed: 'FAIL' } as const;

/** One line for one screen: file paths shortened to their base name, long reasons cut. */
function brief(text: string, max = 240): string {
  const short = text.replace(/(?:[^\s(]*\/)([^/\s]+\.(?:ya?ml|json):\d+)(?::\d+)?/g, '$1');
  return short.length > max ? `${short.slice(0, max - 1)}…` : short;
}

/** The main job on one screen: what works, what is broken and why, then the details. */
export function renderReportText(r: ReportData): string {
  const c = r.cluster;
  const steps = r.flows.flatMap((f) => f.steps);
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  const warnings = r.findings.filter((f) => f.severity === 'warning').length;
  const out: string[] = [
    `kubetwin report — ${r.title}`,
    '',
    `Cluster   ${c.namespaces} namespaces, ${c.nodes} nodes, ${c.workloads} workloads, ${c.pods} pods (${c.readyPods} ready), ${c.services} Services, ${c.networkPolicies} NetworkPolicies`,
    `Network   pods ${c.podCIDR}, Services ${c.serviceCIDR}, domain ${c.clusterDomain}, CNI ${c.cni} (${c.enforces ? 'enforces' : 'does NOT enforce'} NetworkPolicy)`,
    `Flows     ${r.flows.filter((f) => f.outcome === 'delivered').length}/${r.flows.length} delivered (${steps.filter((s) => s.trace.outcome === 'delivered').length}/${steps.length} steps)${r.flows.length ? '' : ' — no declared flows (pass --flows FILE)'}`,
    `Findings  ${errors} error(s), ${warnings} warning(s)    Input: ${r.inputProblems.errors} error(s), ${r.inputProblems.warnings} warning(s)`,
    '',
  ];
  if (r.flows.length) {
    out.push('WHAT WORKS AND WHAT IS BROKEN (declared flows, traced hop by hop)');
    for (const f of r.flows) {
      out.push(`  [${mark[f.outcome]}] ${f.flow.name}`);
      for (const s of f.steps) {
        out.push(`         [${mark[s.trace.outcome]}] ${s.step.text}`);
        if (s.trace.failure) out.push(`                why: ${brief(s.trace.failure.reason)}`);
        if (s.trace.fix) out.push(`                fix: ${brief(s.trace.fix.summary)}`);
      }
    }
    out.push('');
  }
  out.push('ZERO-TRUST POSTURE');
  out.push(
    renderTable(
      ['NAMESPACE', 'POSTURE', 'PODS', 'INGRESS-ISOLATED', 'EGRESS-ISOLATED', 'DEFAULT-DENY', 'POLICIES'],
      r.posture.map((p) => [
        p.namespace,
        p.posture,
        `${p.readyPods}/${p.pods}`,
        `${p.ingressIsolated}/${p.pods}`,
        `${p.egressIsolated}/${p.pods}`,
        [p.defaultDenyIngress ? 'ingress' : '', p.defaultDenyEgress ? 'egress' : '']
          .filter(Boolean)
          .join('+') || 'none',
        String(p.policies),
      ]),
    ).trimEnd(),
    '',
  );
  out.push(`FINDINGS (${r.findings.length}; \`kubetwin doctor\` prints each with its fix and patch)`);
  for (const f of r.findings) {
    const s = f.objects[0]?.source;
    out.push(
      `  ${f.severity.padEnd(7)} ${f.code.padEnd(30)} ${s ? `${s.file}:${s.line}  ` : ''}${brief(f.message, 160)}`,
    );
  }
  if (!r.findings.length) out.push('  none');
  out.push('');
  out.push('SERVICES');
  out.push(
    renderTable(
      ['SERVICE', 'TYPE', 'CLUSTER-IP', 'PORTS', 'READY'],
      r.services.map((s) => [s.name, s.type, s.clusterIP, s.ports, s.ready]),
    ).trimEnd(),
  );
  return out.join('\n') + '\n';
}
