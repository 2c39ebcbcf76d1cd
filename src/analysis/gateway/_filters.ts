import type {
  BackendRef,
  HeaderModifier,
  HttpRequest,
  PathModifier,
  RouteFilter,
  RouteMatch,
} from '../../model/routing.ts';
import { pathPrefixMatch } from './_match.ts';
import { applyCors, type CorsEffect } from './_cors.ts';

/** A RequestMirror filter's backend and the share of requests it copies (0-100). */
export type MirrorRef = BackendRef & { readonly percent: number };

/**
 * The share of requests a RequestMirror filter copies: `percent`, else `fraction` (numerator / denominator), else
 * every request. https://gateway-api.sigs.k8s.io/geps/gep-3171/
 */
export function mirrorPercent(f: {
  readonly percent?: number;
  readonly fraction?: { readonly numerator: number; readonly denominator: number };
}): number {
  if (f.percent !== undefined) return f.percent;
  if (f.fraction) return Math.round((f.fraction.numerator / f.fraction.denominator) * 10000) / 100;
  return 100;
}

export interface FilterEffect {
  redirect?: { status: number; location: string };
  rewrittenPath?: string;
  rewrittenHost?: string;
  requestHeaders?: HeaderModifier;
  responseHeaders?: HeaderModifier;
  mirrors: MirrorRef[];
  cors?: CorsEffect;
  /** The filters kubetwin does not apply (ExtensionRef, a type it does not know), by their index in the list. */
  custom: CustomFilter[];
  notes: string[];
}

/** A filter kubetwin does not apply and its index in the rule's (or backendRef's) `filters`. */
export interface CustomFilter {
  readonly index: number;
  readonly filter: Extract<RouteFilter, { type: 'ExtensionRef' | 'Other' }>;
}

/**
 * `ReplacePrefixMatch` replaces the matched path prefix element-wise, as HTTPPathModifier's table has it (a trailing
 * `/` of the prefix or the replacement is ignored, what follows the matched elements is kept as written): prefix
 * `/foo` with `/xyz` turns `/foo/bar` into `/xyz/bar`, `/foo` into `/xyz` and `/foo/` into `/xyz/`; with `/` or the
 * empty string it turns `/foo/bar` into `/bar` and `/foo` or `/foo/` into `/`.
 * https://gateway-api.sigs.k8s.io/reference/spec/#httppathmodifier
 */
export function replacePrefix(path: string, prefix: string, replacement: string): string {
  const p = prefix.length > 1 && prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
  if (!pathPrefixMatch(p, path)) return path;
  const base = replacement.endsWith('/') ? replacement.slice(0, -1) : replacement;
  if (p === '/') {
    const rest = path.slice(1);
    return rest ? `${base}/${rest}` : base || '/';
  }
  // What follows the matched elements, with its leading `/`: '' for /foo, '/' for /foo/, '/bar' for /foo/bar.
  return `${base}${path.slice(p.length)}` || '/';
}

function modifyPath(m: PathModifier | undefined, match: RouteMatch, path: string): string | undefined {
  if (!m) return undefined;
  if (m.type === 'ReplaceFullPath') return m.value;
  return match.path?.type === 'PathPrefix' ? replacePrefix(path, match.path.value, m.value) : undefined;
}

const wellKnown: Readonly<Record<string, number>> = { http: 80, https: 443 };

/**
 * Applies a rule's filters to a request. RequestRedirect: scheme, hostname, path and port (omitted when it is
 * the scheme's well-known port; when unset, the scheme's well-known port or the listener's), status default 302.
 * https://gateway-api.sigs.k8s.io/reference/spec/#httprequestredirectfilter
 * https://gateway-api.sigs.k8s.io/reference/spec/#httpurlrewritefilter
 */
export function applyFilters(
  filters: readonly RouteFilter[],
  match: RouteMatch,
  req: HttpRequest,
): FilterEffect {
  const out: FilterEffect = { mirrors: [], custom: [], notes: [] };
  for (const [index, f] of filters.entries()) {
    switch (f.type) {
      case 'RequestRedirect': {
        const scheme = f.scheme ?? req.scheme;
        const port = f.port ?? (f.scheme ? (wellKnown[f.scheme] ?? req.port) : req.port);
        const host = f.hostname ?? req.host;
        const path = modifyPath(f.path, match, req.path) ?? req.path;
        const q = req.query.length ? `?${req.query.map(([k, v]) => `${k}=${v}`).join('&')}` : '';
        out.redirect = {
          status: f.statusCode,
          location: `${scheme}://${host}${wellKnown[scheme] === port ? '' : `:${port}`}${path}${q}`,
        };
        break;
      }
      case 'URLRewrite':
        out.rewrittenHost = f.hostname;
        out.rewrittenPath = modifyPath(f.path, match, req.path);
        break;
      case 'RequestHeaderModifier':
        out.requestHeaders = f.modifier;
        break;
      case 'ResponseHeaderModifier':
        out.responseHeaders = f.modifier;
        break;
      case 'RequestMirror':
        out.mirrors.push({ ...f.backendRef, percent: mirrorPercent(f) });
        break;
      case 'CORS':
        out.cors = applyCors(f.cors, req);
        if (out.cors) out.notes.push(out.cors.note);
        break;
      case 'ExtensionRef':
      case 'Other':
        // Never routed as if absent: the router answers the spec's error (unresolved) or says unknown.
        out.custom.push({ index, filter: f });
        break;
    }
  }
  return out;
}
