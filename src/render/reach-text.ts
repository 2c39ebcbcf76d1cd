import type { PairResult, ReachResult } from '../analysis/reach/index.ts';
import { describeSide, type SideVerdict } from '../analysis/policy/index.ts';
import { describeObject, unknownSentence } from '../analysis/unmodeled/index.ts';
import type { MeshInbound } from '../analysis/mesh/index.ts';

/** Pairs that were decided the same way (same sides, rules and misses), so large workloads print once per reason. */
function signature(p: PairResult): string {
  if (!p.verdict) return `problem:${p.allowed}:${p.problem}:${p.path?.join('|') ?? ''}`;
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
  return `${p.verdict.allowed}|${side(p.verdict.egress)}|${side(p.verdict.ingress)}|${p.waypoint?.join('|') ?? ''}|${p.port}|${p.unknownBecause?.join(',') ?? ''}|${p.mesh ? meshLines(p.mesh).join('|') : ''}`;
}

/** The server mesh proxy's verdict: the transport against the mTLS mode, then authorization. */
export function meshLines(m: MeshInbound): string[] {
  const t = m.mtls;
  const at = (s?: { file: string; line: number }) => (s ? ` (${s.file}:${s.line})` : '');
  const transport =
    t.transport === 'mtls'
      ? `mTLS ${t.clientIdentity} -> ${t.serverIdentity}`
      : t.transport === 'plaintext'
        ? 'plaintext'
        : 'mTLS or plaintext (not known)';
  const lines = [
    // Refused before the server's proxy judges it (the client's own sidecar, e.g. an Istio Sidecar's black hole).
    m.clientFix && !m.allowed && !t.refused
      ? `mesh: ${m.summary}`
      : m.mesh === 'linkerd'
        ? `mesh: ${transport} (${t.why})`
        : `mesh: ${transport} (${t.why}); server port mode ${t.mode} by ${t.modeBy}${at(t.modeSource)}${t.refused ? ': REFUSED' : ''}`,
  ];
  if (m.authz)
    lines.push(
      `mesh authorization${m.proxy === 'ztunnel' ? ' (ztunnel, L4)' : m.proxy === 'waypoint' ? ' (waypoint, then ztunnel)' : ''}: ${m.authz.allowed ? (m.l7 ? 'allowed for some requests' : 'allowed') : 'DENIED'} — ${m.authz.reason}${at(m.authz.source)}`,
    );
  for (const n of m.notes) lines.push(`mesh note: ${n}`);
  return lines;
}

/** The `kubetwin reach` answer: outcome, then one explained block per distinct reason. Pure and deterministic. */
export function renderReach(r: ReachResult): string {
  const q = r.query;
  const word = r.outcome === 'allowed' ? 'ALLOWED' : r.outcome === 'denied' ? 'DENIED' : 'PARTLY ALLOWED';
  const req = q.http ? ` ${q.http.method} ${q.http.path}` : '';
  const count = `${r.allowedPairs} of ${r.pairs.length} pair${r.pairs.length === 1 ? '' : 's'} allowed`;
  const lines = [
    r.verdict === 'unknown'
      ? `${q.from} -> ${q.to} port ${q.port}/${q.protocol}${req}: UNKNOWN (the objects kubetwin models say ${word}, ${count})`
      : `${q.from} -> ${q.to} port ${q.port}/${q.protocol}${req}: ${word} (${count})`,
  ];
  if (r.unknown.length) lines.push(`unknown: ${unknownSentence(r.unknown)}`);
  for (const u of r.unknownReasons) lines.push(`unknown: ${u}`);
  for (const w of r.warnings) if (!r.unknownReasons.includes(w)) lines.push(`warning: ${w}`);
  for (const n of r.notes) lines.push(`note: ${n}`);
  const groups = new Map<string, PairResult[]>();
  for (const p of r.pairs)
    (groups.get(signature(p)) ?? groups.set(signature(p), []).get(signature(p))!).push(p);
  for (const ps of groups.values()) {
    const p = ps[0];
    lines.push(
      '',
      `${p.unknownBecause || p.undecided ? `UNKNOWN (modeled: ${p.allowed ? 'allowed' : 'denied'})` : p.allowed ? 'allowed' : 'DENIED'}: ${p.from} -> ${p.to} port ${p.port}/${q.protocol}${ps.length > 1 ? ` (and ${ps.length - 1} more pair${ps.length > 2 ? 's' : ''} decided the same way)` : ''}`,
    );
    if (p.problem) lines.push(`  ${p.problem}`);
    for (const l of p.path ?? []) lines.push(`  ${l}`);
    if (p.unknownBecause && p.unknownBecause.length !== r.unknown.length) {
      const named = r.unknown.filter((o) => p.unknownBecause!.includes(o.key));
      lines.push(`  unknown: may be changed by ${named.map(describeObject).join(', ')}`);
    }
    if (p.verdict) {
      for (const l of describeSide(p.verdict.egress, p.from)) lines.push(`  ${l}`);
      for (const l of p.waypoint ?? []) lines.push(`  ${l}`);
      for (const l of describeSide(p.verdict.ingress, p.to)) lines.push(`  ${l}`);
    }
    if (p.mesh) for (const l of meshLines(p.mesh)) lines.push(`  ${l}`);
  }
  return lines.join('\n') + '\n';
}

/** The unmodeled objects behind an unknown verdict: the sentence, then each object and where it is written. */
export function unknownJson(r: ReachResult): unknown {
  return {
    message: [...(r.unknown.length ? [unknownSentence(r.unknown)] : []), ...r.unknownReasons].join('; '),
    objects: r.unknown.map((o) => ({
      key: o.key,
      kind: o.kind,
      group: o.group,
      ...(o.namespace ? { namespace: o.namespace } : {}),
      name: o.name,
      affects: o.affects,
      ...(o.source ? { source: `${o.source.file}:${o.source.line}:${o.source.column}` } : {}),
    })),
  };
}

/**
 * JSON for `-o json`: the summary and every pair with both sides. `outcome` is what the modeled objects decide;
 * `verdict` is the answer (`unknown` when unmodeled objects may change it), and `allowed` is true only when the
 * verdict is `allowed`.
 */
export function reachJson(r: ReachResult): unknown {
  return {
    from: r.query.from,
    to: r.query.to,
    port: r.query.port,
    protocol: r.query.protocol,
    ...(r.query.http ? { http: r.query.http } : {}),
    outcome: r.outcome,
    allowed: r.verdict === 'allowed',
    verdict: r.verdict,
    allowedPairs: r.allowedPairs,
    ...(r.unknown.length ? { unknown: unknownJson(r) } : {}),
    pairs: r.pairs.map((p) => ({
      from: p.from,
      to: p.to,
      port: p.port,
      allowed: p.allowed,
      ...(p.unknownBecause ? { verdict: 'unknown', unknownBecause: p.unknownBecause } : {}),
      ...(p.undecided ? { verdict: 'unknown', undecided: p.undecided } : {}),
      ...(p.problem ? { problem: p.problem } : {}),
      ...(p.verdict ? { egress: p.verdict.egress, ingress: p.verdict.ingress } : {}),
      ...(p.verdict?.httpStatus ? { httpStatus: p.verdict.httpStatus } : {}),
      ...(p.mesh ? { mesh: p.mesh } : {}),
      ...(p.path ? { path: p.path } : {}),
      ...(p.waypoint ? { waypoint: p.waypoint } : {}),
    })),
    notes: r.notes,
    warnings: r.warnings,
  };
}
