/**
 * The OpenShift router (HAProxy) over `route.openshift.io/v1` Routes: which Route a request reaches, TLS termination
 * (edge, passthrough, reencrypt) and `insecureEdgeTerminationPolicy`, weighted `alternateBackends`, and the
 * admission the router writes to each Route's status (host claims, wildcard policy). Pure.
 * https://docs.redhat.com/en/documentation/openshift_container_platform/4.17/html/networking/configuring-routes
 */
import type { OpenShiftRoute } from '../../model/openshift-route.ts';
import type {
  DecisionBackend,
  HttpRequest,
  LostCandidate,
  RouteDecision,
  RoutingModel,
} from '../../model/routing.ts';
import type { Service } from '../../model/types.ts';
import { admitRoutes, type AdmissionOptions, type RouteAdmission } from './_admission.ts';
import { hostMatch, pathMatch } from './_match.ts';
import { resolveTarget } from './_backends.ts';

export { admitRoutes, byAge, type RouteAdmission } from './_admission.ts';
export { hostMatch, pathMatch, subdomainOf } from './_match.ts';

export interface OpenShiftRouter {
  readonly routes: readonly OpenShiftRoute[];
  readonly admission: ReadonlyMap<string, RouteAdmission>;
  route(req: HttpRequest, explain?: boolean): RouteDecision;
}

/** Said on every answer through the router: what of the router's configuration kubetwin does not see. */
export const routerAssumptions = [
  'assumed: the default IngressController serves every Route (router sharding by namespaceSelector or routeSelector is not modeled) with routeAdmission namespaceOwnership Strict and wildcardPolicy WildcardsDisallowed',
];

const describe = (r: OpenShiftRoute) =>
  `${r.host ?? `${r.name}-${r.namespace}.<ingress domain>`}${r.path ?? ''}${r.wildcardPolicy === 'Subdomain' ? ' (wildcard Subdomain)' : ''}, ${r.tls ? `${r.tls.termination}${r.tls.termination === 'passthrough' ? '' : `, insecure ${r.tls.insecureEdgeTerminationPolicy}`}` : 'unsecured'}`;

/** How a Route answers a request of `scheme` once host and path match: forward, redirect, or not served on it. */
function served(r: OpenShiftRoute, scheme: 'http' | 'https'): 'forward' | 'redirect' | string {
  const t = r.tls;
  if (scheme === 'https') return t ? 'forward' : 'an unsecured route is not served over HTTPS';
  if (!t) return 'forward';
  const p = t.insecureEdgeTerminationPolicy;
  if (p === 'Redirect') return 'redirect';
  if (p === 'Allow' && t.termination !== 'passthrough') return 'forward';
  return `${t.termination} route with insecureEdgeTerminationPolicy None is not served over HTTP`;
}

/**
 * Compiles the router once: admission, then per request —
 * HTTPS: a passthrough Route for the SNI name (or Host) takes the connection before any HTTP routing (the router
 * reads only the SNI); otherwise edge and reencrypt Routes. HTTP: unsecured Routes, edge/reencrypt Routes with
 * `insecureEdgeTerminationPolicy: Allow`, and Redirect ones (302 to https). Exact hosts before wildcard ones; among
 * the Routes of the host the longest path wins. Nothing matching: the router's own 503.
 * https://docs.redhat.com/en/documentation/openshift_container_platform/4.17/html/networking/configuring-routes
 * https://github.com/openshift/router/blob/master/images/router/haproxy/conf/haproxy-config.template (redirect code 302)
 */
