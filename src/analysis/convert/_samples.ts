import type { HttpRequest, Ingress } from '../../model/routing.ts';
import { canaryPolicy, ingressHostMatch, isCanary } from '../ingress/index.ts';
import type { Sample } from './_types.ts';

const unknownHost = 'unknown-host.invalid';

/**
 * Sample requests derived from every host and path of the Ingresses, with the edge cases where routers
 * disagree: prefix boundaries (`/p/sub`, `/px`, `/p/`), Exact with a trailing slash, a wildcard host one and two
 * labels deep, an unknown host, `/` on every host (the defaultBackend when nothing matches); over plain HTTP,
 * and over HTTPS for hosts a TLS entry covers. Deterministic and de-duplicated.
 * https://kubernetes.io/docs/concepts/services-networking/ingress/#examples
 */
export function samplesFor(ingresses: readonly Ingress[]): Sample[] {
  const out = new Map<string, Sample>();
  const tlsHosts = ingresses.flatMap((i) => i.tls.flatMap((t) => (t.hosts.length ? t.hosts : ['*'])));
  const hasTls = (host: string) => tlsHosts.some((h) => h === '*' || ingressHostMatch(h, host));
  const add = (host: string, path: string, why: string, extra: Record<string, string> = {}) => {
    for (const scheme of hasTls(host) ? (['http', 'https'] as const) : (['http'] as const)) {
      const request: HttpRequest = {
        scheme,
        host,
        port: scheme === 'https' ? 443 : 80,
        path,
        query: [],
        method: 'GET',
        headers: { ...extra, host },
      };
      const url = key(request);
      if (!out.has(url)) out.set(url, { request, why });
    }
  };
  const hostsOf = (h: string | undefined): string[] =>
    h === undefined
      ? [unknownHost]
      : h.startsWith('*.')
        ? [`sample${h.slice(1)}`, `a.sample${h.slice(1)}`]
        : [h];
  for (const ing of ingresses) {
    ing.rules.forEach((r, i) =>
      r.paths.forEach((p, j) => {
        const at = `${ing.key} spec.rules[${i}].http.paths[${j}]`;
        for (const host of hostsOf(r.host)) {
          add(host, p.path, `${p.pathType} ${p.path} of ${at}`);
          add(host, '/', `root of host (${at})`);
          if (p.pathType === 'Exact')
            add(
              host,
              p.path.endsWith('/') ? p.path.slice(0, -1) || '/' : `${p.path}/`,
              `Exact with/without trailing slash (${at})`,
            );
          else {
            const base = p.path.endsWith('/') && p.path !== '/' ? p.path.slice(0, -1) : p.path;
            add(host, `${base === '/' ? '' : base}/sub`, `below the prefix (${at})`);
            if (base !== '/') {
              add(host, `${base}x`, `prefix boundary: not an element match (${at})`);
              add(host, `${base}/`, `prefix with trailing slash (${at})`);
              if (base !== p.path) add(host, base, `prefix without its trailing slash (${at})`);
              add(
                host,
                base.toUpperCase() === base ? base.toLowerCase() : base.toUpperCase(),
                `case of the path (${at})`,
              );
            }
          }
        }
      }),
    );
    if (ing.defaultBackend) add(unknownHost, '/anything', `defaultBackend of ${ing.key}`);
    if (isCanary(ing)) canarySamples(ing, hostsOf, add);
    if (ing.annotations['nginx.ingress.kubernetes.io/from-to-www-redirect'] === 'true')
      for (const r of ing.rules)
        if (r.host && !r.host.startsWith('*.')) {
          const other = r.host.startsWith('www.') ? r.host.slice(4) : `www.${r.host}`;
          add(other, '/sub', `from-to-www-redirect of ${ing.key}`);
        }
  }
  add(unknownHost, '/', 'unknown host');
  return [...out.values()].sort((a, b) =>
    key(a.request) < key(b.request) ? -1 : key(a.request) > key(b.request) ? 1 : 0,
  );
}

/**
 * The requests that exercise an ingress-nginx canary on each of its paths: its header set to `always`, `never`, its
 * value and another value, and its cookie set to `always` and `never`.
 * https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#canary
 */
function canarySamples(
  ing: Ingress,
  hostsOf: (h: string | undefined) => string[],
  add: (host: string, path: string, why: string, extra: Record<string, string>) => void,
) {
  const pol = canaryPolicy(ing, []);
  const asks: Record<string, string>[] = [];
  if (pol.header)
    for (const v of ['always', 'never', 'other', ...(pol.headerValue ? [pol.headerValue] : [])])
      asks.push({ [pol.header]: v });
  if (pol.cookie) for (const v of ['always', 'never']) asks.push({ cookie: `${pol.cookie}=${v}` });
  ing.rules.forEach((r, i) =>
    r.paths.forEach((p, j) => {
      for (const host of hostsOf(r.host))
        for (const extra of asks)
          add(host, p.path, `canary of ${ing.key} spec.rules[${i}].http.paths[${j}]`, extra);
    }),
  );
}

export const key = (r: HttpRequest) => {
  const extra = Object.entries(r.headers)
    .filter(([k]) => k !== 'host')
    .map(([k, v]) => `${k}: ${v}`)
    .sort();
  return `${r.scheme}://${r.host}${r.path}${extra.length ? ` [${extra.join('; ')}]` : ''}`;
};
