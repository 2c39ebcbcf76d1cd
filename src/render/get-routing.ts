import type { ClusterModel } from '../model/types.ts';
import { analyzeGateways, type Condition, type ListenerStatus } from '../analysis/gateway/index.ts';
import { controllerProfileFor, resolveIngressClass } from '../analysis/ingress/index.ts';
import { renderTable } from './table.ts';
import { openshiftRouteItems, openshiftRouteRows } from './get-openshift-routes.ts';

export const routingResources = [
  'gatewayclasses',
  'gateways',
  'listenersets',
  'httproutes',
  'tlsroutes',
  'tcproutes',
  'udproutes',
  'backendtlspolicies',
  'ingresses',
  'openshiftroutes',
] as const;
export type RoutingResource = (typeof routingResources)[number];

export const routingAliases: Readonly<Record<string, RoutingResource>> = {
  gatewayclass: 'gatewayclasses',
  gc: 'gatewayclasses',
  gateway: 'gateways',
  gtw: 'gateways',
  listenerset: 'listenersets',
  lset: 'listenersets',
  xlistenersets: 'listenersets',
  xlistenerset: 'listenersets',
  httproute: 'httproutes',
  grpcroutes: 'httproutes',
  grpcroute: 'httproutes',
  routes: 'httproutes',
  tlsroute: 'tlsroutes',
  tcproute: 'tcproutes',
  udproute: 'udproutes',
  backendtlspolicy: 'backendtlspolicies',
  btlspolicy: 'backendtlspolicies',
  ingress: 'ingresses',
  ing: 'ingresses',
  openshiftroute: 'openshiftroutes',
  'route.openshift.io': 'openshiftroutes',
  'routes.route.openshift.io': 'openshiftroutes',
  'route.route.openshift.io': 'openshiftroutes',
};

const none = '<none>';
/** The route kinds each route resource lists. */
const routeKinds: Readonly<Record<string, readonly string[]>> = {
  httproutes: ['HTTPRoute', 'GRPCRoute'],
  tlsroutes: ['TLSRoute'],
  tcproutes: ['TCPRoute'],
  udproutes: ['UDPRoute'],
};
const conds = (cs: readonly Condition[]) =>
  cs.map((c) => `${c.type}=${c.status}${c.reason !== c.type ? `(${c.reason})` : ''}`).join(',');
/** The ROUTES cell of a Gateway or ListenerSet: routes attached over its listeners. */
const attachedRoutes = (ls: readonly ListenerStatus[]) =>
  String(ls.reduce((s, l) => s + l.attachedRoutes, 0));
/** The LISTENERS cell (`-o wide`) of a Gateway or ListenerSet: protocol/port@hostname, attached routes, conditions. */
const listenerCells = (ls: readonly ListenerStatus[]) =>
  ls
    .map(
      (l) =>
        `${l.name}:${l.protocol}/${l.port}${l.hostname ? `@${l.hostname}` : ''} routes=${l.attachedRoutes} ${conds(l.conditions)}`,
    )
    .join('; ') || none;

/**
 * `kubetwin get gateways|httproutes|ingresses`: kubectl-like rows; `-o wide` adds the status conditions a
 * conformant implementation would write, per listener and per parentRef. Pure and deterministic.
 */
