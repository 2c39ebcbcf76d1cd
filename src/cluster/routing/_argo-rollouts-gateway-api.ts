/**
 * The weights Argo Rollouts' Gateway API plugin (`trafficRouting.plugins["argoproj-labs/gatewayAPI"]`) leaves in the
 * HTTPRoutes a canary Rollout routes by: the plugin owns the weights of the backendRefs that name the Rollout's
 * `stableService` and `canaryService`, and once the Rollout is fully promoted (the state kubetwin models, model rule
 * M44) the canary gets 0 and the stable 100, whatever the manifest says — an HTTPRoute written with both backends
 * and no weights (weight 1 each, a 50/50 split as written) sends everything to stable. A route is managed when
 * `httpRoute` or `httpRoutes[].name` names it, in the plugin's `namespace` (else the Rollout's). Pure.
 * https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi (README, "Canary deployments")
 */
import type { BackendRef, HTTPRoute } from '../../model/routing.ts';
import type { Envelope } from '../_envelope.ts';

const plugin = 'argoproj-labs/gatewayAPI';

interface Managed {
  readonly namespace: string;
  readonly routes: readonly string[];
  readonly stable: string;
  readonly canary: string;
}

function managedBy(env: Envelope): Managed | undefined {
  const f = env.f;
  const canaryAt = ['spec', 'strategy', 'canary'];
  const at = [...canaryAt, 'trafficRouting', 'plugins', plugin];
  if (f.get(at) === undefined) return undefined;
  const stable = f.str([...canaryAt, 'stableService']);
  const canary = f.str([...canaryAt, 'canaryService']);
  if (!stable || !canary) return undefined;
  const one = f.str([...at, 'httpRoute']);
  const many = f.list([...at, 'httpRoutes']).map((_, i) => f.str([...at, 'httpRoutes', i, 'name']) ?? '');
  return {
    namespace: f.str([...at, 'namespace']) ?? (env.namespace as string),
    routes: [...(one ? [one] : []), ...many.filter(Boolean)],
    stable,
    canary,
  };
}

const isService = (b: BackendRef, name: string, ns: string, routeNs: string) =>
  b.kind === 'Service' && b.group === '' && b.name === name && (b.namespace ?? routeNs) === ns;

/** The HTTPRoutes with the weights every canary Rollout's Gateway API plugin leaves at rest in the routes it manages. */
export function gatewayApiWeightsAtRest(
  envs: readonly Envelope[],
  routes: readonly HTTPRoute[],
): HTTPRoute[] {
  const managed = envs
    .filter((e) => e.kind === 'Rollout' && e.group === 'argoproj.io' && !e.f.invalid)
    .flatMap((e) => {
      const m = managedBy(e);
      return m ? [{ ...m, rolloutNs: e.namespace as string }] : [];
    });
  if (!managed.length) return [...routes];
  return routes.map((route) => {
    const mine = managed.filter(
      (m) => route.kind === 'HTTPRoute' && m.namespace === route.namespace && m.routes.includes(route.name),
    );
    if (!mine.length) return route;
    const rules = route.rules.map((rule) =>
      mine.reduce((r, m) => {
        const stable = (b: BackendRef) => isService(b, m.stable, m.rolloutNs, route.namespace);
        const canary = (b: BackendRef) => isService(b, m.canary, m.rolloutNs, route.namespace);
        if (!r.backendRefs.some(stable) || !r.backendRefs.some(canary)) return r;
        return {
          ...r,
          backendRefs: r.backendRefs.map((b) =>
            stable(b) ? { ...b, weight: 100 } : canary(b) ? { ...b, weight: 0 } : b,
          ),
        };
      }, rule),
    );
    return { ...route, rules };
  });
}
