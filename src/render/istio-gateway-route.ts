import { meshActual, type IstioGatewayAnswer } from '../analysis/mesh/index.ts';
import type { HttpRequest } from '../model/routing.ts';
import { renderMeshRoute, requestLine } from './mesh-route.ts';

/** One `route --via istio-gateway[:NS/NAME]` answer: the request and the ingress gateway's answer. */
export interface IstioGatewayRouteResult {
  readonly request: HttpRequest;
  readonly answer: IstioGatewayAnswer;
  /** What the user asked for when it was a connection (`tcp://`, `tls://`), not an HTTP request. */
  readonly connection?: 'tcp' | 'tls';
}

/** The answer in words: the gateway (pods, Service, server, TLS), then the route as `route --via mesh` prints it. Pure. */
export function renderIstioGatewayRoute(r: IstioGatewayRouteResult): string {
  const a = r.answer;
  const what = requestLine(r.request, a.decision?.connection ?? r.connection);
  const lines = [`${what} via the Istio ingress gateway${a.gateway ? ` (Gateway ${a.gateway})` : ''}`];
  if (a.pods.length)
    lines.push(`gateway pods: ${a.pods.join(', ')}${a.service ? ` behind Service ${a.service}` : ''}`);
  if (a.server) lines.push(`server: ${a.server}`);
  if (a.tls) lines.push(`tls: ${a.tls}`);
  if (a.refused) lines.push(`=> not served: ${a.refused}`);
  if (a.unknown) lines.push(`=> unknown: ${a.unknown}`);
  if (a.decision) {
    const body = renderMeshRoute({ request: r.request, decision: a.decision }).split('\n').slice(1);
    lines.push(...body.filter((l, i) => l || i < body.length - 1));
  } else if (a.notes.length) lines.push('notes:', ...a.notes.map((n) => `  - ${n}`));
  return lines.join('\n') + '\n';
}

/** The machine form: `actual` as for `route --via mesh` (null when nothing answers), then the full answer. */
export function istioGatewayRouteJson(r: IstioGatewayRouteResult): Record<string, unknown> {
  return {
    via: 'istio-gateway',
    request: r.request,
    actual: r.answer.decision ? meshActual(r.answer.decision) : null,
    answer: r.answer,
  };
}
