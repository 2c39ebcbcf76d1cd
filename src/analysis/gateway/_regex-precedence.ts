import type { HttpRequest, RouteMatch, RouteUnknown } from '../../model/routing.ts';
import { describeMatch, matchFailure } from './_match.ts';
import type { MatchGroup } from './_path-index.ts';

interface Candidate {
  readonly match: RouteMatch;
  readonly route: { readonly key: string; readonly kind?: string };
  readonly rule: { readonly index: number };
}

const regexOf = new WeakMap<MatchGroup<Candidate>, readonly Candidate[]>();

/**
 * A RegularExpression path as written: an HTTPRoute's, or a GRPCRoute method match of `type: RegularExpression`. A
 * GRPCRoute Exact match naming only a service or only a method is kept as a pattern path, but its rank is the spec's
 * (characters of service, then of method), not open.
 */
const isRegex = (m: RouteMatch) =>
  m.path?.type === 'RegularExpression' && (m.grpcMethod === undefined || m.grpcMethodRegex === true);

/**
 * What an answer cannot decide when its winner is decided against a `RegularExpression` path match (the winner has
 * one, or another match of the same hostname that also accepts the request has one): the spec orders Exact and
 * PathPrefix matches but leaves where regular expressions rank implementation-specific, so kubetwin's order (after
 * every Exact and PathPrefix match) is one choice among several — Envoy-based gateways, for one, rank them before
 * PathPrefix matches. Undefined when no such rival matches.
 * https://gateway-api.sigs.k8s.io/reference/spec/#pathmatchtype ("RegularExpression … Support: Implementation-specific")
 * https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule (precedence: Exact, then the longest PathPrefix)
 */
export function regexPrecedenceUnknown<E extends Candidate>(
  group: MatchGroup<E>,
  winner: E,
  req: HttpRequest,
): RouteUnknown | undefined {
  const g = group as MatchGroup<Candidate>;
  let regex = regexOf.get(g);
  if (!regex) regexOf.set(g, (regex = g.entries.filter((e) => isRegex(e.match))));
  if (!regex.length) return undefined;
  const pool = isRegex(winner.match) ? g.entries : regex;
  // A rival of the other kind (HTTPRoute against GRPCRoute) is _cross-kind.ts's question, not a regex rank.
  const rivals = pool.filter(
    (e) => e.rule !== winner.rule && e.route.kind === winner.route.kind && !matchFailure(e.match, req, false),
  );
  if (!rivals.length) return undefined;
  const names = rivals.map((e) => `${e.route.key} rules[${e.rule.index}] (${describeMatch(e.match)})`);
  return {
    object: winner.route.key,
    path: `rules[${winner.rule.index}]`,
    text: `${names.join(', ')} also ${rivals.length > 1 ? 'match' : 'matches'} this request, and where a RegularExpression path match ranks is implementation-specific in the Gateway API: the gateway may pick ${rivals.length > 1 ? 'one of them' : 'it'} instead of ${winner.route.key} rules[${winner.rule.index}] (${describeMatch(winner.match)})`,
  };
}
