import type { HTTPRoute, ReferenceGrant, RouteMatch, RouteRule } from '../../model/routing.ts';
import type { Service } from '../../model/types.ts';
import {
  applyFilters,
  checkBackendRef,
  describeMatch,
  matchFailure,
  matchRank,
  unresolvedExtensionRef,
  unresolvedExtensionRefNote,
} from '../gateway/index.ts';
import type { MeshAction, MeshRouteTable, MeshRule, MeshTarget } from './types.ts';

interface Entry {
  readonly route: HTTPRoute;
  readonly rule: RouteRule;
  readonly match: RouteMatch;
  readonly matchIndex: number;
  readonly port?: number;
  readonly rank: readonly (number | string)[];
}

const cmp = (a: readonly (number | string)[], b: readonly (number | string)[]) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
};

/** Each backendRef checked as the Gateway API's ResolvedRefs does (kind, ReferenceGrant, Service, port). */
function targets(
  route: HTTPRoute,
  rule: RouteRule,
  services: ReadonlyMap<string, Service>,
  grants: readonly ReferenceGrant[],
): MeshTarget[] {
  return rule.backendRefs.map((b) => {
    const ref = b.group === 'core' ? { ...b, group: '' } : b;
    const problem = checkBackendRef(ref, route, grants, services);
    return {
      namespace: b.namespace ?? route.namespace,
      name: b.name,
      port: b.port,
      weight: b.weight,
      ...(problem ? { problem: `${problem.reason}: ${problem.message} — the proxy answers 500` } : {}),
    };
  });
}

function action(
  e: Entry,
  services: ReadonlyMap<string, Service>,
  grants: readonly ReferenceGrant[],
  req: Parameters<MeshRule['act']>[0],
): MeshAction {
  const fx = e.rule.filters.length ? applyFilters(e.rule.filters, e.match, req) : undefined;
  const notes = [...(fx?.notes ?? [])];
  if (fx?.requestHeaders || fx?.responseHeaders) notes.push('header modifiers apply (see the HTTPRoute)');
  // A custom filter is never skipped: unresolvable, the spec's HTTP error; resolved, the answer is unknown.
  const custom = fx?.custom ?? [];
  const at = `rules[${e.rule.index}]`;
  const unresolved = unresolvedExtensionRef(custom);
  if (unresolved)
    return {
      kind: 'respond',
      status: 500,
      why: unresolvedExtensionRefNote(unresolved, { namespace: e.route.namespace, at }),
      notes,
    };
  if (custom.length)
    return {
      kind: 'unknown',
      why: `${e.route.key} ${at}.filters[${custom[0].index}] is a filter kubetwin does not model (${custom[0].filter.type === 'ExtensionRef' ? `ExtensionRef ${custom[0].filter.kind} ${custom[0].filter.name}` : custom[0].filter.name}): it may answer, refuse or rewrite the request`,
      notes,
    };
  if (fx?.redirect) return { kind: 'redirect', ...fx.redirect, notes };
  if (!e.rule.backendRefs.length)
    return { kind: 'respond', status: 500, why: 'the rule has no backendRefs', notes };
  return {
    kind: 'route',
    targets: targets(e.route, e.rule, services, grants),
    rewrittenPath: fx?.rewrittenPath,
    rewrittenHost: fx?.rewrittenHost,
    // RequestMirror: a copy of `percent`% of the requests (GEP-3171), checked as a backendRef is.
    ...(fx?.mirrors.length
      ? {
          mirrors: fx.mirrors.map((m) => ({
            ...targets(e.route, { ...e.rule, backendRefs: [{ ...m, weight: 100 }] }, services, grants)[0],
            percent: m.percent,
          })),
        }
      : {}),
    notes,
  };
}

/** A Service parent: group "" (core) as the Gateway API spells it, or `core` as Linkerd's docs write it. */
const isServiceParent = (p: HTTPRoute['parentRefs'][number]) =>
  p.kind === 'Service' && (p.group === '' || p.group === 'core');

