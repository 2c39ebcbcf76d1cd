import { formatSource } from '../model/diagnostic.ts';
import type { FlowTrace, Trace } from '../analysis/trace/index.ts';

const icon = { ok: '✅', fail: '❌', warn: '⚠️', info: 'ℹ️' } as const;
const esc = (s: string) => s.replace(/\|/g, '\\|');

/** A trace as a Markdown table of hops, the outcome and the fix. */
export function renderTraceMd(t: Trace): string {
  const lines = [
    `#### \`${t.from}\` → \`${t.to}\`: **${t.unknown?.length ? `unknown (modeled: ${t.outcome})` : t.outcome}**`,
    '',
    '| # | | hop | what | decided by |',
    '| --- | --- | --- | --- | --- |',
  ];
  t.hops.forEach((h, i) => {
    const by = h.objects
      .map((o) =>
        o.source && !o.source.file.startsWith('<')
          ? `\`${o.key}\` (${formatSource(o.source, false)})`
          : `\`${o.key}\``,
      )
      .join('<br>');
    lines.push(
      `| ${i + 1} | ${icon[h.verdict]} | ${h.kind} | ${esc(h.title)}${h.details.length ? `<br><sub>${h.details.map(esc).join('<br>')}</sub>` : ''} | ${esc(by)} |`,
    );
  });
  if (t.failure) lines.push('', `**Fails at hop ${t.failure.hop + 1}:** ${t.failure.reason}`);
  if (t.unknown?.length)
    lines.push('', `**Unknown:** what kubetwin does not model may change this — ${t.unknown.join('; ')}`);
  if (t.fix)
    lines.push('', `**Fix:** ${t.fix.summary}`, ...(t.fix.patch ? ['', '```yaml', t.fix.patch, '```'] : []));
  return lines.join('\n') + '\n';
}

export function renderFlowTracesMd(flows: readonly FlowTrace[]): string {
  return flows
    .map((f) =>
      [`### Flow: ${f.flow.name} — ${f.outcome}`, '', ...f.steps.map((s) => renderTraceMd(s.trace))].join(
        '\n',
      ),
    )
    .join('\n');
}
