import type { Gateway, HTTPRoute, L4Route, Listener, ParentRef } from '../../model/routing.ts';
import type { ClusterModel, Service } from '../../model/types.ts';
import { matches } from '../../lib/labels.ts';
import {
  cond,
  type Condition,
  type GatewayStatus,
  type ListenerStatus,
  type RouteStatus,
} from './_conditions.ts';
import { intersectHostnames } from './_hostnames.ts';
import { checkBackendRef } from './_refs.ts';
import {
  gatewayClassStatuses,
  gatewayRejection,
  parametersFound,
  unchecked,
  type GatewayClassStatus,
} from './_class.ts';
import { gatewayAddresses } from './_addresses.ts';
import { listenerConditions } from './_listener.ts';
import { group, protocolKinds } from './_protocols.ts';
import { analyzeBackendTLS, type BackendTLSTable } from './_backend-tls.ts';

/** A route accepted on one listener, with the hostnames it serves there (`undefined`: any). */
export interface Attachment<R extends HTTPRoute | L4Route = HTTPRoute> {
  readonly route: R;
  readonly gateway: Gateway;
  readonly listener: Listener;
  readonly hostnames?: readonly string[];
}

export interface GatewayAnalysis {
  readonly classes: readonly GatewayClassStatus[];
  readonly gateways: readonly GatewayStatus[];
  readonly routes: readonly RouteStatus[];
  /** HTTPRoutes and GRPCRoutes on their listeners. */
  readonly attachments: readonly Attachment[];
  /** TLSRoutes, TCPRoutes and UDPRoutes on their listeners. */
  readonly l4Attachments: readonly Attachment<L4Route>[];
  readonly services: ReadonlyMap<string, Service>;
  /** BackendTLSPolicies: status, and the TLS the gateway originates per Service port. */
  readonly backendTLS: BackendTLSTable;
}

/**
 * Status of every Gateway, listener and route as a conformant implementation computes it: listener
 * `Accepted`/`ResolvedRefs`/`Programmed`/`Conflicted`, route parent `Accepted` (NoMatchingParent,
 * NotAllowedByListeners, NoMatchingListenerHostname) and `ResolvedRefs` (InvalidKind, RefNotPermitted,
 * BackendNotFound), and the attachments routing uses.
 * https://gateway-api.sigs.k8s.io/reference/spec/#gatewayconditiontype
 * https://gateway-api.sigs.k8s.io/reference/spec/#routeconditionreason
 */
