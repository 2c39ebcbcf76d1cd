import type { ClusterModel } from '../../model/types.ts';
import { lookup } from '../../model/lookup.ts';
import { admitRoutes } from '../openshift/index.ts';
import type { DoctorRule, Finding } from './types.ts';

/**
 * OpenShift Routes the router refuses: a host another Route already claims (HostAlreadyClaimed — the oldest Route
 * with a host owns it for its namespace; in that namespace the oldest with the same host and path), or a wildcard
 * Route where wildcards are not allowed (RouteNotAdmitted).
 * https://docs.redhat.com/en/documentation/openshift_container_platform/4.17/html/network_apis/route-route-openshift-io-v1
 * https://github.com/openshift/openshift-docs/pull/2886
 */
export const openshiftRouteNotAdmitted: DoctorRule = {
  code: 'openshift-route-not-admitted',
  severity: 'error',
  summary:
    'an OpenShift Route the router does not admit: its host is already claimed by an older Route (HostAlreadyClaimed), or it is a wildcard Route (RouteNotAdmitted)',
  check: ({ model }) => {
    const routes = model.routing?.openshiftRoutes ?? [];
    if (!routes.length) return [];
    const admission = admitRoutes(routes);
    const out: Finding[] = [];
    for (const r of routes) {
      const a = admission.get(r.key)!;
      if (a.admitted) continue;
      const holder = routes.find((x) => x.key === a.claimedBy);
      out.push({
        code: 'openshift-route-not-admitted',
        severity: 'error',
        message: `Route ${r.namespace}/${r.name}: Admitted False (${a.reason}) — ${a.message}`,
        objects: [
          { key: r.key, source: r.source },
          ...(holder ? [{ key: holder.key, source: holder.source }] : []),
        ],
        breaks:
          a.reason === 'HostAlreadyClaimed'
            ? `the router does not serve this Route: requests for ${r.host}${r.path ?? ''} go to ${holder ? `${holder.namespace}/${holder.name}` : 'the older Route'} or get 503`
            : 'the router does not serve this Route: requests for its subdomain get 503',
        fix:
          a.reason === 'HostAlreadyClaimed'
            ? 'Use another host, or a distinct path in the namespace that owns the host (or delete the older Route).'
            : 'Set wildcardPolicy: None, or allow wildcards on the IngressController (spec.routeAdmission.wildcardPolicy: WildcardsAllowed).',
      });
    }
    return out;
  },
};

/** A Route target naming a Service that does not exist in the Route's namespace, for `backend-not-found`. */
export function openshiftRouteBackendProblems(model: ClusterModel): Finding[] {
  const out: Finding[] = [];
  for (const r of model.routing?.openshiftRoutes ?? [])
    for (const t of [r.to, ...r.alternateBackends]) {
      if (lookup(model).serviceByRef(`${r.namespace}/${t.name}`)) continue;
      out.push({
        code: 'backend-not-found',
        severity: 'error',
        message: `Route ${r.namespace}/${r.name} ${t.at}: Service ${r.namespace}/${t.name} does not exist`,
        objects: [{ key: r.key, source: r.source ? { ...r.source, path: t.at } : undefined }],
        breaks:
          t.at === 'spec.to' && !r.alternateBackends.length
            ? 'the router has no endpoints for this Route and answers 503'
            : `the share of requests weighted to ${t.name} (${t.weight}) is lost; the router sends the rest to the other backends`,
        fix: 'Point the Route at an existing Service in its namespace.',
      });
    }
  return out;
}
