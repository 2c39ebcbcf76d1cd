/** The Ask panel's answers: reach's verdict, the trace hop by hop with file:line links, resolve and route. */
import { $, getJson, h, qs } from './_dom.ts';
import type { Hop, SourceAt } from './_types.ts';

const hopClass = { ok: 'ok', fail: 'fail', warn: 'warn', info: 'note' } as const;

/** A file:line link; activating it shows that YAML document with the line marked. */
export function sourceLink(s: SourceAt, target = 'source'): HTMLElement {
  const a = h('button', { class: 'src', type: 'button', title: 'show the YAML' }, s.at);
  a.onclick = () => void showSource(s, target);
  return a;
}

async function showSource(s: SourceAt, target: string): Promise<void> {
  const out = $(target);
  try {
    const snip = await getJson<{
      file: string;
      start: number;
      line: number;
      lines: string[];
      redacted?: string;
    }>(`/api/source?${qs({ file: s.file, line: String(s.line) })}`);
    const pre = h('pre', { 'aria-label': `${s.at}` });
    if (snip.redacted) pre.append(snip.redacted);
    snip.lines.forEach((l, i) => {
      const n = snip.start + i;
      const text = `${String(n).padStart(4)}  ${l}\n`;
      pre.append(n === snip.line ? h('span', { class: 'hl' }, text) : text);
    });
    out.replaceChildren(h('h3', {}, s.at), pre);
    out.scrollIntoView({ block: 'nearest' });
  } catch (e) {
    out.replaceChildren(h('p', { class: 'fail' }, `cannot show ${s.at}: ${(e as Error).message}`));
  }
}

function hopItem(hop: Hop): HTMLElement {
  const li = h(
    'li',
    { class: `hop hop-${hop.verdict}` },
    h('span', { class: hopClass[hop.verdict] }, `${hop.verdict} `),
    `${hop.kind}: ${hop.title}`,
  );
  for (const d of hop.details) li.append(h('div', { class: 'details' }, d));
  for (const o of hop.objects)
    li.append(h('div', { class: 'details' }, `${o.key} `, o.source ? sourceLink(o.source) : ''));
  return li;
}

/** Runs reach (when the target is a workload and a port is given) and trace, and shows both. */
export async function askPair(from: string, to: string, port: string): Promise<void> {
  const out = $('answer');
  out.replaceChildren(h('p', { class: 'note' }, 'asking…'));
  const parts: HTMLElement[] = [];
  const isRef = /^[a-z0-9.-]+\/[a-z0-9.-]+$/i.test(to) || to.startsWith('service:');
  if (isRef && port && from !== 'internet') {
    try {
      const r = await getJson<{
        verdict: string;
        allowedPairs: number;
        pairs: unknown[];
        notes: string[];
        warnings: string[];
      }>(`/api/reach?${qs({ from, to, port })}`);
      parts.push(
        h(
          'p',
          { id: 'reach-verdict' },
          'reach: ',
          h('span', { class: r.verdict }, r.verdict.toUpperCase()),
          ` (${r.allowedPairs}/${r.pairs.length} pod pairs allowed)`,
        ),
        ...[...r.warnings, ...r.notes].map((n) => h('p', { class: 'note' }, n)),
      );
    } catch (e) {
      parts.push(h('p', { class: 'fail' }, `reach: ${(e as Error).message}`));
    }
  }
  try {
    const t = await getJson<{
      from: string;
      to: string;
      outcome: string;
      hops: Hop[];
      failure?: { reason: string };
      fix?: { summary: string; patch?: string };
    }>(`/api/trace?${qs({ from, to, port })}`);
    parts.push(
      h(
        'p',
        { id: 'trace-outcome' },
        'trace: ',
        h('span', { class: t.outcome }, t.outcome),
        ` ${t.from} → ${t.to}`,
      ),
      h('ol', { class: 'hops', id: 'trace-hops' }, ...t.hops.map(hopItem)),
    );
    if (t.failure) parts.push(h('p', {}, h('b', {}, 'why: '), t.failure.reason));
    if (t.fix)
      parts.push(
        h('p', {}, h('b', {}, 'fix: '), t.fix.summary),
        ...(t.fix.patch ? [h('pre', {}, t.fix.patch)] : []),
      );
  } catch (e) {
    parts.push(h('p', { class: 'fail' }, `trace: ${(e as Error).message}`));
  }
  out.replaceChildren(...parts.filter((p): p is HTMLElement => !!p));
}

export async function askResolve(name: string, type: string, from: string): Promise<void> {
  const out = $('answer');
  try {
    const r = await getJson<Record<string, unknown>>(`/api/resolve?${qs({ name, type, from })}`);
    out.replaceChildren(h('h3', {}, `resolve ${name} ${type}`), h('pre', {}, JSON.stringify(r, null, 2)));
  } catch (e) {
    out.replaceChildren(h('p', { class: 'fail' }, `resolve: ${(e as Error).message}`));
  }
}

export async function askRoute(url: string, via: string): Promise<void> {
  const out = $('answer');
  try {
    const r = await getJson<Record<string, unknown>>(`/api/route?${qs({ url, via })}`);
    out.replaceChildren(h('h3', {}, `route ${url}`), h('pre', {}, JSON.stringify(r, null, 2)));
  } catch (e) {
    out.replaceChildren(h('p', { class: 'fail' }, `route: ${(e as Error).message}`));
  }
}
