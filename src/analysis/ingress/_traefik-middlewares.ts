import type { HttpRequest, Ingress, RouteUnknown } from '../../model/routing.ts';
import type { MiddlewareEffect, TraefikMiddleware } from '../../model/traefik-middleware.ts';
import { queryString } from './_router.ts';

/** What a middleware chain did to a request: a redirect or an answer of its own, or the path sent upstream. */
export interface MiddlewareOutcome {
  readonly redirect?: { readonly status: number; readonly location: string };
  /** An answer of Traefik's own (401 from basicAuth). */
  readonly status?: number;
  readonly rewrittenPath?: string;
  readonly notes: readonly string[];
  /** Middlewares the chain names that kubetwin cannot resolve: what they do to the request is not known. */
  readonly unknown: readonly RouteUnknown[];
}

const annotation = 'traefik.ingress.kubernetes.io/router.middlewares';

/** Go's `${1}` and `$1` replacement references, for JavaScript's `$1`. */
const goReplacement = (r: string) => r.replace(/\$\{(\d+)\}/g, '$$$1');

/**
 * Traefik's redirect status: 302 (permanent: 301), and 307 (permanent: 308) for a method other than GET, so the
 * method is kept. https://github.com/traefik/traefik/blob/master/pkg/middlewares/redirect/redirect.go
 */
const redirectStatus = (permanent: boolean, method: string) =>
  permanent ? (method === 'GET' ? 301 : 308) : method === 'GET' ? 302 : 307;

/**
 * The Middlewares the Ingress's `router.middlewares` annotation names (`<namespace>-<name>@kubernetescrd`, in
 * order), applied to the request as Traefik runs the chain: a redirect or basicAuth's 401 ends it, path middlewares
 * change the path the next one and the Service see.
 * https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/ingress/ (router.middlewares)
 * https://doc.traefik.io/traefik/reference/routing-configuration/http/middlewares/overview/
 */
export function applyTraefikMiddlewares(
  ing: Ingress,
  req: HttpRequest,
  middlewares: readonly TraefikMiddleware[],
): MiddlewareOutcome | undefined {
  const refs = ing.annotations[annotation]
    ?.split(',')
    .map((x) => x.trim())
    .filter(Boolean);
  if (!refs?.length) return undefined;
  const chain = refs.map((ref): ChainLink => {
    const [id, provider] = ref.includes('@') ? ref.split('@', 2) : [ref, undefined];
    const m =
      provider === undefined || provider === 'kubernetescrd'
        ? middlewares.find(
            (x) =>
              `${x.namespace}-${x.name}` === id ||
              (provider === undefined && x.namespace === ing.namespace && x.name === id),
          )
        : undefined;
    return (
      m ??
      (provider !== undefined && provider !== 'kubernetescrd'
        ? `not modeled: middleware ${ref} comes from Traefik's ${provider} provider, which is not in the input — it may change this answer`
        : {
            object: ing.key,
            path: `metadata.annotations['${annotation}']`,
            text: `middleware ${ref} (router.middlewares of ${ing.key}) is not among the manifests; Traefik does not build a router whose middleware is missing, so this request may get 404 instead`,
          })
    );
  });
  return runTraefikMiddlewares(chain, req);
}

/**
 * One link of a middleware chain: the Middleware, or one that could not be resolved — a note (a provider kubetwin
 * is not given) or an undecided point (a Middleware missing from the manifests).
 */
export type ChainLink = TraefikMiddleware | string | RouteUnknown;

/**
 * Runs a resolved middleware chain in order (links that could not be resolved become notes or unknowns): a
 * redirect or basicAuth's 401 ends it, path middlewares change the path the next one and the Service see.
 * https://doc.traefik.io/traefik/reference/routing-configuration/http/middlewares/overview/
 */
export function runTraefikMiddlewares(chain: readonly ChainLink[], req: HttpRequest): MiddlewareOutcome {
  const notes: string[] = [];
  const unknown: RouteUnknown[] = [];
  let path = req.path;
  for (const m of chain) {
    if (typeof m === 'string') {
      notes.push(m);
      continue;
    }
    if (!('effects' in m)) {
      unknown.push(m);
      continue;
    }
    for (const e of m.effects) {
      const out = applyOne(e, m, req, path, notes);
      if ('end' in out) return { ...out.end, notes, unknown };
      path = out.path;
    }
  }
  return { ...(path !== req.path ? { rewrittenPath: path } : {}), notes, unknown };
}

