/**
 * Slim north-south routing model: Ingress (networking.k8s.io/v1), Gateway API (gateway.networking.k8s.io/v1),
 * TLS Secrets and cert-manager objects, as `src/cluster/routing` reads them. Field names mirror the APIs.
 * https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/
 * https://gateway-api.sigs.k8s.io/reference/spec/
 */
import type { EnvoySecurityPolicy } from './envoy-security-policy.ts';
import type { SourceRef } from './diagnostic.ts';
import type { ObjectKey, ObjectMeta } from './types.ts';
import type { Selector } from '../lib/labels.ts';
import type { OpenShiftRoute } from './openshift-route.ts';
import type { TraefikMiddleware } from './traefik-middleware.ts';
import type { TraefikIngressRoute } from './traefik-ingressroute.ts';

export interface IngressClass extends ObjectMeta {
  readonly controller: string;
  /** Annotation `ingressclass.kubernetes.io/is-default-class: "true"`. */
  readonly isDefault: boolean;
  /** `spec.parameters`: the controller's own configuration object (the ALB controller's IngressClassParams). */
  readonly parameters?: { readonly apiGroup?: string; readonly kind: string; readonly name: string };
}

export type IngressPathType = 'Exact' | 'Prefix' | 'ImplementationSpecific';

/** A Service backend: `port` is a number or a port name. A `resource` backend keeps only its kind and name. */
export interface IngressBackend {
  readonly service?: { readonly name: string; readonly port: number | string };
  readonly resource?: { readonly apiGroup?: string; readonly kind: string; readonly name: string };
}

export interface IngressPath {
  readonly path: string;
  readonly pathType: IngressPathType;
  readonly backend: IngressBackend;
  readonly source?: SourceRef;
}

export interface IngressRule {
  /** Undefined: every host. May start with `*.`. */
  readonly host?: string;
  readonly paths: readonly IngressPath[];
}

export interface IngressTLS {
  readonly hosts: readonly string[];
  readonly secretName?: string;
}

export interface Ingress extends ObjectMeta {
  readonly namespace: string;
  readonly ingressClassName?: string;
  /** The legacy annotation `kubernetes.io/ingress.class`. */
  readonly classAnnotation?: string;
  readonly defaultBackend?: IngressBackend;
  readonly rules: readonly IngressRule[];
  readonly tls: readonly IngressTLS[];
  /** `metadata.creationTimestamp` when the manifest carries one (ingress-nginx orders Ingresses by it). */
  readonly creationTimestamp?: string;
  /**
   * `status.loadBalancer.ingress[].ip`, else `.hostname` (lower case), as a dump shows them: the address clients dial
   * when the load balancer itself routes (an AWS ALB, a GKE or Azure Application Gateway Ingress). Empty: none.
   * https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/#IngressStatus
   */
  readonly loadBalancerIngress: readonly string[];
}

/** A reference to a controller-specific parameters object (`namespace` only for a GatewayClass's ref). */
export interface ParametersRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

export interface GatewayClass extends ObjectMeta {
  readonly controllerName: string;
  readonly parametersRef?: ParametersRef;
}

/** A requested Gateway address: `type` IPAddress (the default), Hostname, NamedAddress or a domain-prefixed one. */
export interface GatewayAddress {
  readonly type: string;
  readonly value: string;
}

export interface SecretObjectRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
}

export interface RouteGroupKind {
  readonly group: string;
  readonly kind: string;
}

export interface Listener {
  readonly name: string;
  readonly hostname?: string;
  readonly port: number;
  readonly protocol: string;
  readonly tls?: {
    readonly mode: 'Terminate' | 'Passthrough';
    readonly certificateRefs: readonly SecretObjectRef[];
  };
  readonly allowedRoutes: {
    readonly from: 'Same' | 'All' | 'Selector';
    /** Compiled namespace selector, for `Selector`. */
    readonly selector?: Selector;
    /** Empty: the kinds the protocol supports. */
    readonly kinds: readonly RouteGroupKind[];
  };
  /**
   * The ListenerSet this listener comes from (GEP-1713); undefined for the Gateway's own `spec.listeners`. Names are
   * unique only within their own object, so a listener is known by its owner and its name.
   */
  readonly set?: ListenerOwner;
  readonly source?: SourceRef;
}

