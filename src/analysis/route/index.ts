/**
 * The `route` analysis: one request through an IngressClass's controller or a Gateway — the backend and its
 * endpoints, the rule that won and the ones that lost, redirects, rewrites and the certificate served.
 */
import type {
  BackendTLS,
  ControllerProfile,
  FrontendValidation,
  Gateway,
  DecisionBackend,
  HttpRequest,
  L4Decision,
  L4Request,
  RouteDecision,
} from '../../model/routing.ts';
import type { ClusterModel, ObjectKey } from '../../model/types.ts';
import {
  compileIngressRouter,
  ingressRouteSecretFor,
  controllerProfileFor,
  ingressHostMatch,
  ingressesOfClass,
} from '../ingress/index.ts';
import {
  analyzeGateways,
  caBundle,
  caBundleProblem,
  certificateRefNotPermitted,
  compileGatewayRouter,
  compileL4Router,
  frontendTrustAnchors,
  frontendValidationOf,
  gatewayHostMatch,
  indexSecurityPolicies,
  listenerLabel,
  securityPolicyAnswer,
  securityPolicyConnectionAnswer,
  type GatewayAnalysis,
  type GatewayRouter,
  type SecurityPolicyIndex,
} from '../gateway/index.ts';
import { judgeCertificate, type CertTable, type CertificateChoice } from '../tls/index.ts';
import { endpointsOf, resolveServiceBackend } from './_backends.ts';
import {
  answerTargets,
  attachedPolicyUnknowns,
  routeUnknowns,
  unmodeledFieldNotes,
} from '../unmodeled/index.ts';
import { openshiftRouter, otherRouterUnknowns } from './_openshift.ts';

export { parseConnection, parseRequest, type RequestInput } from './_request.ts';
export { connectionDelivered, meshDelivered, routeDelivered } from './_delivered.ts';
export { routeSplit } from './_split.ts';
export { unknownLines } from './_unknown.ts';

export type Via =
  | { readonly kind: 'ingress-class'; readonly name: string }
  | { readonly kind: 'gateway'; readonly namespace: string; readonly name: string }
  /** The OpenShift router (HAProxy) over route.openshift.io Routes; `name` is the IngressController (default). */
  | { readonly kind: 'router'; readonly name: string };

/** Parses `ingress-class:NAME`, `gateway:NS/NAME` (namespace defaults to `default`) or `router[:NAME]`. */
export function parseVia(text: string): Via | string {
  if (text === 'router') return { kind: 'router', name: 'default' };
  const [kind, rest] = [text.slice(0, text.indexOf(':')), text.slice(text.indexOf(':') + 1)];
  if (kind === 'router' && rest) return { kind, name: rest };
  if (kind === 'ingress-class' && rest) return { kind, name: rest };
  if (kind === 'gateway' && rest) {
    const [ns, name] = rest.includes('/') ? rest.split('/', 2) : ['default', rest];
    return { kind, namespace: ns, name };
  }
  return `--via "${text}" must be ingress-class:NAME, gateway:NAMESPACE/NAME, router[:NAME], istio-gateway[:NAMESPACE/NAME] or mesh`;
}

export const formatVia = (v: Via) =>
  v.kind === 'gateway'
    ? `gateway:${v.namespace}/${v.name}`
    : v.kind === 'router'
      ? `router:${v.name}`
      : `ingress-class:${v.name}`;

const noL4: L4Decision = {
  backends: [],
  lost: [],
  notes: [],
  refused:
    'an Ingress controller routes HTTP and HTTPS only (use --via gateway:NS/NAME for TLS, TCP and UDP)',
};

/**
 * Forwarded requests whose backends have no ready endpoint: the Gateway API says an implementation SHOULD answer
 * 503 for requests to such a backend, with the 500 rules for shares (all of them → every request; some → that
 * share); ingress-nginx answers 503 (its Lua balancer has no balancer for an upstream without endpoints and exits
 * with HTTP_SERVICE_UNAVAILABLE in the rewrite phase); Traefik answers 503 (a service with no server).
 * https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule (backendRefs)
 * https://github.com/kubernetes/ingress-nginx/blob/main/rootfs/etc/nginx/lua/balancer.lua (`_M.rewrite`)
 */
