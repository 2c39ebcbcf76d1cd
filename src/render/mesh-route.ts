import { describeMirror, meshActual, type MeshDecision } from '../analysis/mesh/index.ts';
import { unknownLines } from '../analysis/route/index.ts';
import type { HttpRequest, RouteUnknown } from '../model/routing.ts';

/** One `route --via mesh` answer: the request, the client it is sent from, and the mesh's decision. */
export interface MeshRouteResult {
  readonly request: HttpRequest;
  readonly decision: MeshDecision;
  /** What the user asked for when it was a connection (`tcp://`, `tls://`), not an HTTP request. */
  readonly connection?: 'tcp' | 'tls';
  /** Objects kubetwin does not model that apply to the client or a destination: the answer is not a pass. */
  readonly unknown?: readonly RouteUnknown[];
}

/**
 * The first words of a mesh answer: a connection (`tcp`/`tls connection to HOST:PORT (SNI …)`) when the proxy
 * treats it as one or the user asked for one — even when nothing answers it — else the HTTP request line. Pure.
 */
export function requestLine(request: HttpRequest, connection: 'tcp' | 'tls' | undefined): string {
  if (connection)
    return `${connection} connection to ${request.host}:${request.port}${connection === 'tls' ? ` (SNI ${request.sni ?? request.host})` : ''}`;
  const q = request.query.length ? `?${request.query.map(([k, v]) => `${k}=${v}`).join('&')}` : '';
  return `${request.method} ${request.scheme}://${request.host}:${request.port}${request.path}${q}`;
}

/** The `kubetwin route --via mesh` answer in words: verdict first, then why, then what lost. Pure. */
export function renderMeshRoute(r: MeshRouteResult): string {
  const d = r.decision;
  const what = requestLine(r.request, d.connection ?? r.connection);
  const lines = [
    `${what} from ${d.client} (${d.clientMeshed ? `${d.mesh} sidecar` : 'no sidecar'}) via mesh`,
  ];
  if (d.service)
    lines.push(
      `${d.service.kind ?? 'Service'} ${d.service.namespace}/${d.service.name}:${d.service.port} — routed by ${d.by}`,
    );
  if (d.unknown) lines.push(`=> unknown: ${d.unknown}`);
  else if (d.closed) lines.push(`=> connection closed`);
  else if (d.redirect) lines.push(`=> ${d.redirect.status} redirect to ${d.redirect.location}`);
  else if (d.status !== 200) lines.push(`=> ${d.status}`);
  else {
    const fwd = d.destinations.filter((x) => x.weight > 0 && !x.problem);
    lines.push(
      `=> ${fwd.length === 1 ? `${fwd[0].kind ?? 'Service'} ${fwd[0].namespace}/${fwd[0].name}${fwd[0].subset ? ` subset ${fwd[0].subset}` : ''}` : `${d.destinations.length} weighted destinations`}`,
    );
  }
  for (const x of d.destinations)
    lines.push(
      `   ${x.kind ?? 'Service'} ${x.namespace}/${x.name}:${x.port}${x.subset ? ` subset ${x.subset}` : ''}${d.destinations.length > 1 ? ` weight ${x.weight} (${x.share}%)` : ''}${x.problem ? ` — ${x.problem}` : ` — workloads: ${x.workloads.join(', ') || 'none'}; endpoints: ${x.endpoints.join(', ')}`}`,
    );
  if (d.winner) lines.push(`matched: ${d.winner.object} ${d.winner.at} (${d.winner.match})`);
  if (d.rewrittenPath !== undefined) lines.push(`path rewritten to: ${d.rewrittenPath}`);
  if (d.rewrittenHost !== undefined) lines.push(`host rewritten to: ${d.rewrittenHost}`);
  if (d.timeout) lines.push(`timeout: ${d.timeout}`);
  if (d.retries) lines.push(`retries: ${d.retries}`);
  for (const m of d.mirrors ?? []) lines.push(`mirrored to: ${describeMirror(m)}`);
  const notes = [...d.notes, ...unknownLines(r.unknown)];
  if (notes.length) lines.push('notes:', ...notes.map((n) => `  - ${n}`));
  if (d.lost.length)
    lines.push('lost:', ...d.lost.map((l) => `  - ${l.object} ${l.at} (${l.match}): ${l.reason}`));
  return lines.join('\n') + '\n';
}

/** The machine form: the contract fields `kubetwin test` compares (`actual`), then the full decision. */
export function meshRouteJson(r: MeshRouteResult): Record<string, unknown> {
  return {
    via: 'mesh',
    request: r.request,
    actual: meshActual(r.decision),
    decision: r.decision,
    ...(r.unknown?.length ? { unknown: r.unknown } : {}),
  };
}
