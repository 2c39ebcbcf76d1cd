/**
 * Slim service-mesh model: which mesh runs and the Istio routing objects (VirtualService, DestinationRule) as
 * `src/cluster/mesh-config` reads them; which pods carry the proxy is decided in `src/analysis/mesh`. Field names mirror the Istio API.
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/
 * https://istio.io/latest/docs/reference/config/networking/destination-rule/
 */
import type { SourceRef } from './diagnostic.ts';
import type { ObjectMeta } from './types.ts';
import type { Labels } from '../lib/labels.ts';
import type { AuthorizationPolicy, PeerAuthentication } from './mesh-security.ts';

export type * from './mesh-security.ts';
export type * from './mesh-linkerd.ts';
export { linkerdDefaultPolicies } from './mesh-linkerd.ts';
import type { LinkerdPolicy } from './mesh-linkerd.ts';

export type MeshName = 'istio' | 'linkerd';

/**
 * Istio `StringMatch`: exactly one of exact, prefix, regex (RE2, whole-string); `present` for a header or
 * query parameter given with an empty match (`x-user: {}`), which checks only that it is there.
 */
export interface StringMatch {
  readonly type: 'exact' | 'prefix' | 'regex' | 'present';
  readonly value: string;
}

export interface NamedStringMatch {
  readonly name: string;
  readonly match: StringMatch;
}

/** `HTTPMatchRequest`: every condition set must hold (AND). */
export interface IstioHttpMatch {
  readonly index: number;
  readonly name?: string;
  readonly uri?: StringMatch;
  readonly scheme?: StringMatch;
  readonly method?: StringMatch;
  readonly authority?: StringMatch;
  /** Header names are lower case. */
  readonly headers: readonly NamedStringMatch[];
  readonly withoutHeaders: readonly NamedStringMatch[];
  readonly queryParams: readonly NamedStringMatch[];
  readonly port?: number;
  readonly sourceLabels?: Labels;
  readonly sourceNamespace?: string;
  /** `match[].gateways`: when set and without `mesh`, the block does not apply to sidecars. */
  readonly gateways?: readonly string[];
  readonly ignoreUriCase: boolean;
}

export interface IstioDestination {
  /** As written (a short name is resolved in the VirtualService's namespace). */
  readonly host: string;
  readonly subset?: string;
  readonly port?: number;
  /** Absent in the manifest: 100 when the route has one destination, else 0. */
  readonly weight: number;
  readonly source?: SourceRef;
}

export interface IstioHttpRoute {
  readonly index: number;
  readonly name?: string;
  /** Empty: the rule matches every request. Blocks are ORed. */
  readonly matches: readonly IstioHttpMatch[];
  readonly route: readonly IstioDestination[];
  readonly redirect?: {
    readonly uri?: string;
    readonly authority?: string;
    readonly port?: number;
    readonly scheme?: string;
    readonly redirectCode: number;
  };
  readonly directResponse?: { readonly status: number };
  readonly rewrite?: { readonly uri?: string; readonly authority?: string };
  /** Duration as written (`10s`, `0.5s`). */
  readonly timeout?: string;
  readonly retries?: {
    readonly attempts?: number;
    readonly perTryTimeout?: string;
    readonly retryOn?: string;
  };
  readonly fault?: {
    readonly abort?: { readonly httpStatus?: number; readonly percentage?: number };
    readonly delay?: { readonly fixedDelay?: string; readonly percentage?: number };
  };
  /** `mirror` (with `mirrorPercentage`) and `mirrors`, in that order. */
  readonly mirrors: readonly IstioMirror[];
  /** `delegate`: the VirtualService (namespace defaulting to this one's) whose rules, merged with this one, take over. */
  readonly delegate?: { readonly name: string; readonly namespace: string };
  readonly source?: SourceRef;
}

/**
 * A copy of each request sent besides the route: `mirror` with `mirrorPercentage`, or one `mirrors` entry
 * (`destination`, `percentage`). An absent percentage mirrors every request (100%).
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMirrorPolicy
 */
export interface IstioMirror {
  readonly host: string;
  readonly subset?: string;
  readonly port?: number;
  /** As written; undefined: 100. */
  readonly percentage?: number;
}