function noReadyEndpoints(
  d: RouteDecision,
  endpoints: readonly (readonly string[])[],
  via: Via,
): { status?: number; note: string } | undefined {
  if (d.status !== 200 || d.redirect || d.preflight) return undefined;
  const sharing = d.backends
    .map((b, i) => ({ b, eps: endpoints[i] }))
    .filter((x) => !x.b.problem && x.b.weight > 0);
  const empty = sharing.filter((x) => !x.eps.length);
  if (!empty.length) return undefined;
  const who = via.kind === 'gateway' ? 'the gateway' : 'the controller';
  const names = empty.map((x) => `${x.b.namespace}/${x.b.name}`).join(', ');
  if (empty.length === sharing.length)
    return {
      status: 503,
      note: `no ready endpoint behind ${names}: ${who} answers 503 (Service Unavailable)`,
    };
  return { note: `requests weighted to ${names} (no ready endpoint) get 503` };
}

/**
 * ingress-nginx `default-backend`: when the location's Service has no ready endpoint, the Service the annotation
 * names (in the Ingress's namespace; its first port) answers instead, if it has ready endpoints itself — else the
 * annotation changes nothing and the 503 stays.
 * https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#default-backend
 * https://github.com/kubernetes/ingress-nginx/blob/main/internal/ingress/controller/controller.go (custom-default-backend upstream)
 */
function annotatedDefaultBackend(
  model: ClusterModel,
  d: RouteDecision,
  endpoints: readonly (readonly string[])[],
): { decision: RouteDecision; endpoints: string[][] } | { note: string } | undefined {
  const ing = model.routing?.ingresses.find((i) => i.key === d.winner?.object);
  const name = ing?.annotations['nginx.ingress.kubernetes.io/default-backend'];
  if (!ing || !name || d.status !== 200 || d.redirect) return undefined;
  const sharing = d.backends.map((b, i) => ({ b, eps: endpoints[i] })).filter((x) => x.b.weight > 0);
  if (!sharing.length || sharing.some((x) => x.eps.length > 0)) return undefined;
  const svc = model.services.find((s) => s.namespace === ing.namespace && s.name === name);
  const port = svc?.ports[0]?.port;
  const backend: DecisionBackend = { namespace: ing.namespace, name, port, weight: 1 };
  const eps = port === undefined ? [] : endpointsOf(model, backend);
  if (!eps.length)
    return {
      note: `default-backend ${ing.namespace}/${name} of ${ing.key} ${svc ? 'has no ready endpoint either' : 'is not among the manifests'}: it cannot answer instead`,
    };
  return {
    decision: {
      ...d,
      backends: [backend],
      notes: [
        ...d.notes,
        `no ready endpoint behind ${sharing.map((x) => `${x.b.namespace}/${x.b.name}`).join(', ')}: ingress-nginx sends the request to the default-backend annotation's Service ${ing.namespace}/${name} (port ${port})`,
      ],
    },
    endpoints: [eps],
  };
}

export interface RouterOptions {
  readonly via: Via;
  /** Overrides the controller behaviour profile (else the cluster profile's `ingressControllers`, else the IngressClass's controller). */
  readonly controller?: ControllerProfile;
  readonly strictPrefixMatching?: boolean;
  /** Parsed TLS Secrets; without them certificates are reported as unparsable. */
  readonly certificates?: CertTable;
  /** ISO time certificates are judged at (the caller's clock; the core reads none). */
  readonly now?: string;
}

export interface RouteResult {
  readonly via: string;
  /** The controller behaviour profile (Ingress only). */
  readonly profile?: ControllerProfile;
  readonly request: HttpRequest;
  readonly decision: RouteDecision;
  /**
   * The routing decision as the router made it, before endpoints bear on it (no 503 for a backend without ready
   * endpoints, no ingress-nginx `default-backend` in its place, none of `decision`'s added notes), carrying the full
   * answer's `unknown` and `notServed`: what a `kubetwin test` route entry asserts (a backend without ready pods
   * still counts as chosen). Not printed.
   */
  readonly routed: RouteDecision;
  /** Ready `ip:port` endpoints per backend, in `decision.backends` order. */
  readonly endpoints: readonly (readonly string[])[];
  /**
   * Where the copies of a rule's `RequestMirror` filters land: the mirror Service's ready `ip:port` endpoints, in
   * `decision.mirrors` order; empty when no copy is sent (0%, an invalid backendRef, no ready endpoint). The
   * copies are fire-and-forget: the response still comes from `endpoints`.
   * https://gateway-api.sigs.k8s.io/reference/spec/#gateway.networking.k8s.io/v1.HTTPRequestMirrorFilter
   */
  readonly mirrorEndpoints: readonly (readonly string[])[];
  readonly certificate?: CertificateChoice;
}

