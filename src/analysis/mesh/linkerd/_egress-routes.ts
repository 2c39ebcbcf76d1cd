/**
 * Linkerd egress route matching: which routes attached to an EgressNetwork on a port describe one connection whose
 * protocol trace knows (a plaintext HTTP request, or a TLS handshake with its SNI), and what they do with it.
 *
 * The policy controller serves one route kind per EgressNetwork port, in this order: GRPCRoutes if any are attached,
 * else HTTPRoutes, else TLSRoutes, else TCPRoutes (the others on that port are not served); none: the HTTP defaults.
 * With HTTP routes the proxy detects the protocol: an HTTP request meets the routes and, after them, the default
 * route of the trafficPolicy (`http-egress-allow` forwards to the original address, `http-egress-deny` answers 403);
 * anything else (TLS, other bytes) takes the default opaque route of the trafficPolicy. TLS routes match the
 * handshake's SNI against their hostnames (`tls-egress-deny` closes what none matches under Deny); TCP routes take
 * every connection on the port. A matched rule with no backendRefs, or whose backendRef is the parent EgressNetwork,
 * forwards to the original address; a Service backendRef sends the traffic to that Service instead.
 * (linkerd/linkerd2 policy-controller/grpc/src/outbound.rs `to_proto`; outbound/http.rs `protocol`: for an
 * EgressNetwork parent `routes.push(default_outbound_egress_route(…, traffic_policy))`; `convert_backend`)
 * https://linkerd.io/2-edge/reference/egress-network/ https://linkerd.io/2-edge/tasks/managing-egress-traffic/
 * Pure.
 */
import type { LinkerdEgressNetwork } from '../../../model/mesh.ts';
import type { BackendRef, HttpRequest, HTTPRoute, L4Route } from '../../../model/routing.ts';
import { gatewayHostMatch, matchFailure, matchRank } from '../../gateway/index.ts';

/** What trace knows of a connection to an outside address: an HTTP request, or a TLS handshake and its SNI. */
export type EgressTraffic =
  { readonly kind: 'http'; readonly request: HttpRequest } | { readonly kind: 'tls'; readonly sni: string };

export interface AttachedRoutes {
  readonly grpc: readonly HTTPRoute[];
  readonly http: readonly HTTPRoute[];
  readonly tls: readonly L4Route[];
  readonly tcp: readonly L4Route[];
}

/** The outcome of the routes for one connection: forwarded, refused, sent elsewhere, or not known. */
export type RouteOutcome =
  | { readonly kind: 'forward' | 'refuse'; readonly why: string }
  | { readonly kind: 'unknown'; readonly why: string };

const age = (r: { creationTimestamp?: string; name: string }) =>
  `${r.creationTimestamp ?? '\uffff'}/${r.name}`;
const byAge = <T extends { creationTimestamp?: string; name: string }>(rs: readonly T[]) =>
  [...rs].sort((a, b) => (age(a) < age(b) ? -1 : age(a) > age(b) ? 1 : 0));

/** What a matched rule's backends do: forward to the original address, or send it elsewhere (unknown here). */
function backendOutcome(
  n: LinkerdEgressNetwork,
  at: string,
  backends: readonly BackendRef[],
  filtered: boolean,
): RouteOutcome {
  if (filtered)
    return {
      kind: 'unknown',
      why: `${at} has filters (a redirect, a failure injection…), which kubetwin does not apply to egress traffic`,
    };
  const elsewhere = backends.filter(
    (b) => !(b.kind === 'EgressNetwork' && b.group === 'policy.linkerd.io' && b.name === n.name),
  );
  if (!elsewhere.length)
    return { kind: 'forward', why: `${at} describes it and forwards it to the original address` };
  return {
    kind: 'unknown',
    why: `${at} sends it to ${elsewhere.map((b) => `${b.kind} ${b.namespace ?? n.namespace}/${b.name}`).join(', ')} instead of the original address (where it lands there is not judged here)`,
  };
}

const policyDefault = (n: LinkerdEgressNetwork, what: string, deny: string): RouteOutcome =>
  n.trafficPolicy === 'Deny'
    ? { kind: 'refuse', why: `${what}: the trafficPolicy Deny default refuses it (${deny})` }
    : {
        kind: 'forward',
        why: `${what}: the trafficPolicy Allow default forwards it to the original address`,
      };

