/**
 * The weights Argo Rollouts leaves in the Istio VirtualServices a canary Rollout routes by
 * (`spec.strategy.canary.trafficRouting.istio`): the controller owns those weights and, once a Rollout is fully
 * promoted (the state kubetwin models, model rule M44), sets every managed route to 100 % stable and 0 % canary,
 * whatever the manifest says. A route is managed when it is named in the Rollout's `routes` list, or is the
 * VirtualService's only HTTP route when the list is absent; a destination is the stable (canary) one by its host
 * (`stableService` / `canaryService`, host-level splitting) or, with `istio.destinationRule`, by its subset
 * (`stableSubsetName` / `canarySubsetName`, subset-level splitting). Pure.
 * https://argoproj.github.io/argo-rollouts/features/traffic-management/istio/
 */
import type { IstioDestination, IstioHttpRoute, VirtualService } from '../../model/mesh.ts';
import type { Envelope } from '../_envelope.ts';

interface Managed {
  readonly namespace: string;
  readonly vs: string;
  /** Undefined: the VirtualService's only HTTP route. */
  readonly routes?: readonly string[];
  readonly stable: (d: IstioDestination) => boolean;
  readonly canary: (d: IstioDestination) => boolean;
}

/** A destination host naming Service `name` of `ns` (short, `name.ns`, `name.ns.svc…`). */
const names = (host: string, name: string, ns: string) =>
  host === name || host === `${name}.${ns}` || host.startsWith(`${name}.${ns}.svc`);

function managedBy(env: Envelope): Managed[] {
  const f = env.f;
  const at = ['spec', 'strategy', 'canary'];
  const istio = [...at, 'trafficRouting', 'istio'];
  if (f.get(istio) === undefined) return [];
  const ns = env.namespace as string;
  const stableService = f.str([...at, 'stableService']);
  const canaryService = f.str([...at, 'canaryService']);
  const stableSubset = f.str([...istio, 'destinationRule', 'stableSubsetName']);
  const canarySubset = f.str([...istio, 'destinationRule', 'canarySubsetName']);
  const bySubset = stableSubset !== undefined && canarySubset !== undefined;
  const stable = (d: IstioDestination) =>
    bySubset ? d.subset === stableSubset : !!stableService && names(d.host, stableService, ns);
  const canary = (d: IstioDestination) =>
    bySubset ? d.subset === canarySubset : !!canaryService && names(d.host, canaryService, ns);
  const refs = [
    ...(f.get([...istio, 'virtualService']) !== undefined ? [[...istio, 'virtualService']] : []),
    ...f.list([...istio, 'virtualServices']).map((_, i) => [...istio, 'virtualServices', i]),
  ];
  return refs.flatMap((ref) => {
    const name = f.str([...ref, 'name']);
    if (!name) return [];
    const routes = f.get([...ref, 'routes']);
    return [
      {
        namespace: ns,
        vs: name,
        ...(Array.isArray(routes)
          ? { routes: f.list([...ref, 'routes']).map((_, i) => f.str([...ref, 'routes', i]) ?? '') }
          : {}),
        stable,
        canary,
      },
    ];
  });
}

function atRest(route: IstioHttpRoute, m: Managed): IstioHttpRoute {
  if (!route.route.some((d) => m.stable(d)) || !route.route.some((d) => m.canary(d))) return route;
  return {
    ...route,
    route: route.route.map((d) =>
      m.stable(d) ? { ...d, weight: 100 } : m.canary(d) ? { ...d, weight: 0 } : d,
    ),
  };
}

/** The VirtualServices with the weights every canary Rollout of `envs` leaves at rest in the routes it manages. */
export function rolloutWeightsAtRest(
  envs: readonly Envelope[],
  virtualServices: readonly VirtualService[],
): VirtualService[] {
  const managed = envs
    .filter((e) => e.kind === 'Rollout' && e.group === 'argoproj.io' && !e.f.invalid)
    .flatMap(managedBy);
  if (!managed.length) return [...virtualServices];
  return virtualServices.map((vs) => {
    const mine = managed.filter((m) => m.namespace === vs.namespace && m.vs === vs.name);
    if (!mine.length) return vs;
    const http = vs.http.map((r) =>
      mine.reduce(
        (acc, m) =>
          (m.routes ? r.name !== undefined && m.routes.includes(r.name) : vs.http.length === 1)
            ? atRest(acc, m)
            : acc,
        r,
      ),
    );
    return { ...vs, http };
  });
}
