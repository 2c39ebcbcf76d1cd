/**
 * Resolves the `ExtensionRef` filters of HTTPRoutes and GRPCRoutes against the input: the referent is the object of
 * the filter's `group`, `kind` and `name` in the route's own namespace (a LocalObjectReference). The Gateway API
 * says an unresolvable one is not skipped ("If a reference to a custom filter type cannot be resolved, the filter
 * MUST NOT be skipped. Instead, requests that would have been processed by that filter MUST receive a HTTP error
 * response"); Envoy Gateway, for one, sets ResolvedRefs=False and answers 500 (internal/gatewayapi/filters.go,
 * processExtensionRefHTTPFilter). The referents are usually kinds kubetwin does not read (Envoy Gateway's
 * HTTPRouteFilter, a Traefik Middleware), so they are looked up among the raw objects. Pure.
 * https://gateway-api.sigs.k8s.io/reference/spec/#httproutefilter
 */
import type { RawObject } from '../../parse/raw-object.ts';
import type { HTTPRoute, RouteFilter, RoutingModel } from '../../model/routing.ts';

const refKey = (group: string, kind: string, namespace: string, name: string) =>
  `${group}/${kind}/${namespace}/${name}`;

/** `group/kind/namespace/name` of every raw object (namespace as written, else `defaultNamespace`). */
function presentKeys(objects: readonly RawObject[], defaultNamespace: string): Set<string> {
  const keys = new Set<string>();
  for (const { body } of objects) {
    const { apiVersion, kind } = body;
    const meta = body.metadata as Record<string, unknown> | undefined;
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof meta?.name !== 'string')
      continue;
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const ns = typeof meta.namespace === 'string' && meta.namespace ? meta.namespace : defaultNamespace;
    keys.add(refKey(group, kind, ns, meta.name));
  }
  return keys;
}

const hasExtensionRef = (filters: readonly RouteFilter[] | undefined) =>
  !!filters?.some((f) => f.type === 'ExtensionRef');

/**
 * `routing` with each route's ExtensionRef filters marked `resolved` (true or false; left unset for a route read back
 * from a cluster whose referent the input lacks); the same object when there are none.
 */
export function resolveExtensionRefs(
  routing: RoutingModel,
  objects: readonly RawObject[],
  defaultNamespace: string,
): RoutingModel {
  const uses = (r: HTTPRoute) =>
    r.rules.some(
      (rule) => hasExtensionRef(rule.filters) || rule.backendRefs.some((b) => hasExtensionRef(b.filters)),
    );
  if (!routing.routes.some(uses)) return routing;
  const present = presentKeys(objects, defaultNamespace);
  // A route read back from a cluster (it carries a creationTimestamp: a live read or a `kubectl get` dump) comes
  // without the filter kinds kubetwin does not list: a referent missing from such an input is left undecided.
  const mark = (filters: readonly RouteFilter[], r: HTTPRoute): RouteFilter[] =>
    filters.map((f) => {
      if (f.type !== 'ExtensionRef') return f;
      if (present.has(refKey(f.group, f.kind, r.namespace, f.name))) return { ...f, resolved: true };
      return r.creationTimestamp ? f : { ...f, resolved: false };
    });
  const routes = routing.routes.map((r) =>
    uses(r)
      ? {
          ...r,
          rules: r.rules.map((rule) => ({
            ...rule,
            filters: mark(rule.filters, r),
            backendRefs: rule.backendRefs.map((b) => (b.filters ? { ...b, filters: mark(b.filters, r) } : b)),
          })),
        }
      : r,
  );
  return { ...routing, routes };
}
