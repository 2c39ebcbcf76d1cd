/**
 * Istio ambient waypoints for a connection from an ambient client to a Service: which waypoint the Service is
 * bound to, the AuthorizationPolicies the waypoint enforces (those whose `targetRefs` name its Gateway, the
 * Service, or the `istio-waypoint` GatewayClass from the root namespace), and the identity the server's ztunnel
 * then sees (the waypoint's, not the client's).
 * https://istio.io/latest/docs/ambient/usage/waypoint/
 * https://istio.io/latest/docs/ambient/usage/l7-features/
 * https://istio.io/latest/docs/ambient/usage/l4-policy/#authorization-policy-attachment
 */
import type { AuthorizationPolicy } from '../../../model/mesh.ts';
import type { Gateway } from '../../../model/routing.ts';
import type { ClusterModel, Namespace, Pod, Service } from '../../../model/types.ts';

const USE = 'istio.io/use-waypoint';
const USE_NS = 'istio.io/use-waypoint-namespace';
const FOR = 'istio.io/waypoint-for';

export interface Waypoint {
  /** `namespace/name` of the waypoint's Gateway. */
  readonly name: string;
  readonly namespace: string;
  /** What bound the Service to it, in words. */
  readonly boundBy: string;
  readonly gateway?: Gateway;
  /** The waypoint's pods (labelled with its Gateway's name), sorted by key. */
  readonly pods: readonly Pod[];
}

/**
 * The waypoint that traffic addressed to `svc` goes through, or undefined: `istio.io/use-waypoint` on the
 * Service, else on its namespace (`none` opts out), with `istio.io/use-waypoint-namespace` naming another
 * namespace; a waypoint whose Gateway says `istio.io/waypoint-for: workload` or `none` takes no Service traffic
 * (`service`, the default, and `all` do).
 * https://istio.io/latest/docs/ambient/usage/waypoint/#configure-a-service-to-use-a-specific-waypoint
 */
export function serviceWaypointOf(
  model: ClusterModel,
  svc: Service,
  ns: Namespace | undefined,
): Waypoint | undefined {
  const own = svc.labels[USE];
  const from = own !== undefined ? svc.labels : ns?.labels;
  const name = from?.[USE];
  if (!from || name === undefined || name === 'none') return undefined;
  const namespace = from[USE_NS] ?? svc.namespace;
  const boundBy = `${own !== undefined ? `Service ${svc.namespace}/${svc.name}` : `namespace ${svc.namespace}`} label ${USE}=${name}`;
  const gateway = model.routing?.gateways.find(
    (g) => g.namespace === namespace && g.name === name && g.gatewayClassName === 'istio-waypoint',
  );
  const pods = model.pods.filter(
    (p) =>
      p.namespace === namespace &&
      (p.labels['gateway.networking.k8s.io/gateway-name'] === name ||
        p.labels['istio.io/gateway-name'] === name),
  );
  const w = { name, namespace, boundBy, ...(gateway ? { gateway } : {}), pods };
  const kind = gateway?.labels[FOR] ?? 'service';
  return kind === 'service' || kind === 'all' || !gateway ? w : undefined;
}

/**
 * The AuthorizationPolicies a waypoint enforces for traffic to `svc`: `targetRefs` naming its Gateway (in the
 * waypoint's namespace), the Service (in the Service's namespace), or the GatewayClass `istio-waypoint` (in the
 * root namespace). A `ServiceEntry` target never names a Kubernetes Service.
 */
export function waypointPolicies(
  policies: readonly AuthorizationPolicy[],
  rootNamespace: string,
  w: Waypoint,
  svc: Service,
): AuthorizationPolicy[] {
  return policies.filter((p) =>
    (p.targets ?? []).some(
      (t) =>
        (t.kind === 'Gateway' &&
          t.group === 'gateway.networking.k8s.io' &&
          p.namespace === w.namespace &&
          t.name === w.name) ||
        (t.kind === 'Service' && t.group === '' && p.namespace === svc.namespace && t.name === svc.name) ||
        (t.kind === 'GatewayClass' &&
          t.group === 'gateway.networking.k8s.io' &&
          p.namespace === rootNamespace &&
          t.name === 'istio-waypoint'),
    ),
  );
}

/**
 * What the waypoint may do to the connection that kubetwin does not model: routes bound to the Service (GAMMA
 * HTTPRoutes and L4 routes with a Service parentRef, VirtualServices naming it) may send it elsewhere or change
 * it. `gamma`: the request was routed by the Service's HTTPRoutes and GRPCRoutes (`_waypoint-route.ts`), so they
 * are no gap. Empty: the waypoint forwards it as modeled.
 */
export function waypointRouteGaps(
  model: ClusterModel,
  svc: Service,
  opts: { readonly gamma?: boolean } = {},
): string[] {
  const domain = model.profile.clusterDomain;
  const names = new Set([
    svc.name,
    `${svc.name}.${svc.namespace}`,
    `${svc.name}.${svc.namespace}.svc`,
    `${svc.name}.${svc.namespace}.svc.${domain}`,
  ]);
  const routing = model.routing;
  const routes = [...(opts.gamma ? [] : (routing?.routes ?? [])), ...(routing?.l4Routes ?? [])].filter((r) =>
    r.parentRefs.some(
      (ref) =>
        ref.kind === 'Service' &&
        (ref.group === '' || ref.group === 'core') &&
        ref.name === svc.name &&
        (ref.namespace ?? r.namespace) === svc.namespace,
    ),
  );
  const vs = (model.mesh?.virtualServices ?? []).filter((v) =>
    v.hosts.some((h) => names.has(h) || h === '*'),
  );
  return [...routes, ...vs].map(
    (r) =>
      `${r.key} routes Service ${svc.namespace}/${svc.name} at the waypoint, which kubetwin does not model`,
  );
}
