import type { ClusterModel } from '../model/types.ts';
import type { OpenShiftRoute } from '../model/openshift-route.ts';
import { admitRoutes } from '../analysis/openshift/index.ts';

const none = '<none>';

/**
 * Rows of `kubetwin get openshiftroutes`, the columns of `oc get routes` (NAME, HOST/PORT, PATH, SERVICES, PORT,
 * TERMINATION, WILDCARD) and ADMITTED, the condition the router writes (`-o wide`: its message). Pure.
 */
export function openshiftRouteRows(
  model: ClusterModel,
  routes: readonly OpenShiftRoute[],
  wide: boolean,
): { headers: string[]; rows: string[][] } {
  const admission = admitRoutes(model.routing?.openshiftRoutes ?? []);
  const rows = routes.map((r) => {
    const a = admission.get(r.key)!;
    const targets = [r.to, ...r.alternateBackends];
    const row = [
      r.name,
      r.host ?? `${r.name}-${r.namespace}.<ingress domain>`,
      r.path ?? '',
      targets.length > 1 ? targets.map((t) => `${t.name}(${t.weight})`).join(',') : r.to.name,
      r.targetPort === undefined ? none : String(r.targetPort),
      r.tls
        ? `${r.tls.termination}${r.tls.termination !== 'passthrough' || r.tls.insecureEdgeTerminationPolicy !== 'None' ? `/${r.tls.insecureEdgeTerminationPolicy}` : ''}`
        : '',
      r.wildcardPolicy,
      a.admitted ? 'True' : `False(${a.reason})`,
    ];
    if (wide) row.push(a.admitted ? a.message || none : a.message);
    return row;
  });
  return {
    headers: [
      'NAME',
      'HOST/PORT',
      'PATH',
      'SERVICES',
      'PORT',
      'TERMINATION',
      'WILDCARD',
      'ADMITTED',
      ...(wide ? ['MESSAGE'] : []),
    ],
    rows,
  };
}

/** `get openshiftroutes -o json|yaml` items: the Route records plus the admission the router writes. */
export function openshiftRouteItems(model: ClusterModel, routes: readonly OpenShiftRoute[]): unknown[] {
  const admission = admitRoutes(model.routing?.openshiftRoutes ?? []);
  return routes.map((r) => ({ kind: 'Route', ...r, status: admission.get(r.key) }));
}