/**
 * `L4MatchAttributes` (a `tcp` rule) or `TLSMatchAttributes` (a `tls` rule, with `sniHosts`): `port`,
 * `sourceLabels`, `sourceNamespace` and `gateways` are decided when istiod builds the client's config;
 * `destinationSubnets` and `sniHosts` by the proxy at connection time.
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#L4MatchAttributes
 */
export interface IstioL4Match {
  readonly index: number;
  readonly port?: number;
  /** `a.b.c.d` or `a.b.c.d/len` (IPv4 or IPv6), as written. */
  readonly destinationSubnets: readonly string[];
  readonly sourceLabels?: Labels;
  readonly sourceNamespace?: string;
  readonly gateways?: readonly string[];
  /** `tls` rules only (required there): lower case, `*.example.com` wildcards. */
  readonly sniHosts: readonly string[];
}

/** A `TCPRoute` or `TLSRoute`: the first rule whose match holds forwards the connection to `route`. */
export interface IstioL4Route {
  readonly index: number;
  /** Empty: every connection (`tcp` only; a `tls` rule needs a match). */
  readonly matches: readonly IstioL4Match[];
  readonly route: readonly IstioDestination[];
  readonly source?: SourceRef;
}

export interface VirtualService extends ObjectMeta {
  readonly namespace: string;
  /** Lower case, as written. */
  readonly hosts: readonly string[];
  /** Empty: `mesh` (sidecars only). */
  readonly gateways: readonly string[];
  readonly exportTo: readonly string[];
  readonly http: readonly IstioHttpRoute[];
  /** `tcp` or `tls` rules are present. */
  readonly hasTcpOrTls: boolean;
  readonly tcp: readonly IstioL4Route[];
  readonly tls: readonly IstioL4Route[];
  readonly delegate: boolean;
  readonly creationTimestamp?: string;
}

/** The parts of a `TrafficPolicy` kubetwin shows; none of them changes which pod receives a request. */
export interface TrafficPolicySummary {
  readonly loadBalancer?: string;
  readonly tlsMode?: string;
  /**
   * Each `portLevelSettings` entry by Service port number with its `tls.mode`: for that port it replaces the
   * destination-level policy, so a missing mode means none (auto mTLS), not `tlsMode`.
   */
  readonly portTls: readonly { readonly port: number; readonly mode?: string }[];
  /** Other settings present, by field name (`connectionPool`, `outlierDetection`, ...). */
  readonly other: readonly string[];
  /** `loadBalancer.localityLbSetting` is set (distribute, failover, failoverPriority or enabled). */
  readonly localityLbSetting?: boolean;
}

export interface Subset {
  readonly name: string;
  readonly labels: Labels;
  readonly trafficPolicy?: TrafficPolicySummary;
  readonly source?: SourceRef;
}

export interface DestinationRule extends ObjectMeta {
  readonly namespace: string;
  /** Lower case, as written. */
  readonly host: string;
  readonly subsets: readonly Subset[];
  readonly trafficPolicy?: TrafficPolicySummary;
  readonly exportTo: readonly string[];
  /**
   * `workloadSelector.matchLabels`: the rule applies only to the client proxies in its own namespace whose labels
   * include these (empty: every proxy of the namespace), before a rule without one; undefined: every client.
   */
  readonly workloadSelector?: Labels;
  readonly creationTimestamp?: string;
}

/** A `ServiceEntry` port: `number` is what clients dial; `targetPort` (default `number`) what endpoints receive. */
export interface ServiceEntryPort {
  readonly number: number;
  readonly name?: string;
  /** Upper case as written (`HTTP`, `TLS`, `TCP`, ...). */
  readonly protocol?: string;
  readonly targetPort?: number;
}

/** One `WorkloadEntry` of a ServiceEntry's `endpoints`: an address (IP, or a DNS name with resolution DNS). */
export interface ServiceEntryEndpoint {
  readonly address: string;
  /** Port name → the port this endpoint listens on. */
  readonly ports: Readonly<Record<string, number>>;
  readonly labels: Labels;
}

/**
 * Istio `WorkloadEntry`: a workload outside Kubernetes (a VM) with an address and labels. A ServiceEntry's
 * `workloadSelector` picks it, as it picks pods, in its own namespace.
 * https://istio.io/latest/docs/reference/config/networking/workload-entry/
 */
export interface IstioWorkloadEntry extends ObjectMeta, ServiceEntryEndpoint {
  readonly namespace: string;
}

