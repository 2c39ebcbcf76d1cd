import type { Gateway, HTTPRoute, L4Route, Listener, ListenerSet, ParentRef } from '../../model/routing.ts';
import type { ClusterModel, Service } from '../../model/types.ts';
import {
  cond,
  type Condition,
  type GatewayStatus,
  type ListenerSetStatus,
  type ListenerStatus,
  type RouteStatus,
} from './_conditions.ts';
import { intersectHostnames } from './_hostnames.ts';
import { namespaceLabelsByName, selectorAdmits, type NamespaceLabels } from '../../lib/namespace-selector.ts';
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
  /** ListenerSets and XListenerSets, in key order. */
  readonly listenerSets: readonly ListenerSetStatus[];
  /** Every listener's status, the Gateway's own and those merged from ListenerSets (names repeat across owners). */
  readonly listenerStatus: ReadonlyMap<Listener, ListenerStatus>;
  /** ListenerSets whose Gateway refused them (NotAllowed): their listeners serve nothing, and answers say so. */
  readonly detachedListenerSets: readonly ListenerSet[];
  /** ListenerSets whose handshake is unknown (the Gateway's Selector reads labels of a namespace not in the input). */
  readonly unsureListenerSets: readonly ListenerSet[];
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
      listenerSets: [],
      listenerStatus: new Map(),
      detachedListenerSets: [],
      unsureListenerSets: [],
      routes: [],
      attachments: [],
      l4Attachments: [],
      services,
      backendTLS,
    };
  const nsLabels = namespaceLabelsByName(model.namespaces);
  const listenerOk = new Map<Listener, boolean>();
  const gwStatus = new Map<
    string,
    {
      classOk: boolean;
      rejected?: Condition;
      listeners: Map<Listener, Omit<ListenerStatus, 'attachedRoutes'>>;
    }
  >();
  const classes = gatewayClassStatuses(model);
  for (const gw of r.gateways) {
    const cls = classes.find((c) => c.name === gw.gatewayClassName);
    const rejected = cls ? gatewayRejection(model, gw) : undefined;
    const classOk = !!cls && cls.conditions[0].status === 'True' && !rejected;
    const ls = new Map<Listener, Omit<ListenerStatus, 'attachedRoutes'>>();
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
      ls.set(l, {
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
    // The first definite problem decides; a kind only some controllers support leaves the condition Unknown.
    let resolved: Condition = cond('ResolvedRefs', true, 'ResolvedRefs');
    outer: for (const rule of route.rules)
      for (const b of rule.backendRefs) {
        const p = checkBackendRef(b, route, r.referenceGrants, services);
        if (p?.implementationSpecific) {
          if (resolved.status === 'True') resolved = cond('ResolvedRefs', 'unknown', p.reason, p.message);
        } else if (p) {
          resolved = cond('ResolvedRefs', false, p.reason, p.message);
          break outer;
        }
      }
    const parents = route.parentRefs.map((ref) => {
      const accepted =
        ref.kind === 'Service' && (ref.group === '' || ref.group === 'core')
          ? meshParent(ref, route.namespace, services, model.mesh?.name)
          : ref.kind === 'Server' && ref.group === 'policy.linkerd.io'
            ? linkerdServerParent(ref, route.namespace, model)
            : acceptRoute(route, ref, r.gateways, r.listenerSets ?? [], gwStatus, nsLabels, all);
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
  const listenerStatus = new Map<Listener, ListenerStatus>();
  for (const s of gwStatus.values())
    for (const [l, st] of s.listeners)
      listenerStatus.set(l, { ...st, attachedRoutes: all.filter((a) => a.listener === l).length });
  const listenerSets = (r.listenerSets ?? [])
    .map((ls) => listenerSetStatus(ls, r.gateways, gwStatus, listenerStatus, listenerOk))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const gateways: GatewayStatus[] = r.gateways.map((gw) => {
    const s = gwStatus.get(gw.key)!;
    // The Gateway's status lists and judges its own listeners only; ListenerSets carry theirs (GEP-1713).
    const own = gw.listeners.filter((l) => !l.set);
    // While no controller acts on the Gateway (Pending), nothing has accepted or programmed its listeners either.
    const pending = !s.rejected && !s.classOk;
    const listeners = own.map((l) => {
      const st = listenerStatus.get(l)!;
      return pending ? { ...st, conditions: st.conditions.map(pendingListenerCondition) } : st;
    });
    const named = (r.listenerSets ?? []).filter((ls) => ls.attachment.gateway === gw.key);
    const anyOk = own.some((l) => listenerOk.get(l));
    const cls = classes.find((c) => c.name === gw.gatewayClassName);
    const addressed = gatewayAddresses(model, gw);
    const conditions = s.rejected
      ? [s.rejected, cond('Programmed', false, 'Invalid', 'the Gateway is not accepted')]
      : s.classOk
        ? [
            gatewayAccepted(own, listenerOk),
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
      ...(gw.allowedListeners || named.length
        ? {
            attachedListenerSets: listenerSets.filter(
              (x) =>
                named.some((n) => n.key === x.key && n.attachment.state === 'Attached') &&
                x.conditions[0].status === 'True',
            ).length,
          }
        : {}),
    };
  });
  return {
    classes,
    gateways,
    listenerSets,
    listenerStatus,
    detachedListenerSets: (r.listenerSets ?? []).filter((x) => x.attachment.state === 'NotAllowed'),
    unsureListenerSets: (r.listenerSets ?? []).filter((x) => x.attachment.state === 'Unknown'),
    routes,
    attachments,
    l4Attachments,
    services,
    backendTLS,
  };
}

/**
 * The Gateway's `Accepted` condition once its class is known: `True/Accepted` when every listener is valid;
 * `ListenersNotValid` when some are not — `True` while a valid listener is left, `False` when none is, since the
 * spec lets the reason go with either status "depending on whether the listener being invalid causes the entire
 * Gateway to not be accepted", and a Gateway with no valid listener has nothing left to accept.
 * https://gateway-api.sigs.k8s.io/reference/spec/#gateway.networking.k8s.io/v1.GatewayConditionReason
 */
function gatewayAccepted(own: readonly Listener[], listenerOk: ReadonlyMap<Listener, boolean>): Condition {
  const invalid = own.filter((l) => !listenerOk.get(l)).map((l) => l.name);
  if (!invalid.length) return cond('Accepted', true, 'Accepted');
  const all = invalid.length === own.length;
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

/**
 * A Linkerd Server parent: Linkerd's inbound proxies, not a Gateway, take an HTTPRoute of either API group parented
 * to a Server, for per-route authorization ("HTTPRoutes with a Server as their parent resource configure policy for
 * inbound proxies", https://linkerd.io/2.15/features/httproute/).
 */
function linkerdServerParent(ref: ParentRef, routeNs: string, model: ClusterModel): Condition {
  const at = `${ref.namespace ?? routeNs}/${ref.name}`;
  if (model.mesh?.name !== 'linkerd')
    return cond(
      'Accepted',
      'unknown',
      'Pending',
      `bound to Server ${at} (policy.linkerd.io): no Linkerd mesh is declared or detected to apply it (set mesh.name: linkerd in the profile)`,
    );
  if (!model.mesh.linkerd.servers.some((x) => `${x.namespace}/${x.name}` === at))
    return cond('Accepted', false, 'NoMatchingParent', `Server ${at} not found`);
  return cond(
    'Accepted',
    true,
    'Accepted',
    `bound to Server ${at}: the linkerd proxies of its pods apply it to inbound requests (per-route authorization)`,
  );
}

function parentName(ref: ParentRef, routeNs: string): string {
  return `${ref.kind}/${ref.namespace ?? routeNs}/${ref.name}${ref.sectionName ? `/${ref.sectionName}` : ''}${ref.port ? `:${ref.port}` : ''}`;
}

function acceptRoute(
  route: HTTPRoute | L4Route,
  ref: ParentRef,
  gateways: readonly Gateway[],
  sets: readonly ListenerSet[],
  gwStatus: Map<string, { classOk: boolean; rejected?: Condition }>,
  nsLabels: ReadonlyMap<string, NamespaceLabels>,
  out: Attachment<HTTPRoute | L4Route>[],
): Condition {
  const ns = ref.namespace ?? route.namespace;
  // A ListenerSet parent is the route's direct parent: it attaches to that ListenerSet's listeners only; a Gateway
  // parent attaches to the Gateway's own spec.listeners only. https://gateway-api.sigs.k8s.io/geps/gep-1713/#route-attachment
  const setKind = setKinds.find((k) => k.group === ref.group && k.kind === ref.kind);
  let gw: Gateway | undefined;
  let set: ListenerSet | undefined;
  if (setKind) {
    set = sets.find((x) => x.kind === setKind.kind && x.namespace === ns && x.name === ref.name);
    if (!set) return cond('Accepted', false, 'NoMatchingParent', `${ref.kind} ${ns}/${ref.name} not found`);
    if (set.attachment.state === 'Unknown')
      return cond('Accepted', 'unknown', 'NoMatchingParent', `${set.key}: ${set.attachment.message}`);
    if (set.attachment.state !== 'Attached')
      return cond(
        'Accepted',
        false,
        'NoMatchingParent',
        `${set.key} is not attached to a Gateway: ${set.attachment.message}`,
      );
    gw = gateways.find((g) => g.key === set!.attachment.gateway);
  } else if (ref.group !== group || ref.kind !== 'Gateway')
    return cond('Accepted', false, 'NoMatchingParent', `parentRef kind ${ref.kind} is not a Gateway`);
  else gw = gateways.find((g) => g.namespace === ns && g.name === ref.name);
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
  const parentKey = set?.key ?? gw.key;
  const named = gw.listeners.filter(
    (l) =>
      (set ? l.set?.key === set.key : !l.set) &&
      (!ref.sectionName || l.name === ref.sectionName) &&
      (ref.port === undefined || l.port === ref.port),
  );
  if (!named.length)
    return cond(
      'Accepted',
      false,
      'NoMatchingParent',
      `no listener of ${parentKey} matches${ref.sectionName ? ` sectionName ${ref.sectionName}` : ''}${ref.port ? ` port ${ref.port}` : ''}`,
    );
  const allowed = named.filter((l) => allowsRoute(l, gw, route, nsLabels) === true);
  if (!allowed.length) {
    // A Selector reading labels of a namespace the input does not declare: it may admit the route or not.
    const unsure = named.filter((l) => allowsRoute(l, gw, route, nsLabels) === 'unknown');
    return unsure.length
      ? cond(
          'Accepted',
          'unknown',
          'NotAllowedByListeners',
          `listeners ${unsure.map((l) => l.name).join(', ')} admit ${route.kind}s from namespaces selected by labels, and namespace ${route.namespace} is not in the input, so its labels (beyond kubernetes.io/metadata.name) are unknown: add the Namespace object to know whether the route attaches`,
        )
      : cond(
          'Accepted',
          false,
          'NotAllowedByListeners',
          `listeners ${named.map((l) => l.name).join(', ')} do not allow ${route.kind} from namespace ${route.namespace}`,
        );
  }
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
  nsLabels: ReadonlyMap<string, NamespaceLabels>,
): boolean | 'unknown' {
  const kinds = l.allowedRoutes.kinds.length
    ? l.allowedRoutes.kinds.filter((k) => k.group === group).map((k) => k.kind)
    : (protocolKinds[l.protocol] ?? []);
  if (!kinds.includes(route.kind)) return false;
  if (l.allowedRoutes.from === 'All') return true;
  // `Same` is the namespace of the object that holds the listener: a ListenerSet's own for its listeners.
  if (l.allowedRoutes.from === 'Same') return route.namespace === (l.set?.namespace ?? gw.namespace);
  return (
    !!l.allowedRoutes.selector &&
    selectorAdmits(l.allowedRoutes.selector, route.namespace, nsLabels.get(route.namespace))
  );
}

/** The parentRef kinds that name a ListenerSet: Standard (v1.5+) and the experimental XListenerSet. */
const setKinds = [
  { group, kind: 'ListenerSet' },
  { group: 'gateway.networking.x-k8s.io', kind: 'XListenerSet' },
] as const;

/**
 * A ListenerSet's status (GEP-1713): not attached → `Accepted=False` (NotAllowed when the Gateway's
 * allowedListeners refuses its namespace, ParentNotAccepted when the Gateway is missing or not accepted); attached →
 * its listeners' conditions, and `Accepted`/`Programmed` True while one of them is valid, `ListenersNotValid` when
 * none is. https://gateway-api.sigs.k8s.io/geps/gep-1713/#listenerset-conditions
 */
function listenerSetStatus(
  ls: ListenerSet,
  gateways: readonly Gateway[],
  gwStatus: Map<string, { classOk: boolean; rejected?: Condition }>,
  listenerStatus: ReadonlyMap<Listener, ListenerStatus>,
  listenerOk: ReadonlyMap<Listener, boolean>,
): ListenerSetStatus {
  const p = ls.parentRef;
  const base = {
    key: ls.key,
    kind: ls.kind,
    namespace: ls.namespace,
    name: ls.name,
    parent: `${p.kind}/${p.namespace}/${p.name}`,
  };
  const both = (ok: boolean | 'unknown', reason: string, message: string) => [
    cond('Accepted', ok, reason, message),
    cond('Programmed', ok, ok === true ? 'Programmed' : reason, ok === true ? '' : message),
  ];
  const { state, message } = ls.attachment;
  if (state !== 'Attached')
    return {
      ...base,
      conditions: both(
        state === 'Unknown' ? 'unknown' : false,
        state === 'NotAllowed' || state === 'Unknown' ? 'NotAllowed' : 'ParentNotAccepted',
        message,
      ),
      listeners: [],
    };
  const gw = gateways.find((g) => g.key === ls.attachment.gateway)!;
  const st = gwStatus.get(gw.key);
  const mine = gw.listeners.filter((l) => l.set?.key === ls.key);
  const listeners = mine.map((l) => listenerStatus.get(l)!);
  if (st?.rejected)
    return {
      ...base,
      conditions: both(false, 'ParentNotAccepted', `${gw.key} is not accepted (${st.rejected.reason})`),
      listeners,
    };
  if (!st?.classOk)
    return {
      ...base,
      conditions: both(
        'unknown',
        'Pending',
        `the GatewayClass of ${gw.key} is not among the manifests or not accepted`,
      ),
      listeners,
    };
  const invalid = mine.filter((l) => !listenerOk.get(l)).map((l) => l.name);
  if (invalid.length === mine.length)
    return {
      ...base,
      conditions: both(false, 'ListenersNotValid', `no listener is valid (${invalid.join(', ')})`),
      listeners,
    };
  return {
    ...base,
    conditions: [
      cond(
        'Accepted',
        true,
        'Accepted',
        invalid.length ? `listeners ${invalid.join(', ')} are not valid; the others are accepted` : '',
      ),
      cond('Programmed', true, 'Programmed'),
    ],
    listeners,
  };
}

/**
 * A listener condition of a Gateway no controller acts on: Accepted and Programmed are Unknown(Pending), as the
 * Gateway's own (https://gateway-api.sigs.k8s.io/reference/spec/#listenerconditiontype); what kubetwin judged of the
 * listener itself (ResolvedRefs, Conflicted) stays, for when a controller takes it.
 */
function pendingListenerCondition(c: Condition): Condition {
  return c.type === 'Accepted' || c.type === 'Programmed'
    ? cond(c.type, 'unknown', 'Pending', 'waiting for a controller (the Gateway is Pending)')
    : c;
}
