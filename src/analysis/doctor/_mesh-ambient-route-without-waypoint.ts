import { compileMesh, istioServiceWaypoint } from '../mesh/index.ts';
import { matches, selectorFromMap } from '../../lib/labels.ts';
import type { DoctorRule, Finding } from './types.ts';

const CODE = 'mesh-ambient-route-without-waypoint';

/**
 * A Gateway API route (GAMMA: an HTTPRoute or GRPCRoute whose parentRef is a Service) for a Service whose pods are in
 * Istio ambient mode, with no waypoint serving the Service. ztunnel carries ambient traffic at L4 and applies no HTTP
 * route; only a waypoint does ("to use L7 features … you need a waypoint",
 * https://istio.io/latest/docs/ambient/usage/l7-features/), so ambient clients' requests go to every endpoint of
 * the Service as if the route did not exist (sidecar clients still apply it).
 * https://istio.io/latest/docs/ambient/usage/waypoint/
 */
export const meshAmbientRouteWithoutWaypoint: DoctorRule = {
  code: CODE,
  severity: 'warning',
  summary:
    'an HTTPRoute or GRPCRoute parented to a Service whose pods are in Istio ambient mode, with no waypoint serving the Service: ztunnel (L4) ignores it for ambient clients',
  check({ model }) {
    if (model.mesh?.name !== 'istio') return [];
    const mesh = compileMesh(model);
    const namespaces = new Map(model.namespaces.map((n) => [n.name, n]));
    const findings: Finding[] = [];
    for (const route of model.routing?.routes ?? []) {
      for (const ref of route.parentRefs) {
        if (ref.kind !== 'Service' || (ref.group !== '' && ref.group !== 'core')) continue;
        const ns = ref.namespace ?? route.namespace;
        const svc = model.services.find((s) => s.namespace === ns && s.name === ref.name);
        if (!svc?.selector) continue;
        const sel = selectorFromMap(svc.selector);
        const ambient = model.pods.filter(
          (p) => p.namespace === ns && matches(sel, p.labels) && mesh.ambient(p) !== undefined,
        );
        if (!ambient.length || istioServiceWaypoint(model, svc, namespaces.get(ns))?.gateway) continue;
        findings.push({
          code: CODE,
          severity: 'warning',
          message: `${route.key} routes Service ${ns}/${svc.name}, whose pods are in Istio ambient mode (${ambient[0].namespace}/${ambient[0].name}: ${mesh.ambient(ambient[0])}), but no waypoint serves the Service: ztunnel carries ambient clients' requests at L4 and does not apply the route`,
          objects: [
            { key: route.key, source: route.source },
            { key: svc.key, source: svc.source },
          ],
          breaks: `ambient clients' requests for ${ns}/${svc.name} go to every ready endpoint, ignoring the route's matches, weights, filters and backends (clients with a sidecar still apply it)`,
          fix: `Deploy a waypoint for the Service (istioctl waypoint apply -n ${ns}, then label the Service or namespace istio.io/use-waypoint=waypoint), or remove the route if it is meant only for sidecars.`,
        });
        break;
      }
    }
    return findings;
  },
};