export function analyzeGateways(model: ClusterModel): GatewayAnalysis {
  const r = model.routing;
  const services = new Map(model.services.map((s) => [`${s.namespace}/${s.name}`, s]));
  const backendTLS = analyzeBackendTLS(model, services);
  if (!r)
    return {
      classes: [],
      gateways: [],
      routes: [],
      attachments: [],
      l4Attachments: [],
      services,
      backendTLS,
    };
  const nsLabels = new Map(model.namespaces.map((n) => [n.name, n.labels]));
  const listenerOk = new Map<Listener, boolean>();
  const gwStatus = new Map<
    string,
    {
      classOk: boolean;
      rejected?: Condition;
      listeners: Map<string, Omit<ListenerStatus, 'attachedRoutes'>>;
    }
  >();
  const classes = gatewayClassStatuses(model);
  for (const gw of r.gateways) {
    const cls = classes.find((c) => c.name === gw.gatewayClassName);
    const rejected = cls ? gatewayRejection(model, gw) : undefined;
    const classOk = !!cls && cls.conditions[0].status === 'True' && !rejected;
    const ls = new Map<string, Omit<ListenerStatus, 'attachedRoutes'>>();
    for (const l of gw.listeners) {
      const conds = listenerConditions(gw, l, model);
      listenerOk.set(
        l,
        classOk && conds.every((c) => (c.type === 'Conflicted' ? c.status === 'False' : c.status === 'True')),
      );
      const kinds = l.allowedRoutes.kinds.length
        ? l.allowedRoutes.kinds
            .filter((k) => k.group === group && (protocolKinds[l.protocol] ?? []).includes(k.kind))
            .map((k) => k.kind)
        : [...(protocolKinds[l.protocol] ?? [])];
      ls.set(l.name, {
        name: l.name,
        port: l.port,
        protocol: l.protocol,
        hostname: l.hostname,
        supportedKinds: kinds,
        conditions: conds,
      });
    }
    gwStatus.set(gw.key, { classOk, rejected, listeners: ls });
  }
  const all: Attachment<HTTPRoute | L4Route>[] = [];
  const routes: RouteStatus[] = [...r.routes, ...r.l4Routes].map((route) => {
    let resolved: Condition = cond('ResolvedRefs', true, 'ResolvedRefs');
    outer: for (const rule of route.rules)
      for (const b of rule.backendRefs) {
        const p = checkBackendRef(b, route, r.referenceGrants, services);
        if (p) {
          resolved = cond('ResolvedRefs', false, p.reason, p.message);
          break outer;
        }
      }
    const parents = route.parentRefs.map((ref) => {
      const accepted =
        ref.kind === 'Service' && (ref.group === '' || ref.group === 'core')
          ? meshParent(ref, route.namespace, services, model.mesh?.name)
          : acceptRoute(route, ref, r.gateways, gwStatus, nsLabels, all);
      return { parent: parentName(ref, route.namespace), conditions: [accepted, resolved] };
    });
    return {
      key: route.key,
      kind: route.kind,
      namespace: route.namespace,
      name: route.name,
      hostnames: route.hostnames,
      parents,
    };
  });
  const isL4 = (a: Attachment<HTTPRoute | L4Route>): a is Attachment<L4Route> =>
    a.route.kind === 'TLSRoute' || a.route.kind === 'TCPRoute' || a.route.kind === 'UDPRoute';
  const attachments = all.filter((a): a is Attachment => !isL4(a));
  const l4Attachments = all.filter(isL4);
  const gateways: GatewayStatus[] = r.gateways.map((gw) => {
    const s = gwStatus.get(gw.key)!;
    const listeners = [...s.listeners.values()].map((l) => ({
      ...l,
      attachedRoutes: all.filter((a) => a.gateway === gw && a.listener.name === l.name).length,
    }));
    const anyOk = gw.listeners.some((l) => listenerOk.get(l));
    const cls = classes.find((c) => c.name === gw.gatewayClassName);
    const addressed = gatewayAddresses(model, gw);
    const conditions = s.rejected
      ? [s.rejected, cond('Programmed', false, 'Invalid', 'the Gateway is not accepted')]
      : s.classOk
        ? [
            gatewayAccepted(gw, listenerOk),
            cond('Programmed', anyOk, anyOk ? 'Programmed' : 'Invalid', anyOk ? '' : 'no listener is valid'),
          ]
        : [
            cond(
              'Accepted',
              'unknown',
              'Pending',
              cls
                ? `GatewayClass ${gw.gatewayClassName} is not accepted (${cls.conditions[0].reason}); its controller leaves this Gateway alone`
                : `GatewayClass ${gw.gatewayClassName} is not among the manifests; no controller will program this Gateway`,
            ),
            cond('Programmed', 'unknown', 'Pending', 'waiting for a controller'),
          ];
    return {
      key: gw.key,
      namespace: gw.namespace,
      name: gw.name,
      className: gw.gatewayClassName,
      conditions,
      listeners,
      addresses: addressed.addresses,
      notes: [
        ...(cls?.note ? [cls.note] : []),
        ...(gw.parametersRef && parametersFound(model, gw.parametersRef, gw.namespace) === 'unknown'
          ? [unchecked(gw.key, gw.parametersRef, gw.namespace)]
          : []),
        ...(addressed.note ? [`addresses: ${addressed.note}`] : []),
      ],
    };
  });
  return { classes, gateways, routes, attachments, l4Attachments, services, backendTLS };
}

/**
 * The Gateway's `Accepted` condition once its class is known: `True/Accepted` when every listener is valid;
 * `ListenersNotValid` when some are not — `True` while a valid listener is left, `False` when none is, since the
 * spec lets the reason go with either status "depending on whether the listener being invalid causes the entire
 * Gateway to not be accepted", and a Gateway with no valid listener has nothing left to accept.
 * https://gateway-api.sigs.k8s.io/reference/spec/#gateway.networking.k8s.io/v1.GatewayConditionReason
 */
function gatewayAccepted(gw: Gateway, listenerOk: ReadonlyMap<Listener, boolean>): Condition {
  const invalid = gw.listeners.filter((l) => !listenerOk.get(l)).map((l) => l.name);
  if (!invalid.length) return cond('Accepted', true, 'Accepted');
  const all = invalid.length === gw.listeners.length;
  return cond(
    'Accepted',
    !all,
    'ListenersNotValid',
    all
      ? `no listener is valid (${invalid.join(', ')}); the Gateway is not accepted`
      : `listeners ${invalid.join(', ')} are not valid; the others are accepted`,
  );
}

/**
 * A Service parent (GAMMA): the mesh, not a Gateway, accepts the route; without a mesh nobody does.
 * https://gateway-api.sigs.k8s.io/mesh/
 */