/** The ListenerSet (or XListenerSet) a merged listener belongs to. */
export interface ListenerOwner {
  readonly kind: 'ListenerSet' | 'XListenerSet';
  readonly group: string;
  readonly namespace: string;
  readonly name: string;
  readonly key: ObjectKey;
}

/**
 * A Gateway's `spec.allowedListeners.namespaces`: which namespaces' ListenerSets may attach (default `None`).
 * https://gateway-api.sigs.k8s.io/geps/gep-1713/#gateway-listenerset-handshake
 */
export interface AllowedListeners {
  readonly from: 'None' | 'Same' | 'All' | 'Selector';
  /** Compiled namespace selector, for `Selector`. */
  readonly selector?: Selector;
}

/**
 * A ListenerSet (`gateway.networking.k8s.io/v1`) or XListenerSet (`gateway.networking.x-k8s.io/v1alpha1`): extra
 * listeners for the Gateway its `parentRef` names, merged into it when the Gateway's `allowedListeners` admits the
 * ListenerSet's namespace. `attachment` says what the builder decided.
 * https://gateway-api.sigs.k8s.io/geps/gep-1713/
 */
export interface ListenerSet extends ObjectMeta {
  readonly kind: 'ListenerSet' | 'XListenerSet';
  readonly group: string;
  readonly namespace: string;
  readonly parentRef: {
    readonly group: string;
    readonly kind: string;
    readonly name: string;
    readonly namespace: string;
  };
  /** Its listeners, each with `set` naming this ListenerSet. */
  readonly listeners: readonly Listener[];
  readonly creationTimestamp?: string;
  /**
   * `Attached`: its listeners are merged into `gateway` (after the Gateway's own and those of older ListenerSets);
   * `NotAllowed`: the Gateway's allowedListeners does not admit its namespace; `NoMatchingParent`: no such Gateway;
   * `Unknown`: the Gateway's allowedListeners Selector reads labels of a namespace the input does not declare, so
   * whether it is admitted is not known (its listeners are not merged; answers they could change say unknown).
   */
  readonly attachment: {
    readonly state: 'Attached' | 'NotAllowed' | 'NoMatchingParent' | 'Unknown';
    readonly gateway?: ObjectKey;
    readonly message: string;
  };
}

/**
 * Client certificate validation (Gateway `spec.tls.frontend`): trust anchors and mode (default AllowValidOnly).
 * https://gateway-api.sigs.k8s.io/reference/spec/#frontendtlsvalidation
 */
export interface FrontendValidation {
  readonly caCertificateRefs: readonly SecretObjectRef[];
  readonly mode: 'AllowValidOnly' | 'AllowInsecureFallback';
}

export interface Gateway extends ObjectMeta {
  readonly namespace: string;
  readonly gatewayClassName: string;
  readonly listeners: readonly Listener[];
  /** `spec.addresses`, in order. */
  readonly addresses?: readonly GatewayAddress[];
  /** `spec.allowedListeners.namespaces` (absent: `None`, no ListenerSet attaches). */
  readonly allowedListeners?: AllowedListeners;
  /** `spec.infrastructure.parametersRef` (a local reference: the Gateway's namespace). */
  readonly parametersRef?: ParametersRef;
  /** `spec.tls.frontend`: `default` for every HTTPS listener, `perPort` overriding it on one port. */
  readonly frontendValidation?: {
    readonly default?: FrontendValidation;
    readonly perPort: readonly { readonly port: number; readonly validation?: FrontendValidation }[];
  };
}

