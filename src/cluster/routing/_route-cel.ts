import type { BackendRef, RouteFilter, RouteRule } from '../../model/routing.ts';
import type { PathSegment } from '../../parse/index.ts';
import type { FieldReader } from '../_fields.ts';

/** The filter types a list may hold at most once. */
const once = ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestRedirect', 'URLRewrite'] as const;

const prefixModifier = (f: RouteFilter) =>
  (f.type === 'RequestRedirect' || f.type === 'URLRewrite') && f.path?.type === 'ReplacePrefixMatch';

/**
 * The HTTPRoute CRD's CEL validations on one rule, which the API server enforces before any controller sees the
 * route: in a `filters` list (the rule's or a backendRef's) RequestRedirect and URLRewrite exclude each other and
 * RequestHeaderModifier, ResponseHeaderModifier, RequestRedirect and URLRewrite appear at most once; a rule with
 * backendRefs has no RequestRedirect; a `ReplacePrefixMatch` path modifier needs exactly one match, of type
 * PathPrefix (the defaulted `PathPrefix /` counts). Each violation is an `invalid-route` error at its filter, so
 * the route is left out as the API server would refuse it.
 * https://github.com/kubernetes-sigs/gateway-api/blob/main/apis/v1/httproute_types.go (HTTPRouteRule XValidation)
 */
export function checkRuleCel(
  f: FieldReader,
  at: PathSegment[],
  rule: Pick<RouteRule, 'matches' | 'filters' | 'backendRefs' | 'timeouts'>,
  refuse: string,
): void {
  const fail = (path: PathSegment[], message: string) =>
    f.report('invalid-route', 'error', path, message, refuse);
  checkFilterList(rule.filters, [...at, 'filters'], fail);
  rule.backendRefs.forEach((b: BackendRef, j) =>
    checkFilterList(b.filters ?? [], [...at, 'backendRefs', j, 'filters'], fail),
  );
  const redirect = rule.filters.findIndex((x) => x.type === 'RequestRedirect');
  if (rule.backendRefs.length && redirect >= 0)
    fail(
      [...at, 'filters', redirect],
      'a RequestRedirect filter must not be used together with backendRefs (the API server refuses the route)',
    );
  checkTimeouts(rule.timeouts, [...at, 'timeouts'], fail);
  const onePrefix = rule.matches.length === 1 && rule.matches[0].path?.type === 'PathPrefix';
  const lists: [readonly RouteFilter[], PathSegment[]][] = [
    [rule.filters, [...at, 'filters']],
    ...rule.backendRefs.map((b, j): [readonly RouteFilter[], PathSegment[]] => [
      b.filters ?? [],
      [...at, 'backendRefs', j, 'filters'],
    ]),
  ];
  if (!onePrefix)
    for (const [list, path] of lists) {
      const k = list.findIndex(prefixModifier);
      if (k >= 0)
        fail(
          [...path, k],
          `${list[k].type} with path.replacePrefixMatch needs exactly one match, of type PathPrefix (${rule.matches.length === 1 ? `its one match is ${rule.matches[0].path?.type}` : `the rule has ${rule.matches.length} matches`}); the API server refuses the route`,
        );
    }
}

function checkFilterList(
  list: readonly RouteFilter[],
  at: PathSegment[],
  fail: (path: PathSegment[], message: string) => void,
): void {
  const both = list.some((x) => x.type === 'RequestRedirect') && list.some((x) => x.type === 'URLRewrite');
  if (both)
    fail(
      at,
      'a filters list may hold RequestRedirect or URLRewrite, not both (the API server refuses the route)',
    );
  // HTTPRequestMirrorFilter's CEL rules (GEP-3171): percent or fraction, not both; a fraction at most 1.
  list.forEach((x, i) => {
    if (x.type !== 'RequestMirror') return;
    if (x.percent !== undefined && x.fraction)
      fail(
        [...at, i, 'requestMirror'],
        'requestMirror may set percent or fraction, not both (the API server refuses the route)',
      );
    else if (x.fraction && (x.fraction.numerator > x.fraction.denominator || x.fraction.denominator < 1))
      fail(
        [...at, i, 'requestMirror', 'fraction'],
        'requestMirror.fraction needs 0 <= numerator <= denominator and denominator >= 1 (the API server refuses the route)',
      );
  });
  for (const type of once) {
    const where = list.flatMap((x, i) => (x.type === type ? [i] : []));
    if (where.length > 1)
      fail([...at, where[1]], `the ${type} filter cannot be repeated (the API server refuses the route)`);
  }
}

/**
 * A Gateway API Duration (GEP-2257: one to four `<number><unit>` parts, units h, m, s, ms) in milliseconds, or
 * undefined when it is not one. https://gateway-api.sigs.k8s.io/geps/gep-2257/
 */
export function gatewayDurationMs(text: string | undefined): number | undefined {
  if (text === undefined || !/^([0-9]{1,5}(h|m|s|ms)){1,4}$/.test(text)) return undefined;
  const unit: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1 };
  let ms = 0;
  for (const [, n, u] of text.matchAll(/([0-9]+)(ms|h|m|s)/g)) ms += Number(n) * unit[u];
  return ms;
}

/**
 * HTTPRouteTimeouts' CEL rule: "backendRequest timeout cannot be longer than request timeout" (a request timeout
 * of 0s disables it and is exempt). https://gateway-api.sigs.k8s.io/reference/spec/#httproutetimeouts
 */
function checkTimeouts(
  t: RouteRule['timeouts'],
  at: PathSegment[],
  fail: (path: PathSegment[], message: string) => void,
): void {
  const request = gatewayDurationMs(t?.request);
  const backend = gatewayDurationMs(t?.backendRequest);
  if (request === undefined || backend === undefined || request === 0 || backend <= request) return;
  fail(
    [...at, 'backendRequest'],
    `backendRequest timeout ${t!.backendRequest} cannot be longer than request timeout ${t!.request} (the API server refuses the route)`,
  );
}