export function renderRoutingGet(
  model: ClusterModel,
  resource: RoutingResource,
  options: { namespace?: string; wide: boolean },
): string {
  const inNs = <T extends { namespace: string }>(xs: readonly T[]) =>
    options.namespace === undefined ? xs : xs.filter((x) => x.namespace === options.namespace);
  const withNs = (headers: string[], rows: string[][], items: readonly { namespace: string }[]) =>
    options.namespace === undefined
      ? renderTable(
          ['NAMESPACE', ...headers],
          rows.map((r, i) => [items[i].namespace, ...r]),
        )
      : renderTable(headers, rows);
  const r = model.routing;
  if (resource === 'ingresses') {
    const ings = inNs(r?.ingresses ?? []);
    const rows = ings.map((i) => {
      const c = resolveIngressClass(i, r!.ingressClasses);
      const hosts = [...new Set(i.rules.map((x) => x.host ?? '*'))].join(',') || '*';
      const row = [i.name, c.className ?? none, hosts, i.tls.length ? '80, 443' : '80'];
      if (options.wide)
        row.push(
          c.className ? controllerProfileFor(c.className, r!.ingressClasses) : none,
          c.from,
          i.tls.map((t) => t.secretName ?? none).join(',') || none,
          c.problem ?? none,
        );
      return row;
    });
    return withNs(
      [
        'NAME',
        'CLASS',
        'HOSTS',
        'PORTS',
        ...(options.wide ? ['PROFILE', 'CLASS-FROM', 'TLS-SECRETS', 'PROBLEM'] : []),
      ],
      rows,
      ings,
    );
  }
  if (resource === 'openshiftroutes') {
    const routes = inNs(r?.openshiftRoutes ?? []);
    const t = openshiftRouteRows(model, routes, options.wide);
    return withNs(t.headers, t.rows, routes);
  }
  const a = analyzeGateways(model);
  if (resource === 'gatewayclasses') {
    const rows = a.classes.map((c) => {
      const row = [c.name, c.controllerName, c.conditions[0].status];
      if (options.wide)
        row.push(
          conds(c.conditions),
          c.assumed ? 'assumed (not among the manifests)' : c.conditions[0].message || none,
        );
      return row;
    });
    return renderTable(
      ['NAME', 'CONTROLLER', 'ACCEPTED', ...(options.wide ? ['CONDITIONS', 'NOTE'] : [])],
      rows,
    );
  }
  if (resource === 'listenersets') {
    const sets = inNs(a.listenerSets);
    const rows = sets.map((x) => {
      const st = (t: string) => x.conditions.find((c) => c.type === t);
      const row = [
        x.name,
        x.parent.replace(/^Gateway\//, ''),
        `${st('Accepted')?.status}${st('Accepted')?.status === 'True' ? '' : `(${st('Accepted')?.reason})`}`,
        st('Programmed')?.status ?? 'Unknown',
        attachedRoutes(x.listeners),
      ];
      if (options.wide) row.push(conds(x.conditions), listenerCells(x.listeners));
      return row;
    });
    return withNs(
      [
        'NAME',
        'PARENT',
        'ACCEPTED',
        'PROGRAMMED',
        'ROUTES',
        ...(options.wide ? ['CONDITIONS', 'LISTENERS'] : []),
      ],
      rows,
      sets,
    );
  }
  if (resource === 'gateways') {
    const gws = inNs(a.gateways);
    const rows = gws.map((g) => {
      const programmed = g.conditions.find((c) => c.type === 'Programmed');
      const row = [
        g.name,
        g.className,
        g.addresses.map((x) => x.value).join(',') || none,
        programmed?.status ?? 'Unknown',
        attachedRoutes(g.listeners),
      ];
      if (options.wide) row.push(conds(g.conditions), listenerCells(g.listeners));
      return row;
    });
    return withNs(
      [
        'NAME',
        'CLASS',
        'ADDRESS',
        'PROGRAMMED',
        'ROUTES',
        ...(options.wide ? ['CONDITIONS', 'LISTENERS'] : []),
      ],
      rows,
      gws,
    );
  }
  if (resource === 'backendtlspolicies') {
    const ps = inNs(model.routing?.backendTLSPolicies ?? []);
    const rows = ps.map((p) => {
      const s = a.backendTLS.statuses.find((x) => x.key === p.key)!;
      const row = [
        p.name,
        p.targetRefs.map((t) => `${t.kind}/${t.name}${t.sectionName ? `:${t.sectionName}` : ''}`).join(',') ||
          none,
        p.hostname,
        s.conditions[0].status,
      ];
      if (options.wide)
        row.push(
          conds(s.conditions),
          [...s.conditions.filter((c) => c.message).map((c) => c.message), ...s.notes].join('; ') || none,
        );
      return row;
    });
    return withNs(
      ['NAME', 'TARGETS', 'HOSTNAME', 'ACCEPTED', ...(options.wide ? ['CONDITIONS', 'MESSAGE'] : [])],
      rows,
      ps,
    );
  }
  const routes = inNs(a.routes).filter((x) => routeKinds[resource].includes(x.kind));
  const rows = routes.map((rt) => {
    const row = [
      rt.name,
      rt.kind,
      rt.hostnames.join(',') || '*',
      rt.parents.map((p) => p.parent.replace(/^Gateway\//, '')).join(',') || none,
    ];
    if (options.wide)
      row.push(
        rt.parents
          .map(
            (p) =>
              `${p.parent.replace(/^Gateway\//, '')}: ${conds(p.conditions)}${p.conditions
                .filter((c) => c.status !== 'True' && c.message)
                .map((c) => ` — ${c.message}`)
                .join('')}`,
          )
          .join('; ') || none,
      );
    return row;
  });
  return withNs(['NAME', 'KIND', 'HOSTNAMES', 'PARENTS', ...(options.wide ? ['STATUS'] : [])], rows, routes);
}

/** JSON/YAML items for `get -o json|yaml`: the routing records plus computed status. */
export function routingItems(
  model: ClusterModel,
  resource: RoutingResource,
  namespace: string | undefined,
): unknown[] {
  const inNs = <T extends { namespace: string }>(xs: readonly T[]) =>
    namespace === undefined ? xs : xs.filter((x) => x.namespace === namespace);
  const r = model.routing;
  if (resource === 'ingresses')
    return inNs(r?.ingresses ?? []).map((i) => ({
      kind: 'Ingress',
      ...i,
      resolvedClass: resolveIngressClass(i, r!.ingressClasses),
    }));
  if (resource === 'openshiftroutes') return openshiftRouteItems(model, inNs(r?.openshiftRoutes ?? []));
  const a = analyzeGateways(model);
  if (resource === 'gatewayclasses') return a.classes.map((c) => ({ kind: 'GatewayClass', ...c }));
  if (resource === 'gateways')
    return inNs(r?.gateways ?? []).map((g) => ({
      kind: 'Gateway',
      ...g,
      // Its own spec.listeners: those merged from ListenerSets are listed under `get listenersets`.
      listeners: g.listeners.filter((l) => !l.set),
      status: a.gateways.find((s) => s.key === g.key),
    }));
  if (resource === 'listenersets')
    return inNs(r?.listenerSets ?? []).map((x) => ({
      ...x,
      status: a.listenerSets.find((s) => s.key === x.key),
    }));
  if (resource === 'backendtlspolicies')
    return inNs(r?.backendTLSPolicies ?? []).map((p) => ({
      kind: 'BackendTLSPolicy',
      ...p,
      status: a.backendTLS.statuses.find((s) => s.key === p.key),
    }));
  return inNs([...(r?.routes ?? []), ...(r?.l4Routes ?? [])])
    .filter((x) => routeKinds[resource].includes(x.kind))
    .map((x) => ({ ...x, status: a.routes.find((s) => s.key === x.key) }));
}
