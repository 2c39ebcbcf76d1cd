import { routeSplit, unknownLines, type RouteResult } from '../analysis/route/index.ts';
import { weightShare } from './_weight-share.ts';
import type { DecisionBackend, HeaderModifier } from '../model/routing.ts';

const backendName = (b: DecisionBackend) =>
  `${b.namespace}/${b.name}${b.port !== undefined ? `:${b.port}` : ''}`;

/** `Service ns/name:port`, or the backendRef's own `group/Kind` when it names another kind. */
const backendLabel = (b: DecisionBackend) => `${b.kind ?? 'Service'} ${backendName(b)}`;

function headers(label: string, m: HeaderModifier | undefined): string[] {
  if (!m) return [];
  const parts = [
    ...m.set.map((h) => `set ${h.name}: ${h.value}`),
    ...m.add.map((h) => `add ${h.name}: ${h.value}`),
    ...m.remove.map((h) => `remove ${h}`),
  ];
  return parts.length ? [`${label}: ${parts.join('; ')}`] : [];
}

/** A backendRef's own filters, indented under its line: they apply to requests sent to that backend only. */
/** A RequestMirror's backend, the share of requests copied, and that the answer does not wait for it. */
function mirrorLine(m: DecisionBackend): string {
  const pct = m.percent ?? 100;
  return `${backendLabel(m)}, ${pct <= 0 ? '0% of requests: no copy is sent' : `${pct}% of requests`}${m.problem ? ` — ${m.problem}` : ''} (fire-and-forget: the response comes from the backends)`;
}

function backendFilterLines(b: DecisionBackend): string[] {
  const f = b.filtered;
  if (!f) return [];
  return [
    ...(f.rewrittenPath !== undefined ? [`path rewritten to: ${f.rewrittenPath}`] : []),
    ...(f.rewrittenHost !== undefined ? [`host rewritten to: ${f.rewrittenHost}`] : []),
    ...headers('request headers', f.requestHeaders),
    ...headers('response headers', f.responseHeaders),
    ...f.mirrors.map((m) => `mirrored to: ${mirrorLine(m)}`),
  ].map((l) => `     (this backend only) ${l}`);
}

