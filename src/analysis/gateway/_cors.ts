import type { CorsPolicy, HttpRequest } from '../../model/routing.ts';

/** What the CORS filter does to one request: the `Access-Control-*` headers the gateway adds, and whether it answers. */
export interface CorsEffect {
  /** A preflight (OPTIONS with `Origin` and `Access-Control-Request-Method`): the gateway answers it itself. */
  readonly preflight: boolean;
  /** Whether the request's `Origin` is among `allowOrigins`. */
  readonly allowed: boolean;
  /** Response headers, lower case, in a fixed order. Empty when the origin is not allowed. */
  readonly headers: readonly { readonly name: string; readonly value: string }[];
  readonly note: string;
}

const defaultPort: Readonly<Record<string, string>> = { http: '80', https: '443' };

/** `scheme://host[:port]` split, the port defaulted by scheme (GEP-1767: 80 for http, 443 for https). */
function parseOrigin(o: string): { scheme: string; host: string; port: string } | undefined {
  const m = /^([a-z][a-z0-9+.-]*):\/\/([^/:]+|\[[^\]]+\])(?::(\d+))?\/?$/i.exec(o.trim());
  if (!m) return undefined;
  const scheme = m[1].toLowerCase();
  return { scheme, host: m[2].toLowerCase(), port: m[3] ?? defaultPort[scheme] ?? '' };
}

/**
 * Whether `origin` matches one `allowOrigins` entry: `*` alone matches every origin; otherwise scheme and port
 * must be equal (ports defaulted by scheme) and a `*` in the host is a greedy match to the left, across any number
 * of labels (`https://*.example.com` matches `https://a.b.example.com`, not `https://example.com`).
 * https://gateway-api.sigs.k8s.io/geps/gep-1767/ (HTTPCORSFilter.allowOrigins)
 */
export function corsOriginAllowed(allow: readonly string[], origin: string): boolean {
  if (allow.includes('*')) return true;
  const o = parseOrigin(origin);
  if (!o) return false;
  return allow.some((a) => {
    const p = parseOrigin(a);
    if (!p || p.scheme !== o.scheme || p.port !== o.port) return false;
    if (!p.host.includes('*')) return p.host === o.host;
    const re = new RegExp(`^${p.host.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
    return re.test(o.host);
  });
}

/**
 * The CORS filter applied to one request (GEP-1767). A request without `Origin` is not a CORS request: no effect.
 * A preflight is answered by the gateway with 200; when the origin is allowed it carries
 * `Access-Control-Allow-Origin` (the request's origin, or `*` when `allowOrigins` is `*` and credentials are off),
 * `-Allow-Credentials: true` when enabled, `-Allow-Methods` and `-Allow-Headers` as listed (a `*` with credentials
 * on becomes the requested method / headers, or is left out when the request names none) and `-Max-Age` (default
 * 5). An actual cross-origin request is forwarded and its response gains `-Allow-Origin`, `-Allow-Credentials` and
 * `-Expose-Headers`. An origin not allowed gets no CORS headers (the spec's alternative, 403 to the preflight, is
 * named in the note).
 * https://gateway-api.sigs.k8s.io/geps/gep-1767/ https://fetch.spec.whatwg.org/#cors-preflight-request
 */
export function applyCors(p: CorsPolicy, req: HttpRequest): CorsEffect | undefined {
  const origin = req.headers.origin;
  if (origin === undefined) return undefined;
  const reqMethod = req.headers['access-control-request-method'];
  const reqHeaders = req.headers['access-control-request-headers'];
  const preflight = req.method === 'OPTIONS' && reqMethod !== undefined;
  const allowed = corsOriginAllowed(p.allowOrigins, origin);
  const kind = preflight ? 'preflight' : 'cross-origin request';
  if (!allowed)
    return {
      preflight,
      allowed,
      headers: [],
      note: `CORS: origin ${origin} is not in allowOrigins: the ${kind} gets no Access-Control-* headers${preflight ? ' (answered 200 by the gateway; some implementations answer 403 instead, as the spec allows)' : ''}, so the browser refuses the response`,
    };
  const wildcard = (list: readonly string[]) => list.length === 1 && list[0] === '*';
  const h: { name: string; value: string }[] = [];
  const add = (name: string, value: string | undefined) => {
    if (value !== undefined && value !== '') h.push({ name, value });
  };
  add('access-control-allow-origin', wildcard(p.allowOrigins) && !p.allowCredentials ? '*' : origin);
  if (p.allowCredentials) add('access-control-allow-credentials', 'true');
  if (preflight) {
    if (p.allowMethods.length)
      add(
        'access-control-allow-methods',
        wildcard(p.allowMethods) ? (p.allowCredentials ? reqMethod : '*') : p.allowMethods.join(', '),
      );
    if (p.allowHeaders.length)
      add(
        'access-control-allow-headers',
        wildcard(p.allowHeaders) ? (p.allowCredentials ? reqHeaders : '*') : p.allowHeaders.join(', '),
      );
    add('access-control-max-age', String(p.maxAge));
  } else if (p.exposeHeaders.length) add('access-control-expose-headers', p.exposeHeaders.join(', '));
  // GET, HEAD and POST are CORS-safelisted methods: always allowed, listed or not (GEP-1767 allowMethods).
  const methodRefused =
    preflight &&
    !['GET', 'HEAD', 'POST'].includes(reqMethod) &&
    !wildcard(p.allowMethods) &&
    !p.allowMethods.includes(reqMethod);
  return {
    preflight,
    allowed,
    headers: h,
    note: preflight
      ? `CORS preflight from ${origin} answered by the gateway (200): nothing is forwarded to a backend${methodRefused ? `; ${reqMethod} is not in allowMethods, so the browser does not send the actual request` : ''}`
      : `CORS: origin ${origin} is allowed: the response gains ${h.map((x) => x.name).join(', ')}`,
  };
}