export interface ParentRef {
  readonly group: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  readonly sectionName?: string;
  readonly port?: number;
}

export interface PathMatch {
  readonly type: 'Exact' | 'PathPrefix' | 'RegularExpression';
  readonly value: string;
}

export interface ValueMatch {
  readonly type: 'Exact' | 'RegularExpression';
  readonly name: string;
  readonly value: string;
}

export interface RouteMatch {
  readonly path?: PathMatch;
  readonly headers: readonly ValueMatch[];
  readonly queryParams: readonly ValueMatch[];
  readonly method?: string;
  /** GRPCRoute method match as written (`service/method`), for display. */
  readonly grpcMethod?: string;
  /** A GRPCRoute method match of `type: RegularExpression` (else Exact: its rank is the spec's, not open). */
  readonly grpcMethodRegex?: true;
}

export interface HeaderModifier {
  readonly set: readonly { readonly name: string; readonly value: string }[];
  readonly add: readonly { readonly name: string; readonly value: string }[];
  readonly remove: readonly string[];
}

export type PathModifier =
  | { readonly type: 'ReplaceFullPath'; readonly value: string }
  | { readonly type: 'ReplacePrefixMatch'; readonly value: string };

export interface BackendRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly port?: number;
  readonly weight: number;
  /** HTTPRoute/GRPCRoute `backendRefs[].filters`: applied only to requests forwarded to this backend. */
  readonly filters?: readonly RouteFilter[];
}

/**
 * The CORS filter (GEP-1767, `HTTPCORSFilter`), as written; `maxAge` defaults to 5 seconds.
 * https://gateway-api.sigs.k8s.io/geps/gep-1767/
 */
export interface CorsPolicy {
  readonly allowOrigins: readonly string[];
  readonly allowCredentials: boolean;
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAge: number;
}

/** `rules[].timeouts` as Gateway API Duration strings (GEP-2257), as written. */
export interface RouteTimeouts {
  readonly request?: string;
  readonly backendRequest?: string;
}

/** `rules[].retry` (GEP-1731), as written. */
export interface RouteRetry {
  readonly codes: readonly number[];
  readonly attempts?: number;
  readonly backoff?: string;
}

export type RouteFilter =
  | {
      readonly type: 'RequestRedirect';
      readonly scheme?: string;
      readonly hostname?: string;
      readonly path?: PathModifier;
      readonly port?: number;
      readonly statusCode: number;
    }
  | { readonly type: 'URLRewrite'; readonly hostname?: string; readonly path?: PathModifier }
  | { readonly type: 'RequestHeaderModifier' | 'ResponseHeaderModifier'; readonly modifier: HeaderModifier }
  | {
      readonly type: 'RequestMirror';
      readonly backendRef: BackendRef;
      /** `percent` (0-100) as written; with neither it nor `fraction`, every request is mirrored. */
      readonly percent?: number;
      /** `fraction` as written (`denominator` defaults to 100). https://gateway-api.sigs.k8s.io/geps/gep-3171/ */
      readonly fraction?: { readonly numerator: number; readonly denominator: number };
    }
  | { readonly type: 'CORS'; readonly cors: CorsPolicy }
  | {
      /** An implementation's own filter object (`extensionRef`), in the route's namespace. */
      readonly type: 'ExtensionRef';
      readonly group: string;
      readonly kind: string;
      readonly name: string;
      /**
       * Whether the input holds the referent, set by the builder (`src/cluster/routing/_extension-refs.ts`); unset
       * when that is not known (a route read back from a cluster, whose input need not list the referent's kind).
       */
      readonly resolved?: boolean;
    }
  | { readonly type: 'Other'; readonly name: string };

export interface RouteRule {
  readonly index: number;
  readonly name?: string;
  /** Never empty: a rule without matches gets the default `PathPrefix /`. */
  readonly matches: readonly RouteMatch[];
  readonly filters: readonly RouteFilter[];
  readonly backendRefs: readonly BackendRef[];
  readonly timeouts?: RouteTimeouts;
  readonly retry?: RouteRetry;
  readonly source?: SourceRef;
}