/** The `kubetwin route` answer in words: verdict first, then why, then what lost. Pure and deterministic. */
export function renderRoute(r: RouteResult): string {
  const d = r.decision;
  const q = r.request.query.length ? `?${r.request.query.map(([k, v]) => `${k}=${v}`).join('&')}` : '';
  const lines = [
    `${r.request.method} ${r.request.scheme}://${r.request.host}${r.request.path}${q} on port ${r.request.port}${r.request.sni !== undefined ? ` (SNI ${r.request.sni})` : ''} via ${r.via}${r.profile ? ` (controller profile: ${r.profile})` : ''}`,
  ];
  // A listener that is not programmed serves nothing: that is the answer; the routing is what it would do once fixed.
  if (d.notServed) lines.push(`=> not served: ${d.notServed.message}`, 'once the listener is fixed:');
  if (d.redirect) lines.push(`=> ${d.redirect.status} redirect to ${d.redirect.location}`);
  else if (d.preflight) lines.push(`=> ${d.status} CORS preflight answered by the gateway`);
  else if (d.status === 0)
    lines.push(
      r.certificate?.status === 'passthrough'
        ? '=> no HTTP response from the gateway (TLS passthrough: the stream goes to a TLSRoute backend)'
        : '=> no HTTP response (the TLS handshake fails)',
    );
  else if (d.status === 200) {
    const usable = d.backends.filter((b) => !b.problem && b.weight > 0);
    lines.push(`=> ${usable.length === 1 ? backendLabel(usable[0]) : `${usable.length} weighted backends`}`);
    d.backends.forEach((b, i) => {
      const share = weightShare(d.backends, i);
      const eps = r.endpoints[i] ?? [];
      const invalid =
        b.problem && share
          ? b.kind
            ? ' (this share gets 500 unless the controller supports the kind)'
            : ' (this share gets 500)'
          : '';
      lines.push(
        `   ${backendLabel(b)}${d.backends.length > 1 ? ` weight ${b.weight}${share}` : ''}${b.problem ? ` — ${b.problem}${invalid}` : ` — endpoints: ${eps.length ? eps.join(', ') : 'none ready (requests fail with 503)'}`}`,
      );
      if (b.tls && !b.problem)
        lines.push(
          `     over TLS: SNI ${b.tls.hostname}, validated with ${b.tls.trust.join(', ')} (${b.tls.policy.replace(/^BackendTLSPolicy\//, 'BackendTLSPolicy ')})`,
        );
      lines.push(...backendFilterLines(b));
    });
  } else {
    // What kubetwin cannot decide (a backendRef kind a controller may support) may change the status: never a sure one.
    lines.push(
      d.unknown?.length ? `=> UNKNOWN (the objects kubetwin models say ${d.status})` : `=> ${d.status}`,
    );
    d.backends.forEach((b, i) => {
      if (b.problem)
        lines.push(
          `   ${backendLabel(b)} — ${b.problem}${b.kind ? ` (${d.status} unless the controller supports the kind)` : ''}`,
        );
      else if (!(r.endpoints[i] ?? []).length) lines.push(`   ${backendLabel(b)} — no ready endpoint`);
    });
  }
  if (d.winner) lines.push(`matched: ${d.winner.object} ${d.winner.at} (${d.winner.match})`);
  if (d.rewrittenPath !== undefined) lines.push(`path rewritten to: ${d.rewrittenPath}`);
  if (d.rewrittenHost !== undefined) lines.push(`host rewritten to: ${d.rewrittenHost}`);
  lines.push(
    ...headers('request headers', d.requestHeaders),
    ...headers('response headers', d.responseHeaders),
  );
  if (d.timeouts)
    lines.push(
      `timeouts: ${[d.timeouts.request && `request ${d.timeouts.request}`, d.timeouts.backendRequest && `backendRequest ${d.timeouts.backendRequest}`].filter(Boolean).join(', ') || '(none set)'} — a backend slower than this is answered 504; kubetwin knows no backend latency`,
    );
  if (d.retry)
    lines.push(
      `retry: ${[d.retry.codes.length && `on ${d.retry.codes.join(', ')}`, d.retry.attempts !== undefined && `${d.retry.attempts} attempts`, d.retry.backoff && `backoff ${d.retry.backoff}`].filter(Boolean).join(', ') || 'implementation defaults'} — kubetwin knows no backend failure, so none is taken`,
    );
  d.mirrors.forEach((m, i) => {
    lines.push(`mirrored to: ${mirrorLine(m)}`);
    const eps = r.mirrorEndpoints[i] ?? [];
    if (!m.problem && (m.percent ?? 100) > 0)
      lines.push(
        `   copies land on: ${eps.length ? eps.join(', ') : 'no ready endpoint (the copies are lost)'}`,
      );
  });
  if (r.certificate)
    lines.push(
      `certificate: ${r.certificate.status} — ${r.certificate.message}${r.certificate.from ? ` [from ${r.certificate.from}]` : ''}`,
    );
  // What the router could not decide closes the notes: the points that keep the answer from being a pass.
  const notes = [...d.notes, ...unknownLines(d.unknown)];
  if (notes.length) lines.push('notes:', ...notes.map((n) => `  - ${n}`));
  if (d.lost.length)
    lines.push('lost:', ...d.lost.map((l) => `  - ${l.object} ${l.at} (${l.match}): ${l.reason}`));
  return lines.join('\n') + '\n';
}

/** The machine form: the contract fields `kubetwin test` compares (`actual`), then the full decision. */
export function routeJson(r: RouteResult): Record<string, unknown> {
  const usable = r.decision.backends.filter((b) => !b.problem && b.weight > 0);
  // One backend, or none named: a weighted split is `split`, never its first share (as `kubetwin test` has it).
  const one = r.decision.status === 200 && usable.length === 1 ? usable[0] : undefined;
  return {
    via: r.via,
    profile: r.profile,
    request: r.request,
    actual: {
      backend: one ? `${one.namespace}/${one.name}` : undefined,
      port: one?.port,
      status: r.decision.status,
      redirect: r.decision.redirect,
      rewrittenPath: r.decision.rewrittenPath,
      split: routeSplit(r.decision.backends),
    },
    decision: r.decision,
    endpoints: r.endpoints,
    mirrorEndpoints: r.mirrorEndpoints,
    certificate: r.certificate,
  };
}
