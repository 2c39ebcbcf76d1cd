import type { HttpRequest, RouteMatch } from '../../model/routing.ts';

/**
 * `PathPrefix`: element-wise on `/`, case-sensitive, a trailing `/` in the prefix ignored: `/abc` matches
 * `/abc`, `/abc/` and `/abc/def`, not `/abcd`. https://gateway-api.sigs.k8s.io/reference/spec/#pathmatchtype
 */
export function pathPrefixMatch(prefix: string, path: string): boolean {
  const p = prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (p === '/') return true;
  // `path` is `p` or `p/…`; tested without building `p + '/'` (this runs for every candidate of every request).
  return path.length === p.length
    ? path === p
    : path.length > p.length && path.charCodeAt(p.length) === 47 && path.startsWith(p);
}

const regexCache = new Map<string, RegExp | null>();
/** RegularExpression matches are full matches here (as Envoy-based implementations do); the dialect is implementation-specific. */
export function fullRegex(re: string): RegExp | null {
  let r = regexCache.get(re);
  if (r === undefined) {
    try {
      r = new RegExp(`^(?:${re})$`);
    } catch {
      r = null;
    }
    regexCache.set(re, r);
  }
  return r;
}

const failed = 'no match';

type HeaderMatch = RouteMatch['headers'][number];
type QueryMatch = RouteMatch['queryParams'][number];
const effective = new WeakMap<RouteMatch, { headers: HeaderMatch[]; queryParams: QueryMatch[] }>();

/**
 * The header and query param matches that count: "If multiple entries specify equivalent header names, only the
 * first entry with an equivalent name MUST be considered for a match. Subsequent entries with an equivalent
 * header name MUST be ignored" (header names compare case-insensitively, query param names exactly).
 * https://gateway-api.sigs.k8s.io/reference/spec/#httpheadermatch,
 * https://gateway-api.sigs.k8s.io/reference/spec/#httpqueryparammatch
 */
export function effectiveMatches(m: RouteMatch): {
  headers: readonly HeaderMatch[];
  queryParams: readonly QueryMatch[];
} {
  if (m.headers.length < 2 && m.queryParams.length < 2) return m;
  let e = effective.get(m);
  if (!e) {
    const firstOf = <T extends { name: string }>(list: readonly T[], key: (n: string) => string) => {
      const seen = new Set<string>();
      return list.filter((x) => !seen.has(key(x.name)) && !!seen.add(key(x.name)));
    };
    e = {
      headers: firstOf(m.headers, (n) => n.toLowerCase()),
      queryParams: firstOf(m.queryParams, (n) => n),
    };
    effective.set(m, e);
  }
  return e;
}

/**
 * Why a match fails for a request, or undefined when it matches (all conditions ANDed). With `explain` false
 * the reason is a constant, so routing a request builds no strings. https://gateway-api.sigs.k8s.io/reference/spec/#httproutematch
 */
export function matchFailure(m: RouteMatch, req: HttpRequest, explain = true): string | undefined {
  if (m.path) {
    const { type, value } = m.path;
    const ok =
      type === 'Exact'
        ? req.path === value
        : type === 'PathPrefix'
          ? pathPrefixMatch(value, req.path)
          : (fullRegex(value)?.test(req.path) ?? false);
    if (!ok) return explain ? `path ${req.path} does not match ${type} ${value}` : failed;
  }
  if (m.method && m.method !== req.method)
    return explain ? `method ${req.method} is not ${m.method}` : failed;
  const { headers, queryParams } = effectiveMatches(m);
  for (const h of headers) {
    const v = req.headers[h.name.toLowerCase()];
    if (v === undefined) return explain ? `header ${h.name} is absent` : failed;
    if (h.type === 'Exact' ? v !== h.value : !(fullRegex(h.value)?.test(v) ?? false))
      return explain ? `header ${h.name}: ${v} does not match ${h.type} ${h.value}` : failed;
  }
  for (const q of queryParams) {
    const v = req.query.find(([k]) => k === q.name)?.[1];
    if (v === undefined) return explain ? `query parameter ${q.name} is absent` : failed;
    if (q.type === 'Exact' ? v !== q.value : !(fullRegex(q.value)?.test(v) ?? false))
      return explain ? `query parameter ${q.name}=${v} does not match ${q.type} ${q.value}` : failed;
  }
  return undefined;
}

export function describeMatch(m: RouteMatch): string {
  const parts: string[] = [];
  if (m.grpcMethod) parts.push(`gRPC method ${m.grpcMethod}`);
  else if (m.path) parts.push(`${m.path.type} ${m.path.value}`);
  if (m.method) parts.push(`method ${m.method}`);
  // An entry that repeats an earlier name is shown as written and marked: the spec ignores it.
  const { headers, queryParams } = effectiveMatches(m);
  const ignored = (counted: readonly unknown[], x: unknown) =>
    counted.includes(x) ? '' : ' (ignored: repeats a name)';
  for (const h of m.headers)
    parts.push(`header ${h.name}${h.type === 'Exact' ? '=' : '~'}${h.value}${ignored(headers, h)}`);
  for (const q of m.queryParams)
    parts.push(`query ${q.name}${q.type === 'Exact' ? '=' : '~'}${q.value}${ignored(queryParams, q)}`);
  return parts.join(', ');
}

/**
 * The static part of the spec's precedence between matches: Exact path, then the longest PathPrefix (regex
 * paths after them: their precedence is implementation-specific), then method, then most header matches,
 * then most query matches. Lower sorts first.
 * https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule
 */
export function matchRank(m: RouteMatch, kind: 'HTTPRoute' | 'GRPCRoute' = 'HTTPRoute'): number[] {
  if (kind === 'GRPCRoute') return grpcMatchRank(m);
  const t = m.path?.type;
  const { headers, queryParams } = effectiveMatches(m);
  return [
    t === 'Exact' ? 0 : t === 'PathPrefix' ? 1 : 2,
    t === 'PathPrefix' ? -m.path!.value.replace(/(.)\/$/, '$1').length : 0,
    m.method ? 0 : 1,
    -headers.length,
    -queryParams.length,
  ];
}

/**
 * GRPCRoute's precedence between matches of one hostname: the most characters in a matching service, then in a
 * matching method, then the most header matches (a match without a method matches every service and method).
 * Ranked after every HTTPRoute match: the spec forbids merging GRPCRoutes and HTTPRoutes on one hostname, so
 * which one an implementation prefers is its own.
 * https://gateway-api.sigs.k8s.io/reference/spec/#grpcrouterule
 */
export function grpcMatchRank(m: RouteMatch): number[] {
  const [service = '*', method = '*'] = (m.grpcMethod ?? '*/*').split('/');
  const chars = (s: string) => (s === '*' ? 0 : s.length);
  return [3, -chars(service), -chars(method), -effectiveMatches(m).headers.length, 0];
}
