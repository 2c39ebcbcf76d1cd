import type { OpenShiftRoute } from '../../model/openshift-route.ts';

/** `abc.xyz` for `www.abc.xyz`: the host without its first label (the router's GetDomainForHost). */
export function subdomainOf(host: string): string | undefined {
  const i = host.indexOf('.');
  return i > 0 && i < host.length - 1 ? host.slice(i + 1) : undefined;
}

/**
 * How the router matches a request's host: the Route's host exactly (case-insensitive); a `Subdomain` wildcard Route
 * any host of one more label (`[^.]*\.<subdomain>`); a Route without host its generated `<name>-<namespace>.<domain>`.
 * https://github.com/openshift/router/blob/master/pkg/router/template/util/util.go (GenerateRouteRegexp)
 */
export function hostMatch(r: OpenShiftRoute, host: string): 'exact' | 'wildcard' | 'generated' | undefined {
  const h = host.toLowerCase();
  if (r.host === undefined) return h.startsWith(`${r.name}-${r.namespace}.`) ? 'generated' : undefined;
  if (r.host === h) return 'exact';
  if (r.wildcardPolicy !== 'Subdomain') return undefined;
  const sub = subdomainOf(r.host);
  return sub !== undefined && h.endsWith(`.${sub}`) && !h.slice(0, -sub.length - 1).includes('.')
    ? 'wildcard'
    : undefined;
}

/**
 * The router's path match (GenerateRouteRegexp): no path or `/` matches every path; a path ending in `/` is a string
 * prefix; any other path matches itself and what lies below it (`/app` matches `/app` and `/app/x`, not `/apple`).
 * https://github.com/openshift/router/blob/master/pkg/router/template/util/util.go
 */
export function pathMatch(routePath: string | undefined, path: string): boolean {
  const p = routePath ?? '';
  if (p.replace(/\/+$/, '') === '') return true;
  if (p.endsWith('/')) return path.startsWith(p);
  return path === p || path.startsWith(`${p}/`);
}