/**
 * GAMMA: HTTPRoutes and GRPCRoutes (method matches as `/service/method` paths) whose parentRefs name a
 * Service (kind Service, group "") route the mesh's requests for
 * that Service, with the Gateway API's matching, precedence and filters. A route in the Service's namespace
 * (producer route) applies to every client; a route in another namespace (consumer route) only to clients
 * in its own namespace, and wins over producer routes for them. A parentRef `port` limits the route to that
 * Service port. https://gateway-api.sigs.k8s.io/mesh/ https://gateway-api.sigs.k8s.io/geps/gep-1426/
 */
export function gammaTables(
  services: readonly Service[],
  routes: readonly HTTPRoute[],
  grants: readonly ReferenceGrant[],
): (service: Service, clientNs: string) => MeshRouteTable | undefined {
  const byRef = new Map(services.map((s) => [`${s.namespace}/${s.name}`, s]));
  // service ref → route namespace → entries
  const entries = new Map<string, Map<string, Entry[]>>();
  for (const route of routes) {
    for (const p of route.parentRefs.filter(isServiceParent)) {
      const ref = `${p.namespace ?? route.namespace}/${p.name}`;
      if (!byRef.has(ref)) continue;
      const perNs = entries.get(ref) ?? new Map<string, Entry[]>();
      entries.set(ref, perNs);
      const list = perNs.get(route.namespace) ?? [];
      perNs.set(route.namespace, list);
      for (const rule of route.rules)
        rule.matches.forEach((match, matchIndex) =>
          list.push({
            route,
            rule,
            match,
            matchIndex,
            port: p.port,
            rank: [
              ...matchRank(match, route.kind),
              route.creationTimestamp ?? '9999',
              `${route.namespace}/${route.name}`,
              rule.index,
              matchIndex,
            ],
          }),
        );
    }
  }
  const cache = new Map<string, MeshRouteTable | undefined>();
  return (service, clientNs) => {
    const ref = `${service.namespace}/${service.name}`;
    const perNs = entries.get(ref);
    if (!perNs) return undefined;
    const consumer = clientNs !== service.namespace ? perNs.get(clientNs) : undefined;
    const chosen = consumer ?? perNs.get(service.namespace);
    if (!chosen) return undefined;
    const key = `${ref}|${consumer ? clientNs : ''}`;
    if (cache.has(key)) return cache.get(key);
    const rules: MeshRule[] = [...chosen]
      .sort((a, b) => cmp(a.rank, b.rank))
      .map((e) => ({
        object: e.route.key,
        at: `rules[${e.rule.index}]`,
        name: e.rule.name,
        matches: [
          {
            at: `rules[${e.rule.index}].matches[${e.matchIndex}]`,
            describe: `${describeMatch(e.match)}${e.port !== undefined ? `, port ${e.port}` : ''}`,
            failure: (req, _client, explain) =>
              e.port !== undefined && req.port !== e.port
                ? explain
                  ? `the route's parentRef is port ${e.port}, not ${req.port}`
                  : 'no match'
                : matchFailure(e.match, req, explain),
          },
        ],
        act: (req) => action(e, byRef, grants, req),
      }));
    const table: MeshRouteTable = {
      service,
      by: `Gateway API ${[...new Set(chosen.map((e) => e.route.kind))].sort().join('/')} (GAMMA, ${consumer ? `consumer routes of namespace ${clientNs}` : 'producer routes'})`,
      rules,
      notes:
        new Set(chosen.map((e) => e.route.kind)).size > 1
          ? [
              'HTTPRoutes and GRPCRoutes both name this Service: kubetwin merges their rules by Gateway API precedence (a GRPCRoute method match is a path /service/method); implementations may differ',
            ]
          : [],
    };
    cache.set(key, table);
    return table;
  };
}