/**
 * Istio `ServiceEntry`: hosts the mesh adds to its registry (outside the mesh, or inside it without a
 * Kubernetes Service). https://istio.io/latest/docs/reference/config/networking/service-entry/
 */
export interface ServiceEntry extends ObjectMeta {
  readonly namespace: string;
  /** Lower case, as written (FQDNs, or a wildcard prefix `*.example.com`). */
  readonly hosts: readonly string[];
  /** VIPs or CIDRs. */
  readonly addresses: readonly string[];
  readonly ports: readonly ServiceEntryPort[];
  /** Default MESH_EXTERNAL (the enum's zero value). */
  readonly location: 'MESH_EXTERNAL' | 'MESH_INTERNAL';
  /** Default NONE (the enum's zero value). */
  readonly resolution: 'NONE' | 'STATIC' | 'DNS' | 'DNS_ROUND_ROBIN';
  readonly endpoints: readonly ServiceEntryEndpoint[];
  /** Pods (in the ServiceEntry's namespace) that are its endpoints. */
  readonly workloadSelector?: Labels;
  /** Empty: every namespace (`*`, meshConfig.defaultServiceExportTo's default). */
  readonly exportTo: readonly string[];
  readonly creationTimestamp?: string;
}

/** One `Server` of an Istio Gateway: a port the gateway proxy listens on and the hosts it serves there. */
export interface IstioGatewayServer {
  readonly index: number;
  /** `port.number`: the gateway Service's port (istiod listens on its targetPort) or the pod port itself. */
  readonly port: number;
  /** Upper case: HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP, TLS. */
  readonly protocol: string;
  readonly portName?: string;
  /** As written, lower case: `host`, `ns/host`, `./host`, `*\/host`; a host may be `*` or `*.example.com`. */
  readonly hosts: readonly string[];
  readonly tls?: {
    /** SIMPLE, MUTUAL, PASSTHROUGH, ISTIO_MUTUAL, AUTO_PASSTHROUGH, OPTIONAL_MUTUAL; SIMPLE when unset. */
    readonly mode: string;
    readonly credentialName?: string;
    readonly httpsRedirect: boolean;
  };
  readonly source?: SourceRef;
}

/**
 * Istio `Gateway` (networking.istio.io): the listeners of the gateway proxies whose pods its `selector`
 * picks. https://istio.io/latest/docs/reference/config/networking/gateway/
 */
export interface IstioGateway extends ObjectMeta {
  readonly namespace: string;
  /** Pod labels; empty selects nothing useful (kubetwin treats it as selecting no pod). */
  readonly selector: Labels;
  readonly servers: readonly IstioGatewayServer[];
  readonly creationTimestamp?: string;
}

/**
 * One `IstioEgressListener` of a Sidecar: the hosts (`namespace/dnsName`) whose Services, ServiceEntries and
 * VirtualServices the client's proxy imports, on one port or (no port) on every other one.
 * https://istio.io/latest/docs/reference/config/networking/sidecar/#IstioEgressListener
 */
export interface IstioSidecarEgress {
  readonly index: number;
  /** `port.number`; undefined: the catch-all listener. */
  readonly port?: number;
  /** `port.protocol`, upper case (HTTP_PROXY makes the listener a plain HTTP proxy). */
  readonly protocol?: string;
  readonly bind?: string;
  /** DEFAULT, IPTABLES or NONE; undefined when not written. */
  readonly captureMode?: string;
  /** As written, lower case: `ns/host`, `./host`, `*\/host`, `~/*`. */
  readonly hosts: readonly string[];
  readonly source?: SourceRef;
}

/**
 * Istio `Sidecar` (networking.istio.io): which hosts the proxies it selects import, what they do with the rest
 * (outboundTrafficPolicy), and their inbound listeners. https://istio.io/latest/docs/reference/config/networking/sidecar/
 */
export interface IstioSidecar extends ObjectMeta {
  readonly namespace: string;
  /** `workloadSelector.labels`; undefined: every workload of the namespace (or, in the root namespace, the mesh). */
  readonly workloadSelector?: Labels;
  readonly egress: readonly IstioSidecarEgress[];
  /** The `ingress` listeners' ports (inbound listeners are not modeled: answers they can change say unknown). */
  readonly ingressPorts: readonly number[];
  readonly outboundTrafficPolicy?: {
    readonly mode: 'ALLOW_ANY' | 'REGISTRY_ONLY';
    /** `egressProxy.host`: where ALLOW_ANY sends unknown traffic instead of passing it through. */
    readonly egressProxy?: string;
  };
  readonly creationTimestamp?: string;
}