/** A Layer-4 connection's answer: the decision and the ready endpoints per backend. */
export interface L4Result {
  readonly via: string;
  readonly request: L4Request;
  readonly decision: L4Decision;
  readonly endpoints: readonly (readonly string[])[];
}

export interface Router {
  readonly via: Via;
  readonly profile?: ControllerProfile;
  /**
   * Routing only, for the gateway server and benchmarks: no explanation, endpoints or certificate. Through a Gateway,
   * the Envoy Gateway SecurityPolicy in effect applies as in `explain` (a 403 or 500 it answers, `undecidedBy` when
   * its answer is not known).
   */
  decide(req: HttpRequest): RouteDecision;
  /** The full answer `kubetwin route` prints. */
  explain(req: HttpRequest): RouteResult;
  /** A TLS, TCP or UDP connection through a Gateway's Layer-4 listeners (TLSRoute, TCPRoute, UDPRoute). */
  connect(req: L4Request): L4Result;
  /** The connection's routing only, for the gateway server and benchmarks: no losers, no endpoints. */
  decideConnection(req: L4Request): L4Decision;
  /**
   * Secret `namespace/name` to serve for an SNI name, if any is configured. Through a Gateway, `notPermitted` says
   * why the listener may not use it (no ReferenceGrant), and `passthrough` that a TLS Passthrough listener takes the
   * name (no Secret: namespace and name are empty).
   */
  secretFor(
    host: string,
  ):
    | { namespace: string; name: string; from: string; notPermitted?: string; passthrough?: boolean }
    | undefined;
  /**
   * The PEM CA certificates a BackendTLSPolicy's ConfigMaps hold (`ca.crt`), for a gateway that originates the
   * TLS; undefined for `wellKnownCACertificates: System` (the platform's trust store).
   */
  backendCA(tls: BackendTLS): readonly string[] | undefined;
  /**
   * The client-certificate validation (`spec.tls.frontend`) of the HTTPS listener on `port` whose certificate a
   * handshake naming `sni` gets, with its trust anchors (PEM); undefined when that listener validates nothing (and
   * always through an Ingress controller).
   */
  clientValidation(port: number, sni: string): ClientValidation | undefined;
}

/** What a gateway that terminates TLS checks of the client's certificate on one listener (GEP-91). */
export interface ClientValidation {
  /** The listener, as `route` names it (`Gateway ns/name listener NAME`). */
  readonly listener: string;
  readonly mode: FrontendValidation['mode'];
  /** PEM CA certificates of the valid `caCertificateRefs` (none: no certificate can validate). */
  readonly trustAnchors: readonly string[];
}