/** The HTTP route rule a request meets (Gateway API precedence within the attached routes), or the default. */
function httpOutcome(n: LinkerdEgressNetwork, routes: readonly HTTPRoute[], req: HttpRequest): RouteOutcome {
  const found: { route: HTTPRoute; rule: number; rank: number[]; exactHost: boolean }[] = [];
  for (const route of byAge(routes)) {
    const hostOk = !route.hostnames.length || route.hostnames.some((h) => gatewayHostMatch(h, req.host));
    if (!hostOk) continue;
    for (const rule of route.rules)
      for (const m of rule.matches)
        if (!matchFailure(m, req, false))
          found.push({
            route,
            rule: rule.index,
            rank: matchRank(m),
            exactHost: route.hostnames.includes(req.host),
          });
  }
  if (!found.length)
    return policyDefault(
      n,
      `no route attached on the port describes ${req.method} ${req.host}${req.path}`,
      'HTTP 403, http-egress-deny',
    );
  // Precedence: an exact hostname over a wildcard or none, then the match's rank, then the oldest route (list order).
  const cmp = (a: (typeof found)[0], b: (typeof found)[0]) => {
    if (a.exactHost !== b.exactHost) return a.exactHost ? -1 : 1;
    for (let i = 0; i < a.rank.length; i++) if (a.rank[i] !== b.rank[i]) return a.rank[i] - b.rank[i];
    return 0;
  };
  const w = [...found].sort(cmp)[0];
  const rule = w.route.rules.find((r) => r.index === w.rule)!;
  return backendOutcome(
    n,
    `${w.route.key} rules[${w.rule}]`,
    rule.backendRefs,
    rule.filters.length > 0 || rule.backendRefs.some((b) => (b.filters ?? []).length > 0),
  );
}

/** The TLS route whose hostnames take the SNI (an exact name before a wildcard, then the oldest), or the default. */
function tlsOutcome(n: LinkerdEgressNetwork, routes: readonly L4Route[], sni: string): RouteOutcome {
  const hits = byAge(routes).filter(
    (r) => !r.hostnames.length || r.hostnames.some((h) => gatewayHostMatch(h, sni)),
  );
  const w = hits.find((r) => r.hostnames.includes(sni)) ?? hits[0];
  if (!w)
    return policyDefault(
      n,
      `no TLSRoute attached on the port names SNI ${sni}`,
      'the connection is closed, tls-egress-deny',
    );
  return backendOutcome(
    n,
    w.key,
    w.rules.flatMap((r) => r.backendRefs),
    false,
  );
}

/**
 * What the routes attached on one port (`routes`, already limited to the EgressNetwork and port) do with `traffic`.
 */
export function egressRouteOutcome(
  n: LinkerdEgressNetwork,
  routes: AttachedRoutes,
  traffic: EgressTraffic,
): RouteOutcome {
  const served = routes.grpc.length
    ? 'grpc'
    : routes.http.length
      ? 'http'
      : routes.tls.length
        ? 'tls'
        : routes.tcp.length
          ? 'tcp'
          : 'none';
  const ignored = (
    [
      ['GRPCRoute', routes.grpc],
      ['HTTPRoute', routes.http],
      ['TLSRoute', routes.tls],
      ['TCPRoute', routes.tcp],
    ] as const
  ).filter(([k, rs]) => rs.length && k.toLowerCase().replace('route', '') !== served);
  const note = ignored.length
    ? ` (${ignored.map(([k]) => k).join(', ')} on the same port not served: the policy controller serves one route kind per port, GRPCRoute, then HTTPRoute, TLSRoute, TCPRoute)`
    : '';
  const withNote = (o: RouteOutcome): RouteOutcome => ({ ...o, why: o.why + note });
  if (served === 'grpc')
    return withNote({
      kind: 'unknown',
      why: `GRPCRoutes are attached on the port: gRPC egress routing is not modeled by kubetwin`,
    });
  if (served === 'tcp') {
    const [w] = byAge(routes.tcp);
    return withNote(
      backendOutcome(
        n,
        w.key,
        w.rules.flatMap((r) => r.backendRefs),
        false,
      ),
    );
  }
  if (traffic.kind === 'http') {
    if (served === 'tls')
      return withNote({
        kind: 'unknown',
        why: 'only TLSRoutes are attached on the port and this is plaintext HTTP: what the proxy does with it is not modeled by kubetwin',
      });
    return withNote(httpOutcome(n, routes.http, traffic.request));
  }
  if (served === 'tls') return withNote(tlsOutcome(n, routes.tls, traffic.sni));
  // HTTP routes (or none): the proxy detects no HTTP in a TLS handshake and takes the default opaque route.
  return withNote(
    policyDefault(
      n,
      `a TLS connection (SNI ${traffic.sni}) is not HTTP, so the HTTP routes do not apply`,
      'the connection is closed',
    ),
  );
}
