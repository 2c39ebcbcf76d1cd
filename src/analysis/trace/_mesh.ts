import { compileMesh, type MeshDecision } from '../mesh/index.ts';
import { unknownLines } from '../route/index.ts';
import { meshRouteUnknowns } from '../unmodeled/index.ts';
import type { Pod } from '../../model/types.ts';
import type { TraceContext } from './_context.ts';
import type { Hop } from './types.ts';
import { meshMirrorHops } from './_mirror.ts';

/**
 * The ready endpoint addresses a client's sidecar sends to within one Service, each with the subsets the route sends
 * its traffic through (an undefined entry: the Service without a subset), which decide the TLS the sidecar uses.
 */
export type RoutedEndpoints = ReadonlyMap<string, readonly (string | undefined)[]>;

/** What the client's sidecar decided: the hop that says so, and the endpoints it may send to. */
export interface SidecarLeg {
  readonly hop: Hop;
  /** Side hops after `hop`: the copies the sidecar mirrors (they never change the verdict). */
  readonly mirrors?: readonly Hop[];
  /** Ready `ip` addresses per Service `ns/name` the sidecar sends to; undefined when it forwards nothing. */
  readonly allowed?: ReadonlyMap<string, RoutedEndpoints>;
  /**
   * For a request the sidecar forwards, the Service port each Kubernetes Service among the destinations is sent to,
   * by `ns/name` (ServiceEntry and outside hosts are not in it): a route to an egress gateway sends a request for an
   * outside host to a Service in the cluster.
   */
  readonly servicePorts?: ReadonlyMap<string, number>;
  /**
   * For a request the sidecar forwards to a ServiceEntry host, where it sends it, as the route answer lists them
   * (`address:port`, `original destination address:port` for resolution NONE, a WorkloadEntry without address).
   */
  readonly entryEndpoints?: readonly string[];
  readonly reason?: string;
  /** The sidecar passes the connection on to the ClusterIP (Istio PassthroughCluster): kube-proxy picks the endpoint. */
  readonly passthrough?: boolean;
  /** `ns/name` of the Istio ambient waypoint that routed the request (then it, not the client, picked). */
  readonly waypoint?: string;
}

const routeObjects = (ctx: TraceContext, d: MeshDecision) => {
  const key = d.winner?.object;
  const o = key
    ? [...(ctx.model.mesh?.virtualServices ?? []), ...(ctx.model.routing?.routes ?? [])].find(
        (x) => x.key === key,
      )
    : undefined;
  return o ? [{ key: o.key, source: o.source }] : [];
};

/**
 * The client-sidecar hop of an HTTP request from a meshed pod: the route the mesh chose (object, rule,
 * subset, weights), timeout and retries, and which endpoints remain — the sidecar, not kube-proxy, picks
 * among them. Undefined when the model has no mesh; an `info` hop when the client runs no proxy.
 * https://istio.io/latest/docs/concepts/traffic-management/
 */