/** An HTTPRoute or a GRPCRoute (whose method matches are expressed as `/service/method` path matches). */
export interface HTTPRoute extends ObjectMeta {
  readonly kind: 'HTTPRoute' | 'GRPCRoute';
  readonly namespace: string;
  readonly parentRefs: readonly ParentRef[];
  readonly hostnames: readonly string[];
  readonly rules: readonly RouteRule[];
  /** `metadata.creationTimestamp` when the manifest carries one (precedence tie-break). */
  readonly creationTimestamp?: string;
}

/** A Layer-4 route rule: no matches, only backends. */
export interface L4RouteRule {
  readonly index: number;
  readonly name?: string;
  readonly backendRefs: readonly BackendRef[];
  readonly source?: SourceRef;
}

/**
 * A TLSRoute (matched by SNI against `hostnames`), TCPRoute or UDPRoute (matched by listener port only).
 * https://gateway-api.sigs.k8s.io/reference/spec/#tlsroute
 */
export interface L4Route extends ObjectMeta {
  readonly kind: 'TLSRoute' | 'TCPRoute' | 'UDPRoute';
  readonly namespace: string;
  readonly parentRefs: readonly ParentRef[];
  /** TLSRoute only; empty for TCPRoute and UDPRoute. */
  readonly hostnames: readonly string[];
  readonly rules: readonly L4RouteRule[];
  readonly creationTimestamp?: string;
}

/** One connection as a Gateway's Layer-4 listener sees it: the protocol, the port, and the TLS SNI name. */
export interface L4Request {
  readonly protocol: 'tls' | 'tcp' | 'udp';
  readonly port: number;
  /** The SNI server name (TLS only), lower case. */
  readonly sni?: string;
  /**
   * The addresses the gateway may see as the client's (its peer), as `HttpRequest.clientAddresses`; undefined: not
   * known (an authorization by address answers unknown).
   */
  readonly clientAddresses?: readonly string[];
}

/** Where a Gateway sends one L4 connection; `refused` says why it is not forwarded. */
export interface L4Decision {
  readonly listener?: string;
  /** `Passthrough`: the TLS stream goes to the backend untouched; `Terminate`: the Gateway ends TLS. */
  readonly tlsMode?: 'Terminate' | 'Passthrough';
  readonly winner?: DecisionSource;
  readonly backends: readonly DecisionBackend[];
  readonly refused?: string;
  readonly lost: readonly LostCandidate[];
  readonly notes: readonly string[];
  /** Set when the connection goes through a Gateway listener that is not programmed: nothing is served. */
  readonly notServed?: ListenerNotServed;
  /** What kubetwin cannot decide about this connection (a backendRef kind other than Service with a share). */
  readonly unknown?: readonly RouteUnknown[];
  /**
   * The Envoy Gateway SecurityPolicy whose answer for this connection is not known (`unknown` says why): the gateway
   * may close it. `serve gateway --l4-listen` closes such a connection and logs why, never forwards it.
   */
  readonly undecidedBy?: ObjectKey;
}

/** A `targetRefs` entry of a BackendTLSPolicy: a Service (core group), optionally one of its ports by name. */
export interface PolicyTargetRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly sectionName?: string;
}

/**
 * A BackendTLSPolicy: how a Gateway connects to the targeted Service's pods over TLS (SNI `hostname`, the trust
 * anchors that validate the backend's certificate, the names it must carry).
 * https://gateway-api.sigs.k8s.io/api-types/backendtlspolicy/
 */
