import { compileMesh } from '../mesh/index.ts';
import { matches, selectorFromMap } from '../../lib/labels.ts';
import type { Pod } from '../../model/types.ts';
import type { TraceContext } from './_context.ts';
import type { Leg } from './_north-south.ts';
import { meshMirrorHops } from './_mirror.ts';
import type { Hop } from './types.ts';

/** Is one of `pods` an Istio ingress gateway proxy (an Istio Gateway's selector picks it)? */
export function servesIstioGateway(ctx: TraceContext, pods: readonly Pod[]): boolean {
  return (ctx.model.mesh?.istioGateways ?? []).some(
    (g) =>
      Object.keys(g.selector).length > 0 && pods.some((p) => matches(selectorFromMap(g.selector), p.labels)),
  );
}

/**
 * The Istio ingress gateway hop of a request from outside: the Gateway server that takes it, the bound
 * VirtualService rule, and the destination Service with only the endpoints the route picks (the gateway's
 * Envoy, not kube-proxy, picks the endpoint). A weighted split is shown whole and followed to its first usable
 * destination, as the Ingress hop does.
 * https://istio.io/latest/docs/tasks/traffic-management/ingress/ingress-control/
 */
export function istioGatewayLeg(
  ctx: TraceContext,
  hops: Hop[],
  pods: readonly Pod[],
  req: { scheme: string; host: string; port: number; path: string; method?: string },
): Leg {
  const method = req.method || 'GET';
  const answer = compileMesh(ctx.model).gatewayRoute({
    scheme: req.scheme === 'https' ? 'https' : 'http',
    host: req.host,
    port: req.port,
    path: req.path,
    query: [],
    method,
    headers: { host: req.host },
  });
  const gwObj = (ctx.model.mesh?.istioGateways ?? []).find(
    (g) => `${g.namespace}/${g.name}` === answer.gateway,
  );
  const objects = gwObj ? [{ key: gwObj.key, source: gwObj.source }] : [];
  const head = [
    ...(answer.server ? [`server: ${answer.server}`] : []),
    ...(answer.tls ? [`tls: ${answer.tls}`] : []),
  ];
  const title = `Istio ingress gateway${answer.gateway ? ` (Gateway ${answer.gateway})` : ''}`;
  if (answer.refused || answer.unknown) {
    const why = answer.refused ?? `unknown: ${answer.unknown}`;
    hops.push({
      kind: 'route',
      title: `${title}: ${answer.refused ? 'not served' : 'unknown'}`,
      verdict: answer.refused ? 'fail' : 'warn',
      details: [...head, why, ...answer.notes],
      objects,
    });
    return { hops, reason: why };
  }
  const d = answer.decision!;
  const vs = (ctx.model.mesh?.virtualServices ?? []).find((v) => v.key === d.winner?.object);
  const routeObjects = [...objects, ...(vs ? [{ key: vs.key, source: vs.source }] : [])];
  const details = [
    ...head,
    `routed by ${d.by}`,
    ...(d.winner ? [`won: ${d.winner.object} ${d.winner.at} (${d.winner.match})`] : []),
    ...d.destinations.map(
      (x) =>
        `→ Service ${x.namespace}/${x.name}:${x.port}${x.subset ? ` subset ${x.subset}` : ''}${d.destinations.length > 1 ? ` weight ${x.weight} (${x.share}%)` : ''}${x.problem ? ` — ${x.problem}` : `: ${x.workloads.join(', ')}`}`,
    ),
    ...(d.rewrittenPath !== undefined ? [`path rewritten to ${d.rewrittenPath}`] : []),
    ...(d.timeout ? [`timeout: ${d.timeout}`] : []),
    ...(d.retries ? [`retries: ${d.retries}`] : []),
    ...d.lost.slice(0, 5).map((l) => `lost: ${l.object} ${l.at} — ${l.reason}`),
    ...d.notes,
  ];
  const pick = d.status === 200 ? d.destinations.find((x) => !x.problem && x.weight > 0) : undefined;
  if (!pick && (d.closed || d.unknown)) {
    const why = d.unknown ? `unknown: ${d.unknown}` : `connection closed: ${d.closed}`;
    hops.push({
      kind: 'route',
      title: `${title}: ${d.unknown ? 'unknown' : 'connection closed'}`,
      verdict: d.unknown ? 'warn' : 'fail',
      details,
      objects: routeObjects,
    });
    return { hops, reason: why };
  }
  if (!pick) {
    const status = d.redirect ? `${d.status} redirect to ${d.redirect.location}` : `HTTP ${d.status}`;
    hops.push({
      kind: 'route',
      title: `${title}: ${req.host}${req.path} → ${status}`,
      verdict: d.redirect ? 'warn' : 'fail',
      details,
      objects: routeObjects,
    });
    return d.redirect
      ? { hops }
      : { hops, reason: `the Istio ingress gateway answers ${status} for ${req.host}${req.path}` };
  }
  hops.push({
    kind: 'route',
    title: `${title}: ${req.host}${req.path} → Service ${pick.namespace}/${pick.name}:${pick.port}${pick.subset ? ` subset ${pick.subset}` : ''}`,
    verdict: 'ok',
    destinations: [{ target: `service:${pick.namespace}/${pick.name}`, port: pick.port ?? 0 }],
    details,
    objects: routeObjects,
  });
  // The gateway pod that routes the request sends the copies too.
  const from = pods.find((p) => `${p.namespace}/${p.name}` === d.client) ?? pods[0];
  hops.push(
    ...meshMirrorHops(
      d,
      from && { ctx, pod: from, http: { method, path: req.path, headers: { host: req.host } } },
    ),
  );
  const backend = ctx.serviceNamed(pick.namespace, pick.name);
  if (!backend || pick.port === undefined)
    return { hops, reason: `backend Service ${pick.namespace}/${pick.name} not found` };
  // The subset the gateway's route picked decides its DestinationRule TLS mode toward these endpoints.
  const only = new Map(
    pick.endpoints.map((e) => [e.replace(/:\d+$/, '').replace(/^\[|\]$/g, ''), [pick.subset]] as const),
  );
  // The backend's sidecar judges the request as the gateway forwards it (its path after a rewrite).
  const http = { method, path: d.rewrittenPath ?? req.path, headers: { host: req.host } };
  return { hops, next: { service: backend, port: pick.port, from, only, http } };
}
