import type { HTTPRoute, HttpRequest, RouteMatch, RouteUnknown } from '../../model/routing.ts';
import { gatewayHostMatch } from './_hostnames.ts';
import { describeMatch, matchFailure } from './_match.ts';
import type { MatchGroup } from './_path-index.ts';

/** A route attached to one listener, with the hostnames it serves there (`undefined`: any host). */
export interface OnListener {
  readonly route: HTTPRoute;
  readonly hostnames?: readonly string[];
}

interface Candidate {
  readonly route: HTTPRoute;
  readonly rule: { readonly index: number };
  readonly match: RouteMatch;
}

/** Whether two hostname lists share a name: equal, or one wildcard covering the other (any host meets all). */
function hostsMeet(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a || !b) return true;
  const meet = (x: string, y: string) =>
    x === y ||
    (x.startsWith('*.') && gatewayHostMatch(x, y)) ||
    (y.startsWith('*.') && gatewayHostMatch(y, x));
  return a.some((x) => b.some((y) => meet(x, y)));
}

/** The spec's order for "exactly one of these two routes": the oldest creationTimestamp, then `{namespace}/{name}`. */
const before = (a: HTTPRoute, b: HTTPRoute) =>
  a.creationTimestamp !== b.creationTimestamp
    ? a.creationTimestamp! < b.creationTimestamp!
    : `${a.namespace}/${a.name}` < `${b.namespace}/${b.name}`;

/**
 * What an answer cannot decide when its winner shares the listener and a hostname with a route of the other kind
 * (an HTTPRoute and a GRPCRoute). The Gateway API does not rank the two kinds against each other ("Merging MUST not
 * be done between GRPCRoutes and HTTPRoutes", GRPCRouteRule.Matches), and what an implementation does with them
 * differs: GRPCRouteSpec.Hostnames as released says it "MUST accept exactly one of these two routes" (the oldest
 * by creationTimestamp, then `{namespace}/{name}`; the other `Accepted=False`), and gateway-api#4598 (GEP-1016)
 * lets implementations serve both, as Istio, Envoy Gateway, Contour and kgateway do, in an order of their own.
 * So the answer is open when a route of the other kind also matches the request (which one serves it is the
 * implementation's), or when one precedes the winner or the creation order is not in the manifests (an
 * implementation enforcing the rule rejects the winner on this listener). Undefined otherwise: the winner is the
 * older route and no route of the other kind matches.
 * https://github.com/kubernetes-sigs/gateway-api/blob/main/apis/v1/grpcroute_types.go (GRPCRouteSpec.Hostnames)
 * https://github.com/kubernetes-sigs/gateway-api/pull/4598
 */
export function crossKindUnknown<E extends Candidate>(
  winner: E,
  onListener: readonly OnListener[],
  groups: readonly MatchGroup<E>[],
  req: HttpRequest,
): RouteUnknown | undefined {
  const mine = onListener.find((a) => a.route === winner.route);
  const rivals = onListener.filter(
    (a) => a.route.kind !== winner.route.kind && hostsMeet(mine?.hostnames, a.hostnames),
  );
  if (!rivals.length) return undefined;
  const w = winner.route;
  const at = `rules[${winner.rule.index}]`;
  const both = `${w.kind === 'HTTPRoute' ? 'an HTTPRoute and a GRPCRoute' : 'a GRPCRoute and an HTTPRoute'}`;
  const matching: string[] = [];
  for (const g of groups)
    for (const e of g.entries)
      if (rivals.some((r) => r.route === e.route) && !matchFailure(e.match, req, false)) {
        const name = `${e.route.key} rules[${e.rule.index}] (${describeMatch(e.match)})`;
        if (!matching.includes(name)) matching.push(name);
      }
  if (matching.length)
    return {
      object: w.key,
      path: at,
      text: `${matching.join(', ')} also ${matching.length > 1 ? 'match' : 'matches'} this request on the same listener: the Gateway API ranks no route kind above the other when ${both} share a hostname, so which one serves it is the implementation's (as released the spec accepts only the older route, the other Accepted=False; gateway-api#4598 lets implementations such as Istio and Envoy Gateway serve both in their own order) — kubetwin shows ${w.key} ${at} (${describeMatch(winner.match)})`,
    };
  const undated = [w, ...rivals.map((r) => r.route)].some((r) => r.creationTimestamp === undefined);
  const older = rivals.filter((r) => before(r.route, w)).map((r) => r.route.key);
  if (!undated && !older.length) return undefined;
  const names = rivals.map((r) => r.route.key).join(', ');
  return {
    object: w.key,
    path: at,
    text: `${names} ${rivals.length > 1 ? 'share' : 'shares'} a hostname with ${w.key} on this listener: where the gateway enforces the Gateway API's rule that ${both} may not share one (GRPCRouteSpec.Hostnames as released), it accepts only the older route (creationTimestamp, then namespace/name) and sets Accepted=False on the other; ${undated ? 'the manifests do not say which was created first' : `${older.join(', ')} ${older.length > 1 ? 'are' : 'is'} older`}, so ${w.key} may not be served here (gateway-api#4598 lets other implementations serve both)`,
  };
}