export function compileOpenShiftRouter(
  routing: RoutingModel,
  services: ReadonlyMap<string, Service>,
  opts: AdmissionOptions = {},
): OpenShiftRouter {
  const routes = routing.openshiftRoutes ?? [];
  const admission = admitRoutes(routes, opts);
  const admitted = routes.filter((r) => admission.get(r.key)?.admitted);
  return {
    routes,
    admission,
    route(req, explain = false) {
      const lost: LostCandidate[] = [];
      const lose = (r: OpenShiftRoute, reason: string) =>
        explain && lost.push({ object: r.key, at: 'spec', match: describe(r), reason });
      if (explain)
        for (const r of routes) {
          const a = admission.get(r.key)!;
          if (!a.admitted && hostMatch(r, req.host)) lose(r, `not admitted: ${a.reason} — ${a.message}`);
        }
      const notes: string[] = [];
      const pick = (scheme: 'http' | 'https', host: string, passthroughOnly: boolean) => {
        const hits: { r: OpenShiftRoute; how: ReturnType<typeof served>; rank: number }[] = [];
        for (const r of admitted) {
          const hm = hostMatch(r, host);
          if (!hm) continue;
          if (passthroughOnly !== (r.tls?.termination === 'passthrough')) continue;
          if (!pathMatch(r.path, req.path)) {
            lose(r, `path ${r.path} does not match ${req.path}`);
            continue;
          }
          const how = served(r, scheme);
          if (how !== 'forward' && how !== 'redirect') {
            lose(r, how);
            continue;
          }
          hits.push({ r, how, rank: hm === 'wildcard' ? 1 : 0 });
        }
        hits.sort((a, b) => a.rank - b.rank || (b.r.path ?? '').length - (a.r.path ?? '').length);
        for (const h of hits.slice(1))
          lose(
            h.r,
            `matches, but ${describe(hits[0].r)} wins (exact host before wildcard, then the longest path)`,
          );
        return hits[0];
      };
      let win = req.scheme === 'https' ? pick('https', req.sni ?? req.host, true) : undefined;
      if (win)
        notes.push(
          'passthrough: the router forwards the TLS connection by its SNI name; the pods terminate TLS, and the router never sees the path or headers',
        );
      else win = pick(req.scheme, req.host, false);
      // A passthrough Route with insecureEdgeTerminationPolicy Redirect answers HTTP with a redirect too.
      if (req.scheme === 'http' && !win) win = pick('http', req.host, true);
      const query = req.query.length
        ? `?${req.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`
        : '';
      if (!win)
        return {
          status: 503,
          backends: [],
          mirrors: [],
          lost,
          notes: [
            ...notes,
            'no admitted Route serves this host and path on this scheme: the router answers 503 (its "Application is not available" page)',
          ],
        };
      const r = win.r;
      const winner = { object: r.key, at: 'spec', match: describe(r) };
      if (r.unmodeled.length)
        notes.push(...r.unmodeled.map((p) => `not modeled: ${r.key} ${p} — it may change this answer`));
      const annotations = Object.keys(r.annotations).filter((k) => /(^|\.)router\.openshift\.io\//.test(k));
      if (annotations.length)
        notes.push(
          `not modeled: ${r.key} annotations ${annotations.sort().join(', ')} (timeouts, balancing, IP allow lists, rewrites, rate limits, HSTS) — they may change this answer`,
        );
      if (win.how === 'redirect')
        return {
          status: 302,
          redirect: { status: 302, location: `https://${req.host}${req.path}${query}` },
          winner,
          backends: [],
          mirrors: [],
          lost,
          notes: [
            ...notes,
            `insecureEdgeTerminationPolicy Redirect: the router answers HTTP with 302 to HTTPS`,
          ],
        };
      if (r.tls?.termination === 'reencrypt')
        notes.push(
          `reencrypt: the router terminates TLS and opens a new TLS connection to the pods, validated with ${r.tls.destinationCACertificate ? "the Route's destinationCACertificate" : 'the service CA (service.namespace.svc names)'}; the pods' certificate is not in the input`,
        );
      if (r.tls?.termination === 'edge')
        notes.push('edge: the router terminates TLS and sends plain HTTP to the pods');
      const backends: DecisionBackend[] = [r.to, ...r.alternateBackends].map((t) =>
        resolveTarget(services, r, t, notes),
      );
      if (backends.length && backends.every((b) => b.weight === 0))
        notes.push('every backend has weight 0: the route has no backends and the router answers 503');
      return {
        status: backends.some((b) => b.weight > 0 && !b.problem) ? 200 : 503,
        winner,
        backends,
        mirrors: [],
        lost,
        notes,
      };
    },
  };
}