function applyOne(
  e: MiddlewareEffect,
  m: TraefikMiddleware,
  req: HttpRequest,
  path: string,
  notes: string[],
): { path: string } | { end: Omit<MiddlewareOutcome, 'notes' | 'unknown'> } {
  const who = `middleware ${m.namespace}/${m.name}`;
  const q = queryString(req);
  switch (e.type) {
    case 'redirectScheme': {
      if (req.scheme === e.scheme) return { path };
      const status = redirectStatus(e.permanent, req.method);
      notes.push(`${who} redirectScheme: ${req.scheme} → ${e.scheme} (${status})`);
      const port =
        e.port && !(e.scheme === 'https' && e.port === '443') && !(e.scheme === 'http' && e.port === '80')
          ? `:${e.port}`
          : '';
      return { end: { redirect: { status, location: `${e.scheme}://${req.host}${port}${path}${q}` } } };
    }
    case 'redirectRegex': {
      const url = `${req.scheme}://${req.host}${path}${q}`;
      const re = safeRegex(e.regex);
      if (!re) {
        notes.push(
          `${who} redirectRegex: regex ${e.regex} is not valid here (Go RE2 syntax differs) — not applied`,
        );
        return { path };
      }
      if (!re.test(url)) return { path };
      const status = redirectStatus(e.permanent, req.method);
      notes.push(`${who} redirectRegex ${e.regex} matches ${url} (${status})`);
      return { end: { redirect: { status, location: url.replace(re, goReplacement(e.replacement)) } } };
    }
    case 'stripPrefix': {
      const p = e.prefixes.find((x) => path.startsWith(x));
      if (p === undefined) return { path };
      const next = ensureSlash(path.slice(p.length));
      notes.push(`${who} stripPrefix ${p}: ${path} → ${next} (X-Forwarded-Prefix: ${p})`);
      return { path: next };
    }
    case 'stripPrefixRegex': {
      for (const r of e.regex) {
        const hit = safeRegex(`^(?:${r})`)?.exec(path);
        if (!hit) continue;
        const next = ensureSlash(path.slice(hit[0].length));
        notes.push(`${who} stripPrefixRegex ${r}: ${path} → ${next}`);
        return { path: next };
      }
      return { path };
    }
    case 'addPrefix':
      notes.push(`${who} addPrefix ${e.prefix}: ${path} → ${e.prefix}${path}`);
      return { path: `${e.prefix}${path}` };
    case 'replacePath':
      notes.push(`${who} replacePath: ${path} → ${e.path} (X-Replaced-Path: ${path})`);
      return { path: e.path };
    case 'replacePathRegex': {
      const re = safeRegex(e.regex);
      if (!re?.test(path)) return { path };
      const next = path.replace(new RegExp(re.source, 'g'), goReplacement(e.replacement));
      notes.push(`${who} replacePathRegex ${e.regex}: ${path} → ${next}`);
      return { path: next };
    }
    case 'basicAuth':
      if (!req.headers['authorization']) {
        notes.push(`${who} basicAuth: no Authorization header, Traefik answers 401`);
        return { end: { status: 401 } };
      }
      notes.push(
        `${who} basicAuth: an Authorization header is sent; kubetwin does not check the credentials against the Secret`,
      );
      return { path };
    case 'ipAllowList':
      notes.push(
        `${who} ${e.field}: only clients from ${e.sourceRange.join(', ') || 'no range'} are let through; others get ${e.rejectStatusCode} (a route request carries no client address, so kubetwin does not decide it)`,
      );
      return { path };
    case 'other':
      notes.push(`not modeled: ${who} ${e.field} — it may change this answer (headers, answer or backend)`);
      return { path };
  }
}

const ensureSlash = (p: string) => (p.startsWith('/') ? p : `/${p}`);

function safeRegex(src: string): RegExp | undefined {
  try {
    return new RegExp(src);
  } catch {
    return undefined;
  }
}