/** Compiles the router behind `via` once (tables, status, indexes); returns an error message when `via` names nothing. */
export function compileRouter(
  model: ClusterModel,
  options: RouterOptions,
  analysis?: GatewayAnalysis,
): Router | string {
  const routing = model.routing;
  if (!routing) return 'the model holds no routing objects';
  // The Gateway an answer goes through, as the objects attached to it are keyed.
  const gateway =
    options.via.kind === 'gateway' ? `Gateway/${options.via.namespace}/${options.via.name}` : undefined;
  // The SecurityPolicies indexed with the routing tables, once per compiled router: a reload (serve gateway --watch)
  // compiles a new router and so a new index; answers only look it up.
  const security = gateway ? indexSecurityPolicies(model) : undefined;
  const routesByKey = new Map<
    ObjectKey,
    { readonly kind: string; readonly rules: readonly { name?: string }[] }
  >(security ? [...routing.routes, ...routing.l4Routes].map((r) => [r.key, r]) : []);
  const services = new Map(model.services.map((s) => [`${s.namespace}/${s.name}`, s]));
  const finish = (
    decide: (r: HttpRequest, explain: boolean) => RouteDecision,
    secretFor: Router['secretFor'],
    profile?: ControllerProfile,
    viaNotes: readonly string[] = [],
    l4?: (req: L4Request, explain: boolean) => L4Decision,
    backendNotes: (d: RouteDecision) => readonly string[] = () => [],
    secure: (req: HttpRequest, d: RouteDecision) => RouteDecision = (_, d) => d,
  ): Router => ({
    via: options.via,
    decideConnection: (req) => (l4 ? l4(req, false) : noL4),
    connect(req) {
      const decided: L4Decision = l4
        ? l4(req, true)
        : {
            backends: [],
            lost: [],
            notes: [],
            refused:
              'an Ingress controller routes HTTP and HTTPS only (use --via gateway:NS/NAME for TLS, TCP and UDP)',
          };
      const attached = attachedPolicyUnknowns(model, answerTargets(gateway, decided), 'connection');
      const noted = viaNotes.length ? { ...decided, notes: [...decided.notes, ...viaNotes] } : decided;
      const decision = attached.length
        ? { ...noted, unknown: [...(noted.unknown ?? []), ...attached] }
        : noted;
      return {
        via: formatVia(options.via),
        request: req,
        decision,
        endpoints: decision.backends.map((b) => (b.problem ? [] : endpointsOf(model, b))),
      };
    },
    profile,
    secretFor,
    clientValidation: () => undefined,
    backendCA(tls) {
      const policy = routing.backendTLSPolicies?.find((p) => p.key === tls.policy);
      if (!policy || policy.wellKnownCACertificates) return undefined;
      // Only the references that hold a PEM certificate (the others made the policy's status say so).
      return policy.caCertificateRefs.flatMap((r) => {
        if (r.group !== '' || r.kind !== 'ConfigMap' || caBundleProblem(model, policy.namespace, r.name))
          return [];
        return [caBundle(model, policy.namespace, r.name)];
      });
    },
    decide: (r) => secure(r, decide(r, false)),
    explain(req) {
      const chosen = secure(req, decide(req, true));
      let decided = chosen;
      let endpoints: readonly (readonly string[])[] = decided.backends.map((b: DecisionBackend) =>
        b.problem ? [] : endpointsOf(model, b),
      );
      if (profile === 'ingress-nginx') {
        const custom = annotatedDefaultBackend(model, decided, endpoints);
        if (custom && 'decision' in custom) ({ decision: decided, endpoints } = custom);
        else if (custom) decided = { ...decided, notes: [...decided.notes, custom.note] };
      }
      const answer = { host: req.host, gateway, decision: decided };
      const extra = [...backendNotes(decided), ...viaNotes, ...unmodeledFieldNotes(model, answer)];
      const undecided = [
        ...(decided.unknown ?? []),
        ...routeUnknowns(model, answer),
        ...attachedPolicyUnknowns(model, answerTargets(gateway, decided), 'request'),
        ...(options.via.kind === 'router' ? [] : otherRouterUnknowns(model, req.host)),
      ];
      const unready = noReadyEndpoints(decided, endpoints, options.via);
      const decision =
        extra.length || undecided.length || unready
          ? {
              ...decided,
              ...(unready?.status ? { status: unready.status } : {}),
              notes: [...decided.notes, ...(unready ? [unready.note] : []), ...extra],
              ...(undecided.length ? { unknown: undecided } : {}),
            }
          : decided;
      const ref = req.scheme === 'https' ? secretFor(req.sni ?? req.host) : undefined;
      const certificate =
        req.scheme !== 'https'
          ? undefined
          : ref
            ? judgeCertificate(routing, ref, req.host, options.certificates ?? new Map(), options.now ?? '')
            : {
                status: 'not-configured' as const,
                message: `no TLS configuration names ${req.host}: the controller serves its default certificate (clients reject it)`,
              };
      return {
        via: formatVia(options.via),
        profile,
        request: req,
        decision,
        routed: undecided.length ? { ...chosen, unknown: undecided } : chosen,
        endpoints,
        mirrorEndpoints: decision.mirrors.map((m) =>
          m.problem || (m.percent ?? 100) <= 0 ? [] : endpointsOf(model, m),
        ),
        certificate,
      };
    },
  });
  const via = options.via;
  if (via.kind === 'router') return openshiftRouter(model, services, via, finish);
  if (via.kind === 'ingress-class') {
    const known =
      routing.ingressClasses.some((c) => c.name === via.name) ||
      ingressesOfClass(routing, via.name).length > 0 ||
      (controllerProfileFor(via.name, routing.ingressClasses) === 'traefik' &&
        (routing.traefikIngressRoutes ?? []).length > 0);
    if (!known)
      return `no IngressClass or Ingress of class "${via.name}" among the manifests (classes: ${routing.ingressClasses.map((c) => c.name).join(', ') || 'none'})`;
    const profile =
      options.controller ??
      model.profile.ingressControllers?.[via.name] ??
      controllerProfileFor(via.name, routing.ingressClasses);
    const router = compileIngressRouter(routing, via.name, {
      profile,
      strictPrefixMatching: options.strictPrefixMatching,
      resolve: (ns, n, p) => resolveServiceBackend(services, ns, n, p),
    });
    const secretFor = (host: string) => {
      const fromIngressRoute = ingressRouteSecretFor(router.ingressRoutes, host);
      if (fromIngressRoute) return fromIngressRoute;
      for (const ing of router.ingresses) {
        const i = ing.tls.findIndex((t) => t.secretName && t.hosts.some((h) => ingressHostMatch(h, host)));
        if (i >= 0)
          return {
            namespace: ing.namespace,
            name: ing.tls[i].secretName!,
            from: `${ing.key} spec.tls[${i}]`,
          };
      }
      return undefined;
    };
    return finish((r, e) => router.route(r, e), secretFor, profile);
  }
  const gw = routing.gateways.find((g) => g.namespace === via.namespace && g.name === via.name);
  if (!gw)
    return `Gateway ${via.namespace}/${via.name} is not among the manifests (gateways: ${routing.gateways.map((g) => `${g.namespace}/${g.name}`).join(', ') || 'none'})`;
  const analysed = analysis ?? analyzeGateways(model);
  const router = compileGatewayRouter(analysed, gw, routing.referenceGrants);
  const l4 = compileL4Router(analysed, gw, routing.referenceGrants);
  // An assumed GatewayClass, or a parametersRef kubetwin cannot check, is said on every answer through this Gateway.
  const viaNotes = analysed.gateways
    .find((g) => g.key === gw.key)!
    .notes.filter((n) => !n.startsWith('addresses:'))
    .map((n) => (n.startsWith('not checked:') ? n : `assumed: ${n}`));
  const secretFor = (host: string) => {
    // The most specific TLS-capable listener takes the handshake; a Passthrough one presents no certificate.
    const ls = gw.listeners.filter(
      (l) =>
        (l.tls?.certificateRefs.length || l.tls?.mode === 'Passthrough') &&
        (!l.hostname || gatewayHostMatch(l.hostname, host)),
    );
    const l = ls.sort((a, b) => (b.hostname?.length ?? 0) - (a.hostname?.length ?? 0))[0];
    if (l?.tls?.mode === 'Passthrough')
      return {
        namespace: '',
        name: '',
        from: `${l.set?.key ?? gw.key} listener ${l.name}`,
        passthrough: true,
      };
    const ref = l?.tls?.certificateRefs[0];
    if (!ref) return undefined;
    const namespace = ref.namespace ?? l.set?.namespace ?? gw.namespace;
    return {
      namespace,
      name: ref.name,
      from: `${l.set?.key ?? gw.key} listener ${l.name}`,
      notPermitted: certificateRefNotPermitted(routing.referenceGrants, l, gw, { namespace, name: ref.name }),
    };
  };
  const routerOf = finish(
    (r, e) => router.route(r, e),
    secretFor,
    undefined,
    viaNotes,
    (req, e) => securedConnection(security, routesByKey, gw, req, l4.decide(req, e)),
    (d) => backendTLSNotes(d, analysed),
    (req, d) => secured(security, routesByKey, router, req, d),
  );
  return { ...routerOf, clientValidation: (port, sni) => clientValidationOf(model, gw, router, port, sni) };
}

