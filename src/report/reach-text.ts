import type { PairResult, ReachResult } from '../analysis/reach/index.ts';
import type { RuleRef, SideVerdict } from '../analysis/policy/index.ts';
import type { SourceRef } from '../model/diagnostic.ts';

export const at = (s?: SourceRef) => (s ? ` (${s.file}:${s.line}:${s.column})` : '');

/** `NetworkPolicy/ns/name ingress[0] from[1]`, with the tier when it is not NetworkPolicy. */
export function formatRule(r: RuleRef, direction: 'Ingress' | 'Egress'): string {
  const dir = direction === 'Ingress' ? 'ingress' : 'egress';
  const peer = r.peer !== undefined ? ` ${direction === 'Ingress' ? 'from' : 'to'}[${r.peer}]` : '';
  const tier = r.tier === 'networkpolicy' ? '' : `${r.tier} tier, `;
  return `${tier}${r.policy} ${dir}[${r.rule}]${peer}${r.action ? ` action ${r.action}` : ''}${at(r.source)}`;
}

/** One side of a verdict as lines: what decided it, or every rule that missed. */
export function renderSide(side: SideVerdict, where: string): string[] {
  const head = `${side.direction.toLowerCase()} at ${where}: ${side.allowed ? 'allowed' : 'DENIED'}`;
  const lines: string[] = [];
  switch (side.reason) {
    case 'rule':
      lines.push(`${head} by ${formatRule(side.match!, side.direction)}`);
      break;
    case 'admin':
    case 'baseline':
      lines.push(`${head} by ${formatRule(side.match!, side.direction)}`);
      break;
    case 'not-isolated':
      lines.push(`${head} — no NetworkPolicy selects it for ${side.direction}`);
      break;
    case 'no-rule-matched':
      lines.push(`${head} — isolated by ${side.isolatedBy.map((p) => `${p.policy}${at(p.source)}`).join(', ')}, and no rule admits this connection:`);
      for (const m of side.misses) lines.push(`    - ${m.policy}${m.rule >= 0 ? ` ${side.direction.toLowerCase()}[${m.rule}]` : ''}${at(m.source)}: ${m.reason}`);
      break;
    case 'own-node':
      lines.push(`${head} — traffic between a pod and its own node is always allowed`);
      break;
    case 'self':
      lines.push(`${head} — a pod cannot block traffic to itself`);
      break;
    case 'not-a-pod':
      lines.push(`${head} — not a pod, no NetworkPolicy applies`);
      break;
    case 'host-network':
      lines.push(`${head} — hostNetwork pod, treated as its node`);
      break;
    case 'not-enforced':
      lines.push(`${head} — the CNI does not enforce NetworkPolicy`);
      break;
  }
  for (const n of side.notes) lines.push(`    note: ${n}`);
  return lines;
}

/** Pairs that were decided the same way (same sides, rules and misses), so large workloads print once per reason. */
function signature(p: PairResult): string {
  if (!p.verdict) return `problem:${p.problem}`;
  const side = (s: SideVerdict) => [s.allowed, s.reason, s.match?.policy, s.match?.rule, s.match?.peer, s.misses.map((m) => `${m.policy}#${m.rule}`).join(','), s.notes.join('|')].join('/');
  return `${p.verdict.allowed}|${side(p.verdict.egress)}|${side(p.verdict.ingress)}|${p.port}`;
}

/** The `kubetwin reach` answer: outcome, then one explained block per distinct reason. Pure and deterministic. */
export function renderReach(r: ReachResult): string {
  const q = r.query;
  const word = r.outcome === 'allowed' ? 'ALLOWED' : r.outcome === 'denied' ? 'DENIED' : 'PARTLY ALLOWED';
  const lines = [`${q.from} -> ${q.to} port ${q.port}/${q.protocol}: ${word} (${r.allowedPairs} of ${r.pairs.length} pair${r.pairs.length === 1 ? '' : 's'} allowed)`];
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  const groups = new Map<string, PairResult[]>();
  for (const p of r.pairs) (groups.get(signature(p)) ?? groups.set(signature(p), []).get(signature(p))!).push(p);
  for (const ps of groups.values()) {
    const p = ps[0];
    lines.push('', `${p.allowed ? 'allowed' : 'DENIED'}: ${p.from} -> ${p.to} port ${p.port}/${q.protocol}${ps.length > 1 ? ` (and ${ps.length - 1} more pair${ps.length > 2 ? 's' : ''} decided the same way)` : ''}`);
    if (p.problem) lines.push(`  ${p.problem}`);
    if (p.verdict) {
      for (const l of renderSide(p.verdict.egress, p.from)) lines.push(`  ${l}`);
      for (const l of renderSide(p.verdict.ingress, p.to)) lines.push(`  ${l}`);
    }
  }
  return lines.join('\n') + '\n';
}

/** JSON for `-o json`: the summary and every pair with both sides. */
export function reachJson(r: ReachResult): unknown {
  return {
    from: r.query.from,
    to: r.query.to,
    port: r.query.port,
    protocol: r.query.protocol,
    outcome: r.outcome,
    allowed: r.outcome === 'allowed',
    allowedPairs: r.allowedPairs,
    pairs: r.pairs.map((p) => ({ from: p.from, to: p.to, port: p.port, allowed: p.allowed, ...(p.problem ? { problem: p.problem } : {}), ...(p.verdict ? { egress: p.verdict.egress, ingress: p.verdict.ingress } : {}) })),
    notes: r.notes,
    warnings: r.warnings,
  };
}
