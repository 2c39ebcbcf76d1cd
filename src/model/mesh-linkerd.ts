/**
 * Slim Linkerd policy model (policy.linkerd.io): Servers, their authorizations (ServerAuthorization and
 * AuthorizationPolicy), the authentications those require (MeshTLSAuthentication, NetworkAuthentication) and
 * the HTTPRoutes that divide a Server's traffic. Field names mirror the Linkerd API.
 * https://linkerd.io/2.15/reference/authorization-policy/
 */
import type { Selector } from '../lib/labels.ts';
import type { SourceRef } from './diagnostic.ts';
import type { HTTPRoute } from './routing.ts';
import type { ObjectMeta } from './types.ts';

/** `config.linkerd.io/default-inbound-policy` values (and a Server's `accessPolicy`). */
export type LinkerdDefaultPolicy =
  | 'all-unauthenticated'
  | 'all-authenticated'
  | 'cluster-authenticated'
  | 'cluster-unauthenticated'
  | 'deny'
  | 'audit';

export const linkerdDefaultPolicies: readonly LinkerdDefaultPolicy[] = [
  'all-unauthenticated',
  'all-authenticated',
  'cluster-authenticated',
  'cluster-unauthenticated',
  'deny',
  'audit',
];

/** A subnet and the subnets cut out of it. */
export interface LinkerdNetwork {
  readonly cidr: string;
  readonly except: readonly string[];
}

/** A port (number or container port name) on the pods its selector picks, in its namespace. */
export interface LinkerdServer extends ObjectMeta {
  readonly namespace: string;
  readonly podSelector: Selector;
  readonly port: number | string;
  /** `unknown` when absent. */
  readonly proxyProtocol: string;
  /** v1beta3 `accessPolicy`: what the Server admits without an authorization (deny when absent). */
  readonly accessPolicy?: LinkerdDefaultPolicy;
  readonly creationTimestamp?: string;
}

/** The legacy per-Server authorization. */
export interface ServerAuthorization extends ObjectMeta {
  readonly namespace: string;
  /** By name, or by a selector over Servers' labels. */
  readonly server: { readonly name?: string; readonly selector?: Selector };
  readonly client: {
    readonly unauthenticated: boolean;
    readonly meshTLS?: {
      readonly unauthenticatedTLS: boolean;
      readonly identities: readonly string[];
      readonly serviceAccounts: readonly { readonly name: string; readonly namespace: string }[];
    };
    /** Absent: the proxy's default networks. */
    readonly networks?: readonly LinkerdNetwork[];
  };
}

/**
 * A reference to another object. In an AuthorizationPolicy the builder has checked group and kind together, as
 * Linkerd does (ASCII case aside), and spells them as Linkerd's types are (`Server`, `policy.linkerd.io`; `''` for
 * the core group), so analyses compare them exactly.
 */
export interface LinkerdRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace?: string;
  readonly source?: SourceRef;
}

/** Authorizes the clients that satisfy every required authentication to send to its target. */
export interface LinkerdAuthorizationPolicy extends ObjectMeta {
  readonly namespace: string;
  /** A Server, an HTTPRoute (policy.linkerd.io or gateway.networking.k8s.io) or the policy's Namespace. */
  readonly targetRef: LinkerdRef;
  readonly requiredAuthenticationRefs: readonly LinkerdRef[];
}

export interface MeshTLSAuthentication extends ObjectMeta {
  readonly namespace: string;
  /** `*`, `*.suffix` or exact identities. */
  readonly identities: readonly string[];
  /**
   * ServiceAccounts and Namespaces (every ServiceAccount of the namespace `name`). A ref without `name` is kept
   * as such: the CRD reads it as every object of the kind, Linkerd's policy controller cannot (its `name` is
   * required), so what Linkerd does with it is not known.
   */
  readonly identityRefs: readonly {
    readonly kind: 'ServiceAccount' | 'Namespace';
    readonly name?: string;
    readonly namespace: string;
  }[];
}

export interface NetworkAuthentication extends ObjectMeta {
  readonly namespace: string;
  readonly networks: readonly LinkerdNetwork[];
}

/**
 * Linkerd `EgressNetwork` (policy.linkerd.io, 2.17+): the outside networks whose traffic from meshed clients of its
 * namespace (of every namespace, in the global egress namespace) the proxy captures, and what it does with traffic
 * no attached route describes. https://linkerd.io/2.17/reference/egress-network/
 */
export interface LinkerdEgressNetwork extends ObjectMeta {
  readonly namespace: string;
  /** Empty: every address outside the cluster networks. */
  readonly networks: readonly LinkerdNetwork[];
  readonly trafficPolicy: 'Allow' | 'Deny';
  readonly creationTimestamp?: string;
}

/** Linkerd's policy objects as `src/cluster/mesh-config` reads them. */
export interface LinkerdPolicy {
  readonly servers: readonly LinkerdServer[];
  readonly serverAuthorizations: readonly ServerAuthorization[];
  readonly authorizationPolicies: readonly LinkerdAuthorizationPolicy[];
  readonly meshTLSAuthentications: readonly MeshTLSAuthentication[];
  readonly networkAuthentications: readonly NetworkAuthentication[];
  /** policy.linkerd.io HTTPRoutes (parented to Servers for authorization, or to Services for routing). */
  readonly httpRoutes: readonly HTTPRoute[];
  /** The cluster-wide default inbound policy (profile `mesh.defaultInboundPolicy`; all-unauthenticated). */
  readonly defaultInboundPolicy: LinkerdDefaultPolicy;
  /** The profile's `mesh.clusterNetworks`, else Linkerd's default `clusterNetworks`. */
  readonly clusterNetworks: readonly string[];
  /** EgressNetworks, sorted by namespace/name. */
  readonly egressNetworks: readonly LinkerdEgressNetwork[];
}