/**
 * A Gateway answer under the Envoy Gateway SecurityPolicy in effect for its route rule (`_security-policy.ts`): a
 * request its authorization denies is answered 403 (an untranslatable one 500) and forwarded nowhere; what the
 * policy decides by credentials or by an address kubetwin does not know is an unknown of the answer. A request no
 * rule matched (404) or that no listener served is not judged: the RBAC filter runs per matched route.
 * https://gateway.envoyproxy.io/docs/tasks/security/restrict-ip-access/
 */
function secured(
  security: SecurityPolicyIndex | undefined,
  routes: RoutesByKey,
  router: GatewayRouter,
  req: HttpRequest,
  d: RouteDecision,
): RouteDecision {
  if (!d.winner || d.notServed || !security) return d;
  const route = routes.get(d.winner.object);
  const index = Number(/^rules\[(\d+)\]/.exec(d.winner.at)?.[1] ?? -1);
  const listener = router.listenerForHost(req.port, req.host);
  const answer = securityPolicyAnswer(
    security,
    {
      gateway: router.gateway.key,
      listener: listener && !listener.set ? listener.name : undefined,
      listenerSet: listener?.set,
      route: d.winner.object,
      ruleName: route?.rules[index]?.name,
    },
    req,
  );
  if (!answer) return d;
  const unknown = answer.unknown.length ? { unknown: [...(d.unknown ?? []), ...answer.unknown] } : {};
  if (!answer.status)
    return {
      ...d,
      notes: [...d.notes, ...answer.notes],
      ...unknown,
      ...(answer.unknown.length ? { undecidedBy: answer.policy } : {}),
    };
  return {
    status: answer.status,
    refusedBy: answer.policy,
    winner: d.winner,
    backends: [],
    mirrors: [],
    lost: d.lost,
    // The RBAC filter answers before any backend is picked: what the router said of its backends no longer holds.
    notes: [...d.notes.filter((n) => !n.startsWith('no backendRef is usable')), ...answer.notes],
    ...unknown,
  };
}