export function sidecarLeg(
  ctx: TraceContext,
  pod: Pod,
  req: {
    host: string;
    port: number;
    path: string;
    method?: string;
    headers?: Readonly<Record<string, string>>;
  },
): SidecarLeg | undefined {
  const mesh = compileMesh(ctx.model);
  if (!mesh.name) return undefined;
  const d = mesh.route(
    {
      scheme: 'http',
      host: req.host,
      port: req.port,
      path: req.path,
      query: [],
      method: req.method ?? 'GET',
      headers: { ...req.headers, host: req.host },
    },
    pod,
    true,
  );
  if (typeof d === 'string') return undefined;
  if (!d.clientMeshed && !d.waypoint)
    return {
      hop: {
        kind: 'sidecar',
        title: `no ${mesh.name} sidecar on ${pod.namespace}/${pod.name}: plain kube-proxy path`,
        verdict: 'info',
        details: d.notes,
        objects: [],
      },
    };
  const dests = d.destinations.map(
    (x) =>
      `→ ${x.kind ?? 'Service'} ${x.namespace}/${x.name}:${x.port}${x.subset ? ` subset ${x.subset}` : ''}${d.destinations.length > 1 ? ` weight ${x.weight} (${x.share}%)` : ''}${x.problem ? ` — ${x.problem}` : `: ${x.workloads.join(', ') || x.endpoints.join(', ')}`}`,
  );
  // Unmodeled routing objects (an Istio EnvoyFilter) where the client or a destination lives, as
  // `route --via mesh` names them: the sidecar's choice may differ, so the hop is not a plain `ok`.
  const undecided = meshRouteUnknowns(ctx.model, [pod.namespace, ...d.destinations.map((x) => x.namespace)]);
  const unknownKeys = [...new Set(undecided.map((u) => u.object))];
  const unknown = unknownKeys.length ? { unknown: unknownKeys } : {};
  const details = [
    `routed by ${d.by}`,
    ...(d.winner ? [`rule ${d.winner.object} ${d.winner.at} (${d.winner.match})`] : []),
    ...dests,
    // Rules passed over are shown for HTTP too: a rule matching a header the request lacks (Bookinfo's
    // end-user: jason) is what `trace -H` would take instead.
    ...d.lost.slice(0, 5).map((l) => `lost: ${l.object} ${l.at} (${l.match}): ${l.reason}`),
    ...(d.rewrittenPath !== undefined ? [`path rewritten to ${d.rewrittenPath}`] : []),
    ...(d.timeout ? [`timeout: ${d.timeout}`] : []),
    ...(d.retries ? [`retries: ${d.retries}`] : []),
    ...d.notes,
    ...unknownLines(undecided),
    // Only a request the sidecar forwards has an endpoint: an abort, a redirect or a closed connection has none.
    ...(d.unknown || (!d.closed && d.status === 200)
      ? [
          d.passthrough
            ? 'the sidecar passes the connection on to the ClusterIP dialed: kube-proxy picks the endpoint'
            : d.service?.kind
              ? 'the sidecar, not kube-proxy, forwards the request outside the Service registry'
              : d.waypoint
                ? 'the waypoint picks the endpoint itself and opens its own connection to it (kube-proxy is not involved)'
                : 'the sidecar picks the endpoint itself (the ClusterIP is not dialed, kube-proxy is not involved)',
        ]
      : []),
  ];
  // An Istio ambient client's request for a Service with a waypoint: the waypoint routes it.
  const title = d.waypoint
    ? `istio waypoint ${d.waypoint} (request from ${pod.namespace}/${pod.name})`
    : `${mesh.name} sidecar of ${pod.namespace}/${pod.name}`;
  const proxy = d.waypoint ? 'the waypoint' : 'the sidecar';
  if (d.unknown)
    return {
      hop: {
        kind: 'sidecar',
        title: `${title}: unknown`,
        verdict: 'warn',
        details: [
          ...details,
          `unknown: ${d.unknown}`,
          'the trace goes on over every ready endpoint of the Service',
        ],
        objects: routeObjects(ctx, d),
        unknown: [d.unknown, ...unknownKeys],
      },
    };
  if (d.closed)
    return {
      hop: {
        kind: 'sidecar',
        title: `${title}: connection closed`,
        verdict: 'fail',
        details,
        objects: routeObjects(ctx, d),
        ...unknown,
      },
      reason: `${proxy} closes the connection (${d.closed})`,
    };
  if (d.status !== 200) {
    const reason = d.redirect
      ? `${proxy} answers ${d.redirect.status} redirect to ${d.redirect.location}`
      : `${proxy} answers ${d.status}${d.notes.length ? ` (${d.notes[d.notes.length - 1]})` : ''}`;
    return {
      hop: {
        kind: 'sidecar',
        title: `${title}: ${d.status}`,
        verdict: 'fail',
        details,
        objects: routeObjects(ctx, d),
        ...unknown,
      },
      reason,
    };
  }
  const allowed = new Map<string, Map<string, (string | undefined)[]>>();
  for (const x of d.destinations) {
    if (x.problem || x.weight <= 0) continue;
    const ips = allowed.get(`${x.namespace}/${x.name}`) ?? new Map<string, (string | undefined)[]>();
    for (const e of x.endpoints) {
      const ip = e.replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
      const subsets = ips.get(ip) ?? [];
      if (!subsets.includes(x.subset)) subsets.push(x.subset);
      ips.set(ip, subsets);
    }
    allowed.set(`${x.namespace}/${x.name}`, ips);
  }
  const summary = d.destinations
    .filter((x) => !x.problem && x.weight > 0)
    .map((x) => `${x.name}${x.subset ? `:${x.subset}` : ''}`)
    .join(', ');
  // A fault that aborts only a share of requests: this request may be one of them (the trace goes on as if not).
  const sometimes = d.sometimes ?? [];
  return {
    hop: {
      kind: 'sidecar',
      title: `${title}: ${summary}`,
      verdict:
        sometimes.length || d.destinations.some((x) => x.problem && x.weight > 0) || unknownKeys.length
          ? 'warn'
          : 'ok',
      details: [...details, ...sometimes.map((x) => `unknown: ${x}`)],
      objects: routeObjects(ctx, d),
      ...(sometimes.length || unknownKeys.length ? { unknown: [...sometimes, ...unknownKeys] } : {}),
    },
    mirrors: meshMirrorHops(d, {
      ctx,
      pod,
      http: { method: req.method ?? 'GET', path: req.path, headers: { ...req.headers, host: req.host } },
    }),
    allowed,
    servicePorts: new Map(
      d.destinations
        .filter((x) => !x.kind && !x.problem && x.weight > 0)
        .map((x) => [`${x.namespace}/${x.name}`, x.port ?? req.port]),
    ),
    entryEndpoints: d.destinations
      .filter((x) => x.kind === 'ServiceEntry host' && !x.problem && x.weight > 0)
      .flatMap((x) => x.endpoints),
    ...(d.passthrough ? { passthrough: true } : {}),
    ...(d.waypoint ? { waypoint: d.waypoint } : {}),
  };
}