export interface BackendTLSPolicy extends ObjectMeta {
  readonly namespace: string;
  readonly targetRefs: readonly PolicyTargetRef[];
  readonly hostname: string;
  /** Local references (the policy's namespace); empty when `wellKnownCACertificates` is set. */
  readonly caCertificateRefs: readonly {
    readonly group: string;
    readonly kind: string;
    readonly name: string;
  }[];
  readonly wellKnownCACertificates?: string;
  /** `Hostname:name` or `URI:uri`, as written. */
  readonly subjectAltNames: readonly string[];
  /** Implementation-specific `options` keys (shown, not applied). */
  readonly options: readonly string[];
  readonly creationTimestamp?: string;
}

export interface ReferenceGrant extends ObjectMeta {
  readonly namespace: string;
  readonly from: readonly { readonly group: string; readonly kind: string; readonly namespace: string }[];
  readonly to: readonly { readonly group: string; readonly kind: string; readonly name?: string }[];
}

/** A Secret of type kubernetes.io/tls (or any Secret holding `tls.crt`), with its PEM text decoded. */
export interface TLSSecret extends ObjectMeta {
  readonly namespace: string;
  readonly type: string;
  readonly certPem?: string;
  readonly keyPem?: string;
}

/** A cert-manager Certificate, declared or implied by the ingress-shim annotations of an Ingress. */
export interface Certificate {
  readonly key: ObjectKey;
  readonly namespace: string;
  readonly name: string;
  readonly secretName: string;
  readonly dnsNames: readonly string[];
  readonly issuerRef: { readonly kind: 'Issuer' | 'ClusterIssuer'; readonly name: string };
  /** `Ingress/ns/name` when ingress-shim would create it from annotations. */
  readonly impliedBy?: ObjectKey;
  readonly source?: SourceRef;
}

export interface RoutingModel {
  readonly ingressClasses: readonly IngressClass[];
  readonly ingresses: readonly Ingress[];
  readonly gatewayClasses: readonly GatewayClass[];
  readonly gateways: readonly Gateway[];
  /** HTTPRoutes and GRPCRoutes, sorted by key. */
  readonly routes: readonly HTTPRoute[];
  /** TLSRoutes, TCPRoutes and UDPRoutes, sorted by key. */
  readonly l4Routes: readonly L4Route[];
  /** ListenerSets and XListenerSets; the listeners of the attached ones are also in their Gateway's `listeners`. */
  readonly listenerSets?: readonly ListenerSet[];
  readonly referenceGrants: readonly ReferenceGrant[];
  /** BackendTLSPolicies, sorted by namespace/name (absent in models built before the kind was read). */
  readonly backendTLSPolicies?: readonly BackendTLSPolicy[];
  readonly tlsSecrets: readonly TLSSecret[];
  readonly certificates: readonly Certificate[];
  /** Keys of the cert-manager Issuers (`Issuer/ns/name`) and ClusterIssuers (`ClusterIssuer/name`) declared. */
  readonly issuers: readonly ObjectKey[];
  /** OpenShift Routes (route.openshift.io/v1), sorted by namespace/name (absent in models built before the kind was read). */
  readonly openshiftRoutes?: readonly OpenShiftRoute[];
  /** Traefik Middlewares (traefik.io and traefik.containo.us), sorted by namespace/name. */
  readonly traefikMiddlewares?: readonly TraefikMiddleware[];
  /** Traefik IngressRoutes (traefik.io and traefik.containo.us), sorted by namespace/name. */
  readonly traefikIngressRoutes?: readonly TraefikIngressRoute[];
  /** Envoy Gateway SecurityPolicies (gateway.envoyproxy.io), sorted by namespace/name; absent when there are none. */
  readonly envoySecurityPolicies?: readonly EnvoySecurityPolicy[];
}

/** The behaviour profile routing runs under: the spec, or a controller's documented departures from it. */
export type ControllerProfile = 'spec' | 'ingress-nginx' | 'traefik' | 'alb';

