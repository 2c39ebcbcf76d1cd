import type { HttpRequest, Ingress } from '../../model/routing.ts';

const p = 'nginx.ingress.kubernetes.io/';
type Redirect = { readonly status: number; readonly location: string };

/**
 * ingress-nginx `app-root`: the server answers a request for `/` with 302 to `$scheme://$http_host<app-root>`,
 * before any location is chosen (a server-level `if ($uri = /)`); the first Ingress of the host that sets it wins.
 * https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#app-root
 */
export function appRootRedirect(
  ingresses: readonly Ingress[],
  req: HttpRequest,
  notes: string[],
): Redirect | undefined {
  if (req.path !== '/') return undefined;
  const ing = ingresses.find((i) => i.annotations[`${p}app-root`]);
  if (!ing) return undefined;
  const root = ing.annotations[`${p}app-root`];
  const port = req.port === (req.scheme === 'https' ? 443 : 80) ? '' : `:${req.port}`;
  notes.push(`ingress-nginx app-root of ${ing.key}: a request for / is redirected (302) to ${root}`);
  return { status: 302, location: `${req.scheme}://${req.host}${port}${root}` };
}

const code = (v: string | undefined, fallback: number) => {
  const n = Number(v);
  return Number.isInteger(n) && n >= 300 && n <= 308 ? n : fallback;
};

/**
 * ingress-nginx `temporal-redirect` (302, or `temporal-redirect-code`) and `permanent-redirect` (301, or
 * `permanent-redirect-code`; a code outside 300–308 falls back to the default): every request of the Ingress's
 * paths is answered with a redirect to the URL as written, nothing is sent upstream; temporal is read first. A
 * URL that is not http(s) makes the annotation invalid (ignored, with a note). Both are nginx `return`s, which run
 * before the ssl-redirect of the rewrite phase.
 * https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#permanent-redirect
 * https://github.com/kubernetes/ingress-nginx/blob/main/internal/ingress/annotations/redirect/redirect.go
 */
export function annotationRedirect(ing: Ingress, notes: string[]): Redirect | undefined {
  const a = ing.annotations;
  for (const [kind, dflt] of [
    ['temporal', 302],
    ['permanent', 301],
  ] as const) {
    const url = a[`${p}${kind}-redirect`];
    if (!url) continue;
    if (!/^https?:\/\//i.test(url)) {
      notes.push(
        `ingress-nginx ignores ${kind}-redirect "${url}" of ${ing.key}: only http and https URLs are valid`,
      );
      continue;
    }
    const status = code(a[`${p}${kind}-redirect-code`], dflt);
    notes.push(
      `ingress-nginx ${kind}-redirect of ${ing.key}: answered ${status} to ${url}, nothing is sent upstream${url.includes('$') ? ' (nginx variables in the URL are not expanded by kubetwin)' : ''}`,
    );
    return { status, location: url };
  }
  return undefined;
}

/**
 * nginx's missing-trailing-slash redirect under ingress-nginx: a location whose name ends in `/` and that proxies
 * (every ingress-nginx location does) answers a request for its name without the slash with 301 to the name with
 * it — unless a location is named exactly that (nginx looks locations up by name before any regex). ingress-nginx
 * names its locations: Exact `= path`; Prefix (outside regex mode) `path/` plus `= path` for the path as written,
 * so only a Prefix path written with its trailing slash (`/foo/`) leaves `/foo` without an exact location;
 * ImplementationSpecific `path` as written; in regex mode (use-regex, rewrite-target) Prefix and
 * ImplementationSpecific are regexes and redirect nothing. The Location is absolute, without the port
 * (ingress-nginx turns `port_in_redirect` off unless `use-port-in-redirects`), query kept.
 * https://nginx.org/en/docs/http/ngx_http_core_module.html#location
 * https://github.com/kubernetes/ingress-nginx/blob/main/internal/ingress/controller/location.go (updateServerLocations)
 */
export function trailingSlashRedirect(
  locations: readonly { readonly path: string; readonly pathType: string; readonly key: string }[],
  regexOn: boolean,
  req: HttpRequest,
  query: string,
  notes: string[],
): { redirect: Redirect; index: number } | undefined {
  if (req.path.endsWith('/')) return undefined;
  const names = locations.map((l) =>
    l.pathType === 'Exact'
      ? [l.path]
      : regexOn
        ? []
        : l.pathType === 'Prefix'
          ? l.path === '/'
            ? ['/']
            : [l.path.endsWith('/') ? l.path : `${l.path}/`, l.path]
          : [l.path],
  );
  if (names.some((n) => n.includes(req.path))) return undefined;
  const index = names.findIndex((n) => n.includes(`${req.path}/`));
  if (index < 0) return undefined;
  notes.push(
    `nginx answers ${req.path} with 301 to ${req.path}/: the location ${req.path}/ (${locations[index].key}) ends with a slash and no location is named ${req.path}`,
  );
  return { redirect: { status: 301, location: `${req.scheme}://${req.host}${req.path}/${query}` }, index };
}

/** The entries whose Ingress sets `from-to-www-redirect: "true"` (the only ones `wwwRedirect` reads). */
export const wwwAnnotated = <E extends { readonly ingress: Ingress }>(entries: readonly E[]): E[] =>
  entries.filter((e) => e.ingress.annotations[`${p}from-to-www-redirect`] === 'true');

/**
 * ingress-nginx `from-to-www-redirect`: for each host of an Ingress with the annotation, the other spelling
 * (`www.` added or removed) gets a server of its own — unless some Ingress already has that host — that answers
 * every request with 308 (the `http-redirect-code` default) to the same scheme on the annotated host and the
 * request URI, one trailing `/` of it removed.
 * https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#redirect-fromto-www
 * https://github.com/kubernetes/ingress-nginx/blob/main/rootfs/etc/nginx/template/nginx.tmpl (redirect servers)
 */
export function wwwRedirect(
  hosts: ReadonlySet<string | undefined>,
  annotated: readonly { readonly host?: string; readonly ingress: Ingress }[],
  req: HttpRequest,
  query: string,
  notes: string[],
): (Redirect & { ingress: Ingress }) | undefined {
  if (!annotated.length) return undefined;
  const h = req.host.toLowerCase();
  if (hosts.has(h)) return undefined;
  const other = h.startsWith('www.') ? h.slice(4) : `www.${h}`;
  const from = annotated.find((e) => e.host === other);
  if (!from) return undefined;
  const uri = `${req.path}${query}`;
  const location = `${req.scheme}://${other}${uri.endsWith('/') ? uri.slice(0, -1) : uri}`;
  notes.push(
    `ingress-nginx from-to-www-redirect of ${from.ingress.key}: no Ingress has host ${h}, so its redirect server answers 308 to ${other}`,
  );
  return { status: 308, location, ingress: from.ingress };
}
