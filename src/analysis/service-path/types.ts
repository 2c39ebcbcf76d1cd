/** The Service data path as kube-proxy programs it, as data: which endpoints a connection can reach and how load spreads. */
import type { KubeProxyMode } from '../../model/profile.ts';
import type { Protocol } from '../../model/types.ts';

/**
 * Where the connection comes from: a pod (to the ClusterIP), or a client outside through a node port, the load
 * balancer or one of the Service's `externalIPs` (routed to some node, which kube-proxy captures it on).
 */
export type Client =
  | {
      readonly kind: 'pod';
      readonly pod: string;
      /**
       * True when the pod dialed the Service's load-balancer address or an externalIP, which kube-proxy on its node
       * captures: the connection goes to the cluster-wide endpoints, narrowed by neither traffic policy.
       */
      readonly captured?: boolean;
    }
  | {
      readonly kind: 'external';
      readonly ip: string;
      readonly via: { readonly node: string } | 'loadbalancer' | 'external-ip';
      /**
       * The node a load-balancer connection arrives on, when the address says it: a k3s ServiceLB address is that
       * node's own (`serviceLbNode`). Undefined: the load balancer picks a node.
       */
      readonly arrival?: string;
    }
  | { readonly kind: 'unspecified' };

export interface ServicePathQuery {
  /** `namespace/name` of the Service. */
  readonly service: string;
  /** Service port number or name; may be omitted when the Service has one port. */
  readonly port?: number | string;
  readonly client: Client;
  /** Connections to spread (`--requests`). */
  readonly requests?: number;
}

export interface EndpointRow {
  readonly ip: string;
  /** The targetPort resolved for this endpoint; undefined when its slice lacks the port. */
  readonly port?: number;
  readonly pod?: string;
  readonly node?: string;
  readonly zone?: string;
  readonly state: 'ready' | 'serving-terminating' | 'not-ready';
  /** True when kube-proxy would send this client's connections here. */
  readonly used: boolean;
  /** Why not, when unused. */
  readonly reason?: string;
}

export type PathVerdict =
  /** Connections reach one of the used endpoints. */
  | 'routed'
  /** The Service has no usable endpoint: kube-proxy rejects (ICMP unreachable / TCP reset). */
  | 'rejected'
  /** A Local traffic policy leaves no endpoint for this client: packets are dropped. */
  | 'dropped'
  /** The Service does not define the port, or the entry (NodePort, load balancer) does not exist. */
  | 'not-routed';

export interface ServicePathResult {
  readonly service: string;
  /**
   * Why the answer is unknown, when it is: kube-proxy ignores the Service (`service.kubernetes.io/service-proxy-name`)
   * or its endpoints are written by kube-apiserver and not in the input (`default/kubernetes` without its slice).
   * The verdict and rows are then what the objects kubetwin models say.
   */
  readonly unknown?: string;
  readonly port?: {
    readonly name?: string;
    readonly port: number;
    readonly protocol: Protocol;
    readonly nodePort?: number;
  };
  /** Addresses this client uses to reach the Service (`10.96.1.10:8000`, `10.0.1.11:30581`, `52.10.20.30:80`). */
  readonly frontends: readonly string[];
  readonly entry: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalIP';
  readonly clientDescription: string;
  /** The traffic policy that applies (`internalTrafficPolicy` for in-cluster traffic, `externalTrafficPolicy` for the rest). */
  readonly policy: {
    readonly field: 'internalTrafficPolicy' | 'externalTrafficPolicy';
    readonly value: 'Cluster' | 'Local';
  };
  /** The topology hints this client's node follows (`zone a (topology hints)`), when they narrow the endpoints. */
  readonly topology?: string;
  /**
   * Why the hints, and so which endpoints this client uses, are unknown (topology-mode Auto over slices kubetwin
   * computes); `endpoints` then marks every endpoint a hint could leave as used, and `unknown` says the same.
   */
  readonly topologyUnknown?: string;
  /** Why the entry itself makes the answer unknown (an externalIP with a Local policy: the node it is routed to). */
  readonly entryUnknown?: string;
  readonly verdict: PathVerdict;
  readonly endpoints: readonly EndpointRow[];
  /**
   * The source address the endpoint sees: the client's, or after kube-proxy's masquerade every address it can be
   * (`addresses`, sorted; the node's, or a CNI device's in the node's pod range: `masqueradeSources`).
   */
  readonly sourceIP?: {
    readonly seen: string;
    readonly preserved: boolean;
    readonly why: string;
    readonly addresses?: readonly string[];
  };
  readonly affinity: { readonly mode: 'None' | 'ClientIP'; readonly timeoutSeconds?: number };
  readonly balancing: {
    readonly mode: KubeProxyMode;
    readonly algorithm: string;
    readonly description: string;
  };
  /** The `requests` asked for. */
  readonly requests?: number;
  /** With `requests`: connections per used endpoint (`ip:port` → count); empty when none is used. */
  readonly spread?: readonly { readonly endpoint: string; readonly connections: number }[];
  readonly spreadKind?: 'exact' | 'expected';
  readonly notes: readonly string[];
}