/** One HTTP request as a router sees it. Header names are lower case; `host` has no port. */
export interface HttpRequest {
  readonly scheme: 'http' | 'https';
  readonly host: string;
  /** The port the request arrives on at the gateway or controller (listener port). */
  readonly port: number;
  readonly path: string;
  /** Query parameters in order of appearance. */
  readonly query: readonly (readonly [string, string])[];
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  /**
   * The TLS SNI name the connection was opened with (https only, lower case). Undefined: not known, and the
   * request is routed by its Host alone (no 421 check).
   */
  readonly sni?: string;
  /**
   * Whether the client presents a certificate that validates against the listener's trust anchors; undefined:
   * assumed to (and said on the answer when the listener validates client certificates).
   */
  readonly clientCertificate?: 'valid' | 'none';
  /**
   * The addresses the gateway may see as the client's (its peer): one when known, several when a masquerade leaves
   * it to the node the connection went through; undefined: not known (IP authorization answers unknown).
   */
  readonly clientAddresses?: readonly string[];
}

/** A Service a decision forwards to: `port` is the Service port; `problem` says why it cannot be used. */
export interface DecisionBackend {
  readonly namespace: string;
  readonly name: string;
  /** `group/Kind` of a backendRef that is not a core Service (absent for a Service): named as written, not resolved. */
  readonly kind?: string;
  readonly port?: number;
  readonly weight: number;
  readonly problem?: string;
  /** What this backendRef's own `filters` do to a request forwarded to it (after the rule's filters). */
  readonly filtered?: BackendFilterEffect;
  /** The BackendTLSPolicy in effect on this Service port: the gateway connects to the pods over TLS. */
  readonly tls?: BackendTLS;
  /**
   * A mirror (RequestMirror filter) only: the share of requests copied to it, 0-100. Mirroring is fire-and-forget:
   * the response comes from the backends, whatever the mirror answers.
   */
  readonly percent?: number;
}

/** The TLS a gateway originates towards a backend, from the BackendTLSPolicy that won for its Service port. */
export interface BackendTLS {
  readonly policy: ObjectKey;
  /** SNI the gateway sends, and the name the certificate must match unless `subjectAltNames` are given. */
  readonly hostname: string;
  readonly subjectAltNames: readonly string[];
  /** `ConfigMap ns/name` entries, or `System` (well-known CAs). */
  readonly trust: readonly string[];
}

/** The effect of one backendRef's `filters` on the requests sent to that backend only. */
export interface BackendFilterEffect {
  readonly requestHeaders?: HeaderModifier;
  readonly responseHeaders?: HeaderModifier;
  readonly rewrittenPath?: string;
  readonly rewrittenHost?: string;
  readonly mirrors: readonly DecisionBackend[];
  readonly notes: readonly string[];
}

/** Where a decision came from: the object, the rule/path and match, as `rules[0].matches[1]`. */
export interface DecisionSource {
  readonly object: ObjectKey;
  readonly at: string;
  /** The match in words: `PathPrefix /api, header x-env=canary`. */
  readonly match: string;
}

/** A candidate that lost, and why. */
export interface LostCandidate extends DecisionSource {
  readonly reason: string;
}

/**
 * One point a router could not decide: an object or field kubetwin does not model, a rule it cannot evaluate for
 * the request, another router for the same host. An answer with one is not a pass: `route` exits 1 and the trace
 * says UNKNOWN.
 */
export interface RouteUnknown {
  /** The object at stake, by canonical key (`IngressRoute/blog/blog`). */
  readonly object: ObjectKey;
  /** The field path in `object` when one field is at stake (`routes[2]`, `spec.routes[0].middlewares[1]`). */
  readonly path?: string;
  /** What could not be decided and why, in words (printed after `unknown: `). */
  readonly text: string;
}

/**
 * A Gateway listener whose `Programmed` condition is not True, on an answer through it: a conformant gateway does
 * not serve it (the connection fails before any route runs), so the answer is never a delivery, whatever the
 * routing shown (what the listener would do once fixed). Written by the Gateway routers only; `route`'s headline
 * and exit code, the renderers, `test` route entries and the trace's fix read it (never the note's text).
 * https://gateway-api.sigs.k8s.io/reference/spec/#listenerconditiontype
 */
