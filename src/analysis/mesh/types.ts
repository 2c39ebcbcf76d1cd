/**
 * The shared east-west model every mesh fills: which pods carry a proxy (and the identity they present), and
 * per destination Service the ordered rules a client's sidecar applies. Istio VirtualServices and Gateway API
 * routes whose parent is a Service (GAMMA) both compile to `MeshRule`s; one router evaluates them.
 */
import type { MeshName, ServiceEntry } from '../../model/mesh.ts';
import type { HttpRequest, LostCandidate, DecisionSource } from '../../model/routing.ts';
import type { ObjectKey, Pod, Service } from '../../model/types.ts';

/** Whether one pod runs the mesh's proxy, and the label or annotation that decided it. */
export interface Sidecar {
  readonly meshed: boolean;
  /** `namespace label istio-injection=enabled`, `pod annotation linkerd.io/inject=disabled`, ... */
  readonly reason: string;
  /** The identity the proxy presents: `spiffe://cluster.local/ns/NS/sa/SA` (Istio) or the Linkerd name. */
  readonly identity?: string;
}

/** The client a sidecar routes for: its pod (labels, namespace), or nothing for an outside or unmeshed client. */
export interface MeshClient {
  readonly pod: Pod;
  /** `namespace/name` of the Istio Gateway whose server the request came in on (the pod is its proxy). */
  readonly gateway?: string;
}

/** A request as the client's sidecar sees it: `port` is the destination (Service) port. */
export type MeshRequest = HttpRequest;

/** A Service (and optionally a subset of its pods) a rule sends traffic to. */
export interface MeshTarget {
  readonly namespace: string;
  readonly name: string;
  readonly subset?: string;
  /** The Service port; undefined: the port the request was sent to. */
  readonly port?: number;
  readonly weight: number;
  /** Why this destination cannot take traffic (unknown host or subset): requests sent to it get 503. */
  readonly problem?: string;
  /** The Istio ServiceEntry that declares the host (`name` is then the host, not a Service). */
  readonly entry?: ServiceEntry;
}

/** Where a rule copies requests to, and the share of the requests it copies (0-100; 100 when unset). */
export interface MeshMirrorTarget extends MeshTarget {
  readonly percent: number;
}

/**
 * A mirror on the answer: where the copies go and the share of requests copied. Mirroring is fire-and-forget: the
 * proxy discards the copy's response, so the client's answer comes from the destinations, whatever the mirror does.
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMirrorPolicy
 * https://gateway-api.sigs.k8s.io/geps/gep-3171/ (percent, fraction)
 */
export interface MeshMirror extends Pick<
  MeshDestination,
  'kind' | 'namespace' | 'name' | 'subset' | 'workloads' | 'endpoints'
> {
  readonly port: number;
  /** Share of requests copied, 0-100 (0: none). */
  readonly percent: number;
  /** Why the copies go nowhere (unknown host or subset, no endpoint): the answer is unchanged. */
  readonly problem?: string;
}

/** What a winning rule does with the request. */
export type MeshAction =
  | {
      readonly kind: 'route';
      readonly targets: readonly MeshTarget[];
      readonly rewrittenPath?: string;
      readonly rewrittenHost?: string;
      readonly timeout?: string;
      readonly retries?: string;
      /** Copies of the request sent besides the targets (VirtualService mirror/mirrors, HTTPRoute RequestMirror). */
      readonly mirrors?: readonly MeshMirrorTarget[];
      /** What befalls only a share of the requests (a `fault.abort` below 100%): this request may or may not. */
      readonly sometimes?: readonly string[];
      readonly notes: readonly string[];
    }
  | {
      readonly kind: 'redirect';
      readonly status: number;
      readonly location: string;
      readonly notes: readonly string[];
    }
  | {
      readonly kind: 'respond';
      readonly status: number;
      readonly why: string;
      readonly notes: readonly string[];
    }
  | {
      /** What the rule does is not modeled: the answer is unknown, for `why`. */
      readonly kind: 'unknown';
      readonly why: string;
      readonly notes: readonly string[];
    };

