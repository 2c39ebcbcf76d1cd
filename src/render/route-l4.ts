import { unknownLines, type L4Result } from '../analysis/route/index.ts';
import { weightShare } from './_weight-share.ts';

/** `kubetwin route tls://… | tcp://… | udp://…` in words: verdict, listener, route, backends, notes, lost. */
export function renderConnection(r: L4Result): string {
  const d = r.decision;
  const q = r.request;
  const lines = [
    `${q.protocol.toUpperCase()} connection${q.sni ? ` (SNI ${q.sni})` : ''} on port ${q.port} via ${r.via}`,
  ];
  if (d.refused) lines.push(`=> refused: ${d.refused}`);
  const usable = d.backends.filter((b) => !b.problem && b.weight > 0);
  if (!d.refused && d.unknown?.length)
    lines.push(
      `=> unknown: where ${usable.length ? 'part of the connections land' : 'the connection lands'} depends on the implementation`,
    );
  else if (!d.refused)
    lines.push(
      `=> ${usable.length === 1 ? `Service ${usable[0].namespace}/${usable[0].name}:${usable[0].port}` : `${usable.length} weighted backends`}${d.tlsMode ? ` (TLS ${d.tlsMode})` : ''}`,
    );
  d.backends.forEach((b, i) => {
    const share = weightShare(d.backends, i);
    const eps = r.endpoints[i] ?? [];
    const invalid =
      b.problem && !b.kind && share && !d.refused ? ' (this share of connections is rejected)' : '';
    lines.push(
      `   ${b.kind ?? 'Service'} ${b.namespace}/${b.name}${b.port !== undefined ? `:${b.port}` : ''}${d.backends.length > 1 ? ` weight ${b.weight}${share}` : ''}${b.problem ? ` — ${b.problem}${invalid}` : ` — endpoints: ${eps.length ? eps.join(', ') : 'none ready (connections fail)'}`}`,
    );
  });
  if (d.winner) lines.push(`matched: ${d.winner.object} ${d.winner.at} (${d.winner.match})`);
  const notes = [...d.notes, ...unknownLines(d.unknown)];
  if (notes.length) lines.push('notes:', ...notes.map((n) => `  - ${n}`));
  if (d.lost.length) lines.push('lost:', ...d.lost.map((l) => `  - ${l.object} (${l.match}): ${l.reason}`));
  return lines.join('\n') + '\n';
}

/** The machine form of a Layer-4 answer. */
export function connectionJson(r: L4Result): Record<string, unknown> {
  const usable = r.decision.backends.filter((b) => !b.problem && b.weight > 0);
  return {
    via: r.via,
    request: r.request,
    actual: {
      backend: !r.decision.refused && usable[0] ? `${usable[0].namespace}/${usable[0].name}` : undefined,
      port: !r.decision.refused ? usable[0]?.port : undefined,
      refused: r.decision.refused,
      ...(r.decision.unknown?.length ? { unknown: true } : {}),
    },
    decision: r.decision,
    endpoints: r.endpoints,
  };
}
