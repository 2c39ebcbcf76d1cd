import type { PairResult, ReachResult } from '../analysis/reach/index.ts';
import { describeSide, type SideVerdict } from '../analysis/policy/index.ts';

/** Pairs that were decided the same way (same sides, rules and misses), so large workloads print once per reason. */
function signature(p: PairResult): string {
  if (!p.verdict) return `problem:${p.problem}`;
  const side = (s: SideVerdict) =>
    [
      s.allowed,
      s.reason,
      s.match?.policy,
      s.match?.rule,
      s.match?.peer,
      s.match?.path,
      s.l7?.allowed,
      s.misses.map((m) => `${m.policy}#${m.rule}`).join(','),
      s.notes.join('|'),
    ].join('/');
  return `${p.verdict.allowed}|${side(p.verdict.egress)}|${side(p.verdict.ingress)}|${p.port}`;
}

/** The `kubetwin reach` answer: outcome, then one explained block per distinct reason. Pure and deterministic. */
export function renderReach(r: ReachResult): string {
  const q = r.query;
  const word = r.outcome === 'allowed' ? 'ALLOWED' : r.outcome === 'denied' ? 'DENIED' : 'PARTLY ALLOWED';
  const req = q.http ? ` ${q.http.method} ${q.http.path}` : '';
  const lines = [
    `${q.from} -> ${q.to} port ${q.port}/${q.protocol}${req}: ${word} (${r.allowedPairs} of ${r.pairs.length} pair${r.pairs.length === 1 ? '' : 's'} allowed)`,
  ];
  for (const w of r.warnings) lines.push(`warning: ${w}`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  const groups = new Map<string, PairResult[]>();
  for (const p of r.pairs)
    (groups.get(signature(p)) ?? groups.set(signature(p), []).get(signature(p))!).push(p);
  for (const ps of groups.values()) {
    const p = ps[0];
    lines.push(
      '',
      `${p.allowed ? 'allowed' : 'DENIED'}: ${p.from} -> ${p.to} port ${p.port}/${q.protocol}${ps.length > 1 ? ` (and ${ps.length - 1} more pair${ps.length > 2 ? 's' : ''} decided the same way)` : ''}`,
    );
    if (p.problem) lines.push(`  ${p.problem}`);
    if (p.verdict) {
      for (const l of describeSide(p.verdict.egress, p.from)) lines.push(`  ${l}`);
      for (const l of describeSide(p.verdict.ingress, p.to)) lines.push(`  ${l}`);
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
    ...(r.query.http ? { http: r.query.http } : {}),
    outcome: r.outcome,
    allowed: r.outcome === 'allowed',
    allowedPairs: r.allowedPairs,
    pairs: r.pairs.map((p) => ({
      from: p.from,
      to: p.to,
      port: p.port,
      allowed: p.allowed,
      ...(p.problem ? { problem: p.problem } : {}),
      ...(p.verdict ? { egress: p.verdict.egress, ingress: p.verdict.ingress } : {}),
      ...(p.verdict?.httpStatus ? { httpStatus: p.verdict.httpStatus } : {}),
    })),
    notes: r.notes,
    warnings: r.warnings,
  };
}
