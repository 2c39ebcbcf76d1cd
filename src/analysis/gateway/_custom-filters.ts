/**
 * Filters kubetwin does not apply: an `ExtensionRef` (an implementation's own filter object: Envoy Gateway's
 * HTTPRouteFilter, a Traefik Middleware) or a filter type it does not know (`ExternalAuth`). They are never routed
 * as if absent. An ExtensionRef whose referent is not in the input follows the spec: "If a reference to a custom
 * filter type cannot be resolved, the filter MUST NOT be skipped. Instead, requests that would have been processed
 * by that filter MUST receive a HTTP error response" — Envoy Gateway answers 500 (ResolvedRefs=False,
 * internal/gatewayapi/filters.go). A resolved one, or an unknown type, may answer for the gateway (Envoy Gateway's
 * `directResponse`), refuse (basic auth, an IP allow list, a rate limit) or rewrite: the answer is unknown. Pure.
 * https://gateway-api.sigs.k8s.io/reference/spec/#httproutefilter
 */
import type { RouteFilter, RouteUnknown } from '../../model/routing.ts';
import type { ObjectKey } from '../../model/types.ts';
import type { CustomFilter } from './_filters.ts';

const describe = (f: CustomFilter['filter'], namespace: string) =>
  f.type === 'ExtensionRef'
    ? `ExtensionRef ${f.kind}${f.group ? ` (${f.group})` : ''} ${namespace}/${f.name}`
    : `of type ${f.name || '(unnamed)'}`;

/** The first ExtensionRef among `custom` whose referent the input does not hold. */
export function unresolvedExtensionRef(custom: readonly CustomFilter[]): CustomFilter | undefined {
  return custom.find((c) => c.filter.type === 'ExtensionRef' && c.filter.resolved === false);
}

/** Why the rule answers 500: its ExtensionRef `c` cannot be resolved. */
export function unresolvedExtensionRefNote(
  c: CustomFilter,
  where: { namespace: string; at: string },
): string {
  const { namespace, at } = where;
  return `filter ${describe(c.filter, namespace)} (${at}.filters[${c.index}]) is not in the input: the Gateway API says a filter whose reference cannot be resolved is not skipped and the requests it would process get an HTTP error response (ResolvedRefs=False); kubetwin answers 500, as Envoy Gateway does`;
}

/** The custom filters among `filters`, with their indexes. */
export function customFilters(filters: readonly RouteFilter[] | undefined): CustomFilter[] {
  const out: CustomFilter[] = [];
  filters?.forEach((filter, index) => {
    if (filter.type === 'ExtensionRef' || filter.type === 'Other') out.push({ index, filter });
  });
  return out;
}

/**
 * One unknown per custom filter of `at` (`rules[0]`, or `rules[0].backendRefs[1]` for the requests forwarded to
 * that backend) in `route`: what it may do to the request.
 */
export function customFilterUnknowns(
  custom: readonly CustomFilter[],
  where: { route: ObjectKey; namespace: string; at: string },
): RouteUnknown[] {
  const { route, namespace, at } = where;
  return custom.map((c) => ({
    object: route,
    path: `${at}.filters[${c.index}]`,
    text:
      c.filter.type === 'ExtensionRef' && c.filter.resolved === false
        ? `filter ${describe(c.filter, namespace)} on this backendRef is not in the input: the requests forwarded to this backend get an HTTP error response (the spec: an unresolvable filter is not skipped); kubetwin does not split the answer by backend`
        : c.filter.type === 'ExtensionRef' && c.filter.resolved === undefined
          ? `filter ${describe(c.filter, namespace)} is not in the input, which was read back from a cluster (kubetwin does not list that kind): if the cluster holds it, it may answer for the gateway, refuse or rewrite this request; if not, the request gets an HTTP error (the spec: an unresolvable filter is not skipped)`
          : `filter ${describe(c.filter, namespace)} is the implementation's own and kubetwin does not model it: it may answer for the gateway (a direct response, a redirect), refuse (401, 403, 429) or rewrite this request`,
  }));
}