/**
 * A hop for a request the client's sidecar handed to an Istio gateway's pods (the egress gateway pattern): the
 * gateway proxy forwards it by its own Gateway servers and bound VirtualServices (`gateways` naming it) to the
 * outside host, and the gateway pod's own egress (NetworkPolicy) decides whether it leaves the cluster. That leg
 * is not traced, so the trace's outcome is unknown rather than delivered. Undefined when no delivered pod runs a
 * gateway proxy. https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway/
 */
export function gatewayOnwardHop(
  ctx: TraceContext,
  delivered: readonly { pod: string }[],
  host: string,
): Hop | undefined {
  const gateways = (ctx.model.mesh?.istioGateways ?? []).filter((g) => Object.keys(g.selector).length);
  const hits = delivered.flatMap((d) => {
    const pod = ctx.model.pods.find((p) => `${p.namespace}/${p.name}` === d.pod);
    const g = pod && gateways.find((x) => Object.entries(x.selector).every(([k, v]) => pod.labels[k] === v));
    return g && pod ? [{ pod, g }] : [];
  });
  if (!hits.length) return undefined;
  const names = [...new Set(hits.map((h) => h.g.key))];
  const why = `the Istio gateway (${names.join(', ')}) forwards the request for ${host} on by its own servers and bound VirtualServices; that leg (its route, the gateway pod's egress NetworkPolicy) is not traced`;
  return {
    kind: 'sidecar',
    title: `gateway ${[...new Set(hits.map((h) => `${h.pod.namespace}/${h.pod.name}`))].join(', ')}: forwards to ${host} (not traced)`,
    verdict: 'warn',
    details: [
      `unknown: ${why}`,
      `ask the gateway's route with: kubetwin route --via istio-gateway:${names[0].split('/').slice(1).join('/')} http://${host}/`,
    ],
    objects: hits.map((h) => ({ key: h.g.key, source: h.g.source })),
    unknown: [why],
  };
}