/** Linkerd `RequestMatch`: several fields set means all of them. */
export interface ProfileMatch {
  readonly pathRegex?: string;
  readonly method?: string;
  readonly all: readonly ProfileMatch[];
  readonly any: readonly ProfileMatch[];
  readonly not?: ProfileMatch;
}

export interface ProfileRoute {
  readonly name: string;
  readonly condition: ProfileMatch;
  /** As written; Linkerd's default is 10s. */
  readonly timeout?: string;
  readonly isRetryable: boolean;
  readonly source?: SourceRef;
}

/** A Linkerd ServiceProfile: per-route timeouts and retries for the Service its name spells (FQDN). */
export interface ServiceProfile extends ObjectMeta {
  readonly namespace: string;
  readonly routes: readonly ProfileRoute[];
  readonly retryBudget?: {
    readonly retryRatio?: number;
    readonly minRetriesPerSecond?: number;
    readonly ttl?: string;
  };
  /** `dstOverrides` present (traffic split; not modeled). */
  readonly hasDstOverrides: boolean;
}

/**
 * Istio's mesh-wide `exportTo` defaults (MeshConfig), each `*` when its source does not set it.
 * https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig
 */
export interface IstioExportDefaults {
  /** `defaultVirtualServiceExportTo`. */
  readonly virtualService: readonly string[];
  /** `defaultDestinationRuleExportTo`. */
  readonly destinationRule: readonly string[];
  /** `defaultServiceExportTo` (ServiceEntries and Services). */
  readonly service: readonly string[];
  /** Where they were read: `ConfigMap/istio-system/istio data.mesh` or `IstioOperator/… spec.meshConfig`. */
  readonly from: string;
}

export interface MeshModel {
  /** The mesh in use: from the profile, else detected from its control plane; undefined: no mesh. */
  readonly name?: MeshName;
  /** `profile`, or the object it was detected from (`Deployment/istio-system/istiod`). */
  readonly detectedFrom?: string;
  readonly virtualServices: readonly VirtualService[];
  readonly destinationRules: readonly DestinationRule[];
  readonly serviceEntries: readonly ServiceEntry[];
  /** Istio `WorkloadEntry`s, sorted by namespace/name. */
  readonly workloadEntries: readonly IstioWorkloadEntry[];
  /** Istio `Gateway`s (networking.istio.io), sorted by namespace/name. */
  readonly istioGateways: readonly IstioGateway[];
  /** Istio `Sidecar`s, sorted by namespace/name. */
  readonly sidecars: readonly IstioSidecar[];
  /**
   * meshConfig.outboundTrafficPolicy.mode from the profile's `mesh.outboundTrafficPolicy`; undefined when the
   * profile does not say (Istio's default is ALLOW_ANY).
   */
  readonly outboundTrafficPolicy?: 'ALLOW_ANY' | 'REGISTRY_ONLY';
  readonly serviceProfiles: readonly ServiceProfile[];
  /** Istio mTLS modes and request authorization (`mesh-security.ts`). */
  readonly peerAuthentications: readonly PeerAuthentication[];
  readonly authorizationPolicies: readonly AuthorizationPolicy[];
  /** Istio's root namespace (the profile's `mesh.rootNamespace`, else `istio-system`). */
  readonly rootNamespace: string;
  /**
   * The exportTo defaults read from the input (the `istio` ConfigMap or an IstioOperator); the builder has already
   * put them in place of every empty Istio `exportTo`. Undefined when the input holds neither.
   */
  readonly exportDefaults?: IstioExportDefaults;
  /**
   * Set when the defaults are not in the input and some VirtualService, DestinationRule or ServiceEntry leaves
   * `exportTo` empty: the sentence that says `*` (Istio's default) was assumed for them, for answers to repeat.
   */
  readonly exportToAssumed?: string;
  /** Linkerd's policy objects and defaults (`mesh-linkerd.ts`). */
  readonly linkerd: LinkerdPolicy;
}
