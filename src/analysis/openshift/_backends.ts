import type { DecisionBackend } from '../../model/routing.ts';
import type { OpenShiftRoute, RouteTarget } from '../../model/openshift-route.ts';
import type { Service } from '../../model/types.ts';

/**
 * A Route target as the router resolves it: the Service in the Route's namespace; `spec.port.targetPort` picks the
 * endpoints' port by name (the Service port's name) or number (the Service port's targetPort); without it the first
 * Service port, and the router balances over the endpoints of every port (said in `notes`). A weight of 0 sends no
 * request. https://docs.redhat.com/en/documentation/openshift_container_platform/4.17/html/network_apis/route-route-openshift-io-v1
 * (RoutePort: "the port to be used by the router"; RouteTargetReference: weight)
 */
export function resolveTarget(
  services: ReadonlyMap<string, Service>,
  route: OpenShiftRoute,
  t: RouteTarget,
  notes: string[],
): DecisionBackend {
  const base = { namespace: route.namespace, name: t.name, weight: t.weight };
  const svc = services.get(`${route.namespace}/${t.name}`);
  if (!svc)
    return {
      ...base,
      problem: `Service ${route.namespace}/${t.name} not found: the router has no endpoints for it`,
    };
  const tp = route.targetPort;
  if (tp === undefined) {
    const first = svc.ports[0];
    if (!first) return { ...base, problem: `Service ${route.namespace}/${t.name} has no ports` };
    if (svc.ports.length > 1)
      notes.push(
        `${route.key} has no spec.port: the router balances over the endpoints of every port of Service ${route.namespace}/${t.name}; kubetwin shows its first port ${first.port}`,
      );
    return { ...base, port: first.port };
  }
  const p =
    typeof tp === 'string'
      ? (svc.ports.find((x) => x.name === tp) ?? svc.ports.find((x) => x.targetPort === tp))
      : svc.ports.find((x) => x.targetPort === tp);
  if (p) return { ...base, port: p.port };
  const byServicePort = typeof tp === 'number' ? svc.ports.find((x) => x.port === tp) : undefined;
  return {
    ...base,
    problem: byServicePort
      ? `spec.port.targetPort ${tp} is Service ${route.namespace}/${t.name}'s port, not a target port: the router selects endpoints by target port (${byServicePort.targetPort}) and finds none`
      : `Service ${route.namespace}/${t.name} has no port named or targeting ${tp} (ports: ${svc.ports.map((x) => `${x.name ? `${x.name}=` : ''}${x.port}->${x.targetPort}`).join(', ') || 'none'})`,
  };
}
