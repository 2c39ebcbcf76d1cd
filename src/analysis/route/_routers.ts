/**
 * The routers a request from outside can enter through, as `--via` values: each IngressClass (and each class an
 * Ingress names without one), each Gateway API Gateway, each Istio Gateway (networking.istio.io), and the
 * OpenShift router when Routes exist. `route` without `--via` takes the only one, or lists them.
 */
import type { ClusterModel } from '../../model/types.ts';
import { unmodeledObjects } from '../unmodeled/index.ts';

/**
 * The routing objects of kinds kubetwin does not model (Contour's HTTPProxy, NGINX's VirtualServer, Kong's
 * TCPIngress…), named when no router can be picked: they are what serves the input's hosts, and kubetwin cannot
 * route through them.
 */
function unmodeledRouters(model: ClusterModel): string {
  const list = unmodeledObjects(model)
    .filter((o) => o.affects.includes('routing'))
    .map((o) => `${o.kind} (${o.group}) ${o.namespace ? `${o.namespace}/` : ''}${o.name}`);
  if (!list.length) return '';
  const shown = list.length > 3 ? [...list.slice(0, 3), `and ${list.length - 3} more`] : list;
  return `; it has routing objects of kinds kubetwin does not model (${shown.join(', ')}): kubetwin cannot route through them`;
}

export function routerCandidates(model: ClusterModel): string[] {
  const r = model.routing;
  const istio = (model.mesh?.istioGateways ?? []).map((g) => `istio-gateway:${g.namespace}/${g.name}`).sort();
  if (!r) return istio;
  const classes = new Set<string>(r.ingressClasses.map((c) => c.name));
  for (const i of r.ingresses) {
    const named = i.ingressClassName ?? i.classAnnotation;
    if (named) classes.add(named);
  }
  return [
    ...[...classes].sort().map((c) => `ingress-class:${c}`),
    ...r.gateways.map((g) => `gateway:${g.namespace}/${g.name}`).sort(),
    ...(r.openshiftRoutes?.length ? ['router'] : []),
    ...istio,
  ];
}

/** The `--via` to use when none was given: the only router, or why there is none to pick (the web UI preselects one of several instead: src/http/_ask.ts `defaultVia`). */
export function onlyRouter(model: ClusterModel): { via: string } | { error: string } {
  const all = routerCandidates(model);
  if (all.length === 1) return { via: all[0] };
  if (!all.length) {
    const classless = model.routing?.ingresses.length ?? 0;
    return {
      error: classless
        ? `--via is needed: the input has ${classless} Ingress(es) but no IngressClass and no class named on them (doctor: ingress-class-unresolved); give --via ingress-class:NAME for the controller that serves them`
        : `--via is needed: the input has no IngressClass, Gateway (Gateway API or Istio) or OpenShift Route (for east-west traffic use --via mesh --from NS/NAME)${unmodeledRouters(model)}`,
    };
  }
  return { error: `--via is needed: the input has ${all.length} routers: ${all.join(', ')}` };
}