/** One match block of a rule: blocks are ORed, the conditions inside one ANDed. */
export interface MeshMatch {
  /** Where it is written: `spec.http[0].match[1]`. */
  readonly at: string;
  /** The conditions in words; `any request` for a rule without matches. */
  readonly describe: string;
  /** Why the request does not match, or undefined when it does; a constant string unless `explain`. */
  failure(req: MeshRequest, client: MeshClient, explain: boolean): string | undefined;
}

/** One rule of a route table, in evaluation order. */
export interface MeshRule {
  readonly object: ObjectKey;
  /** `spec.http[0]` or `rules[0]`. */
  readonly at: string;
  readonly name?: string;
  readonly matches: readonly MeshMatch[];
  /** The action for a request the block at `matchIndex` matched. */
  act(req: MeshRequest, matchIndex: number): MeshAction;
}

/** The rules a sidecar applies to requests for one Service, from one or more objects. */
export interface MeshRouteTable {
  /** Undefined for a table over a ServiceEntry host. */
  readonly service?: Service;
  /** What the rules come from: `Istio VirtualService` or `Gateway API HTTPRoute (GAMMA)`. */
  readonly by: string;
  readonly rules: readonly MeshRule[];
  /** Facts about the table: conflicting objects left out, ports the rules do not apply to. */
  readonly notes: readonly string[];
}

export interface MeshDestination {
  /** What `name` is: a Service (undefined), a `ServiceEntry host` or an `outside host` (passthrough). */
  readonly kind?: 'ServiceEntry host' | 'outside host';
  readonly namespace: string;
  readonly name: string;
  readonly subset?: string;
  readonly port?: number;
  readonly weight: number;
  /** Share of requests, 0-100 (rounded to 0.1). */
  readonly share: number;
  /** `ns/name` of the workloads (or bare pods) whose ready pods receive the requests, sorted. */
  readonly workloads: readonly string[];
  /** Ready `ip:port` endpoints the sidecar balances over. */
  readonly endpoints: readonly string[];
  readonly problem?: string;
}

/**
 * The mesh's answer for one request from one client. `status` is what the client gets from its sidecar: 200
 * forwarded, 3xx a redirect, 404 no rule matched, 503 no usable destination, or a fault/direct response.
 */
export interface MeshDecision {
  readonly mesh?: MeshName;
  /** `ns/name` of the client pod, when there is one. */
  readonly client?: string;
  readonly clientMeshed: boolean;
  readonly service?: {
    readonly namespace: string;
    readonly name: string;
    readonly port: number;
    /** Undefined for a Service. */
    readonly kind?: 'ServiceEntry host' | 'outside host';
  };
  /**
   * The proxy passes the connection on to the address the application dialed (Istio's PassthroughCluster for a
   * Service its Sidecar does not import): kube-proxy, not the proxy, picks the endpoint behind the ClusterIP.
   */
  readonly passthrough?: boolean;
  /** `ns/name` of the Istio ambient waypoint that routed the request (then the waypoint, not the client, decides). */
  readonly waypoint?: string;
  /** Who picked the destinations: a VirtualService, an HTTPRoute, or the sidecar's / kube-proxy's default. */
  readonly by: string;
  readonly status: number;
  readonly winner?: DecisionSource;
  readonly lost: readonly LostCandidate[];
  readonly destinations: readonly MeshDestination[];
  readonly redirect?: { readonly status: number; readonly location: string };
  readonly rewrittenPath?: string;
  readonly rewrittenHost?: string;
  readonly timeout?: string;
  readonly retries?: string;
  /** Copies of this request the client's proxy sends besides it, each with its share of requests; see MeshMirror. */
  readonly mirrors?: readonly MeshMirror[];
  /**
   * Outcomes the route gives only a share of the requests (a `fault.abort` below 100%): one request's answer is
   * not known, so `trace` and `test` say unknown where it matters.
   */
  readonly sometimes?: readonly string[];
  /**
   * A connection decided by VirtualService `tcp` or `tls` rules (ports Istio proxies as TCP or TLS, gateway
   * PASSTHROUGH and TCP servers): `status` is 200 when forwarded, 503 when the proxy closes it (`closed` says why).
   */
  readonly connection?: 'tcp' | 'tls';
  readonly closed?: string;
  /** What the twin does not know decides the answer: why (no destination is claimed). */
  readonly unknown?: string;
  readonly notes: readonly string[];
}