function meshParent(
  ref: ParentRef,
  routeNs: string,
  services: ReadonlyMap<string, unknown>,
  mesh: string | undefined,
): Condition {
  const at = `${ref.namespace ?? routeNs}/${ref.name}`;
  if (!services.has(at)) return cond('Accepted', false, 'NoMatchingParent', `Service ${at} not found`);
  if (!mesh)
    return cond(
      'Accepted',
      'unknown',
      'Pending',
      `bound to Service ${at} (GAMMA): no service mesh is declared or detected to route it (set mesh.name in the profile)`,
    );
  return cond(
    'Accepted',
    true,
    'Accepted',
    `bound to Service ${at} (GAMMA): ${mesh} routes its east-west requests`,
  );
}

function parentName(ref: ParentRef, routeNs: string): string {
  return `${ref.kind}/${ref.namespace ?? routeNs}/${ref.name}${ref.sectionName ? `/${ref.sectionName}` : ''}${ref.port ? `:${ref.port}` : ''}`;
}

function acceptRoute(
  route: HTTPRoute | L4Route,
  ref: ParentRef,
  gateways: readonly Gateway[],
  gwStatus: Map<string, { classOk: boolean; rejected?: Condition }>,
  nsLabels: Map<string, Record<string, string> | Readonly<Record<string, string>>>,
  out: Attachment<HTTPRoute | L4Route>[],
): Condition {
  const ns = ref.namespace ?? route.namespace;
  // ListenerSets (GEP-1713) are not modeled: a route bound to one may well be served, so it is not called unattached.
  if (ref.group === group && ref.kind === 'ListenerSet')
    return cond(
      'Accepted',
      'unknown',
      'Pending',
      `parentRef names ListenerSet ${ns}/${ref.name}: kubetwin does not model ListenerSets, so whether its listeners serve this route is unknown`,
    );
  if (ref.group !== group || ref.kind !== 'Gateway')
    return cond('Accepted', false, 'NoMatchingParent', `parentRef kind ${ref.kind} is not a Gateway`);
  const gw = gateways.find((g) => g.namespace === ns && g.name === ref.name);
  if (!gw) return cond('Accepted', false, 'NoMatchingParent', `Gateway ${ns}/${ref.name} not found`);
  const st = gwStatus.get(gw.key);
  if (st?.rejected)
    return cond('Accepted', false, 'NoMatchingParent', `${gw.key} is not accepted (${st.rejected.reason})`);
  if (!st?.classOk)
    return cond(
      'Accepted',
      'unknown',
      'Pending',
      `the GatewayClass of ${gw.key} is not among the manifests or not accepted`,
    );
  const named = gw.listeners.filter(
    (l) =>
      (!ref.sectionName || l.name === ref.sectionName) && (ref.port === undefined || l.port === ref.port),
  );
  if (!named.length)
    return cond(
      'Accepted',
      false,
      'NoMatchingParent',
      `no listener of ${gw.key} matches${ref.sectionName ? ` sectionName ${ref.sectionName}` : ''}${ref.port ? ` port ${ref.port}` : ''}`,
    );
  const allowed = named.filter((l) => allowsRoute(l, gw, route, nsLabels));
  if (!allowed.length)
    return cond(
      'Accepted',
      false,
      'NotAllowedByListeners',
      `listeners ${named.map((l) => l.name).join(', ')} do not allow ${route.kind} from namespace ${route.namespace}`,
    );
  let any = false;
  for (const l of allowed) {
    const hostnames = intersectHostnames(l.hostname, route.hostnames);
    if (hostnames && !hostnames.length) continue;
    any = true;
    if (!out.some((a) => a.route === route && a.listener === l))
      out.push({ route, gateway: gw, listener: l, hostnames });
  }
  return any
    ? cond('Accepted', true, 'Accepted')
    : cond(
        'Accepted',
        false,
        'NoMatchingListenerHostname',
        `route hostnames ${route.hostnames.join(', ')} do not intersect listener hostnames ${allowed.map((l) => l.hostname ?? '*').join(', ')}`,
      );
}

/** allowedRoutes: namespaces (Same, All, Selector over namespace labels) and kinds (default: the protocol's). */
function allowsRoute(
  l: Listener,
  gw: Gateway,
  route: HTTPRoute | L4Route,
  nsLabels: Map<string, Readonly<Record<string, string>>>,
): boolean {
  const kinds = l.allowedRoutes.kinds.length
    ? l.allowedRoutes.kinds.filter((k) => k.group === group).map((k) => k.kind)
    : (protocolKinds[l.protocol] ?? []);
  if (!kinds.includes(route.kind)) return false;
  if (l.allowedRoutes.from === 'All') return true;
  if (l.allowedRoutes.from === 'Same') return route.namespace === gw.namespace;
  return (
    !!l.allowedRoutes.selector &&
    matches(
      l.allowedRoutes.selector,
      nsLabels.get(route.namespace) ?? { 'kubernetes.io/metadata.name': route.namespace },
    )
  );
}
