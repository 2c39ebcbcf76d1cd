import { formatSource } from '../model/diagnostic.ts';
import type { FlowTrace, Trace } from '../analysis/trace/index.ts';

const mark = { ok: '[ok]  ', fail: '[FAIL]', warn: '[warn]', info: '[info]' } as const;

/** One trace as numbered hops with their details, the outcome, and the fix. */
export function renderTraceText(t: Trace, indent = ''): string {
  const lines = [`${indent}trace ${t.from} → ${t.to}`];
  t.hops.forEach((h, i) => {
    lines.push(`${indent}  ${String(i + 1).padStart(2)}. ${mark[h.verdict]} ${h.kind}: ${h.title}`);
    for (const d of h.details) lines.push(`${indent}          ${d}`);
    for (const o of h.objects)
      if (o.source && !o.source.file.startsWith('<'))
        lines.push(`${indent}          ↳ ${o.key} at ${formatSource(o.source, false)}`);
  });
  lines.push(
    `${indent}  result: ${traceResult(t)}${t.failure ? ` — hop ${t.failure.hop + 1}: ${t.failure.reason}` : ''}`,
  );
  if (t.unknown?.length)
    lines.push(`${indent}  unknown: what kubetwin does not model may change this — ${t.unknown.join('; ')}`);
  if (t.fix) {
    lines.push(`${indent}  fix: ${t.fix.summary}`);
    if (t.fix.patch) lines.push(...t.fix.patch.split('\n').map((l) => `${indent}      ${l}`));
  }
  return lines.join('\n') + '\n';
}

/** The outcome in words: UNKNOWN, with what the modeled objects say, when unmodeled objects may change it. */
export function traceResult(t: Pick<Trace, 'outcome' | 'unknown'>): string {
  return t.unknown?.length
    ? `UNKNOWN (the objects kubetwin models say ${t.outcome.toUpperCase()})`
    : t.outcome.toUpperCase();
}

/** Every flow with each step's trace; a one-line summary per flow first. */
export function renderFlowTracesText(flows: readonly FlowTrace[]): string {
  const out: string[] = [];
  for (const f of flows) {
    out.push(
      `flow "${f.flow.name}": ${traceResult({ outcome: f.outcome, unknown: f.steps.flatMap((s) => s.trace.unknown ?? []) })} (${f.steps.filter((s) => s.trace.outcome === 'delivered').length}/${f.steps.length} steps delivered)`,
    );
    for (const s of f.steps) out.push(renderTraceText(s.trace, '  ').trimEnd());
    out.push('');
  }
  return out.join('\n');
}
