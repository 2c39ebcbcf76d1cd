import type { HttpRequest, RouteMatch, RouteUnknown } from '../../model/routing.ts';
import { effectiveMatches } from './_match.ts';
import type { MatchGroup } from './_path-index.ts';

/**
 * What an answer cannot decide when its request repeats a query parameter that a match of the hostname tests: "If a
 * query param is repeated in an HTTP request, the behavior is purposely left undefined, since different data planes
 * have different capabilities" (the spec recommends the first value, which kubetwin matches). Undefined otherwise.
 * https://gateway-api.sigs.k8s.io/reference/spec/#httpqueryparammatch
 */
export function repeatedQueryUnknown<
  E extends { readonly match: RouteMatch; readonly route: { readonly key: string } },
>(group: MatchGroup<E>, req: HttpRequest): RouteUnknown | undefined {
  if (req.query.length < 2) return undefined;
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const [k] of req.query) (seen.has(k) ? repeated : seen).add(k);
  if (!repeated.size) return undefined;
  const tested = [...repeated].filter((k) =>
    group.entries.some((e) => effectiveMatches(e.match).queryParams.some((q) => q.name === k)),
  );
  if (!tested.length) return undefined;
  const at = group.entries.find((e) =>
    effectiveMatches(e.match).queryParams.some((q) => tested.includes(q.name)),
  )!;
  return {
    object: at.route.key,
    text: `the request repeats query parameter ${tested.sort().join(', ')}, which a match tests; the Gateway API leaves repeated parameters undefined (kubetwin matches the first value, as it recommends), so another gateway may route it otherwise`,
  };
}