export interface ListenerNotServed {
  /** The Gateway, by canonical key (`Gateway/infra/edge`). */
  readonly gateway: ObjectKey;
  /** The listener as answers name it (`https`, or `https of ListenerSet/ns/name`). */
  readonly listener: string;
  /** The `Programmed` condition's reason (`Invalid`, …; `Pending` when the listener has no status). */
  readonly programmed: string;
  /**
   * The condition that keeps it off, as upstream spells it (`ResolvedRefs=False` with `InvalidCertificateRef` or
   * `RefNotPermitted`, `Accepted=False`, `Conflicted=True`), when one does.
   */
  readonly condition?: {
    readonly type: 'Accepted' | 'ResolvedRefs' | 'Conflicted';
    readonly status: 'True' | 'False' | 'Unknown';
    readonly reason: string;
    readonly message: string;
  };
  /** The object declaring the listener (the Gateway, or its ListenerSet) and the field to fix in it. */
  readonly object: ObjectKey;
  /** As kubectl prints it (`spec.listeners[1].tls.certificateRefs`); absent when the listener's source is unknown. */
  readonly path?: string;
  /** The answer's headline in words: `LISTENER NOT PROGRAMMED (Invalid; ResolvedRefs=False(…): …): a real gateway would not serve this listener`. */
  readonly message: string;
  /** What to change so the listener is served, in words (the trace's fix). */
  readonly fix: string;
}

/**
 * A router's answer for one request. `status` is what the client gets from the router itself: 200 means
 * forwarded to `backends`, 3xx a redirect, 404 nothing matched, 500 an invalid rule, 503 no usable backend.
 */
export interface RouteDecision {
  readonly status: number;
  readonly winner?: DecisionSource;
  readonly backends: readonly DecisionBackend[];
  readonly redirect?: { readonly status: number; readonly location: string };
  /** The path sent upstream when a filter or annotation rewrote it. */
  readonly rewrittenPath?: string;
  readonly rewrittenHost?: string;
  readonly requestHeaders?: HeaderModifier;
  readonly responseHeaders?: HeaderModifier;
  readonly mirrors: readonly DecisionBackend[];
  /**
   * A CORS preflight the gateway answered itself (`status` 200, the `Access-Control-*` headers in
   * `responseHeaders.set`): nothing is forwarded.
   */
  readonly preflight?: boolean;
  /** The winning rule's `timeouts` and `retry`, shown as written (kubetwin knows no backend latency). */
  readonly timeouts?: RouteTimeouts;
  readonly retry?: RouteRetry;
  /** Filled only when the router was asked to explain. */
  readonly lost: readonly LostCandidate[];
  /** Facts worth knowing: annotations in effect or ignored, controller departures, unmodeled filters. */
  readonly notes: readonly string[];
  /**
   * What the router could not decide, in the order found (never in `notes`). Absent or empty: nothing kubetwin
   * does not model bears on this answer. Written by every router; `explain` adds the unmodeled objects and the
   * other routers that name the host.
   */
  readonly unknown?: readonly RouteUnknown[];
  /** Set when the answer goes through a Gateway listener that is not programmed: nothing is served. */
  readonly notServed?: ListenerNotServed;
  /**
   * The Envoy Gateway SecurityPolicy whose authorization answered the request itself (403, or 500 when it cannot be
   * translated) before any backend was picked.
   */
  readonly refusedBy?: ObjectKey;
  /**
   * The Envoy Gateway SecurityPolicy whose answer is not known (credentials, an address kubetwin cannot judge, a
   * target it does not model; `unknown` says why): the gateway may answer the request itself instead of forwarding it.
   * `serve gateway` answers such a request as unknown and never forwards it.
   */
  readonly undecidedBy?: ObjectKey;
}