/** The routes of the model by key, with what a SecurityPolicy's `sectionName` names (their rules' names). */
type RoutesByKey = ReadonlyMap<
  ObjectKey,
  { readonly kind: string; readonly rules: readonly { readonly name?: string }[] }
>;

/**
 * A Layer-4 answer under the Envoy Gateway SecurityPolicy authorization in effect for its connection
 * (`_security-connection.ts`): its notes, and what kubetwin cannot decide as unknowns with `undecidedBy`. A refused
 * connection (no route, no listener) or one through a listener that is not served is not judged.
 * https://gateway.envoyproxy.io/docs/tasks/security/restrict-ip-access/
 */
function securedConnection(
  security: SecurityPolicyIndex | undefined,
  routes: RoutesByKey,
  gw: Gateway,
  req: L4Request,
  d: L4Decision,
): L4Decision {
  if (!security || !d.winner || d.refused || d.notServed) return d;
  const listener = gw.listeners.find((l) => listenerLabel(l) === d.listener);
  const route = routes.get(d.winner.object);
  const index = Number(/^rules\[(\d+)\]/.exec(d.winner.at)?.[1] ?? -1);
  const answer = securityPolicyConnectionAnswer(
    security,
    {
      gateway: gw.key,
      listener: listener && !listener.set ? listener.name : undefined,
      listenerSet: listener?.set,
      route: d.winner.object,
      routeKind: route?.kind,
      ruleName: route?.rules[index]?.name,
    },
    req,
  );
  if (!answer) return d;
  return {
    ...d,
    notes: [...d.notes, ...answer.notes],
    ...(answer.unknown.length
      ? {
          unknown: [...(d.unknown ?? []), ...answer.unknown],
          undecidedBy: answer.policy ?? answer.unknown[0].object,
        }
      : {}),
  };
}

/**
 * What the gateway's TLS towards each backend rests on: the BackendTLSPolicy in effect (SNI, trust anchors, the
 * names the certificate must carry) and that the backend's own certificate is not in the input.
 * https://gateway-api.sigs.k8s.io/api-types/backendtlspolicy/
 */
function backendTLSNotes(d: RouteDecision, analysis: GatewayAnalysis): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const b of [...d.backends, ...d.mirrors]) {
    if (!b.tls || b.port === undefined) continue;
    const at = `${b.namespace}/${b.name}:${b.port}`;
    if (seen.has(at)) continue;
    seen.add(at);
    const names = b.tls.subjectAltNames.length ? b.tls.subjectAltNames.join(', ') : b.tls.hostname;
    out.push(
      `TLS to ${at} (BackendTLSPolicy ${b.tls.policy.replace(/^BackendTLSPolicy\//, '')}): SNI ${b.tls.hostname}, certificate validated with ${b.tls.trust.join(', ')} and must name ${names}; the backend's certificate is not in the input, so kubetwin assumes the pods serve TLS with a matching one`,
      ...(analysis.backendTLS.forPort(b.namespace, b.name, b.port)?.notes ?? []),
    );
  }
  return out;
}

/**
 * The validation a handshake naming `sni` on `port` meets: that of the HTTPS listener the SNI selects (GEP-91,
 * FrontendTLSValidation, per port as `spec.tls.frontend` says). https://gateway-api.sigs.k8s.io/geps/gep-91/
 */
function clientValidationOf(
  model: ClusterModel,
  gw: Gateway,
  router: GatewayRouter,
  port: number,
  sni: string,
): ClientValidation | undefined {
  const l = router.listenerForSni(port, sni);
  const v = l && frontendValidationOf(gw, l);
  if (!v) return undefined;
  return {
    listener: `${l.set?.key ?? gw.key} listener ${l.name}`,
    mode: v.mode,
    trustAnchors: frontendTrustAnchors(gw, v, model),
  };
}
