/**
 * Slim Istio security model: PeerAuthentication (mTLS mode) and AuthorizationPolicy, as
 * `src/cluster/mesh-config` reads them. Field names mirror the Istio API.
 * https://istio.io/latest/docs/reference/config/security/peer_authentication/
 * https://istio.io/latest/docs/reference/config/security/authorization-policy/
 */
import type { SourceRef } from './diagnostic.ts';
import type { ObjectMeta } from './types.ts';
import type { Labels } from '../lib/labels.ts';

/** `PeerAuthentication.MutualTLS.Mode`; `UNSET` inherits from the parent policy. */
export type MtlsMode = 'UNSET' | 'DISABLE' | 'PERMISSIVE' | 'STRICT';

export interface PeerAuthentication extends ObjectMeta {
  readonly namespace: string;
  /** `selector.matchLabels`; absent: the whole namespace (the whole mesh in the root namespace). */
  readonly selector?: Labels;
  /** `mtls.mode`; absent is `UNSET`. */
  readonly mode: MtlsMode;
  readonly modeSource?: SourceRef;
  /** `portLevelMtls`, keyed by the workload's (container) port. */
  readonly portLevel: readonly {
    readonly port: number;
    readonly mode: MtlsMode;
    readonly source?: SourceRef;
  }[];
  readonly creationTimestamp?: string;
}

/** A list field of a `Source`, `Operation` or `Condition`: the values as written. */
export type AuthzValues = readonly string[];

/** `Source`: fields ANDed, values of one field ORed. */
export interface AuthzSource {
  readonly index: number;
  readonly fields: Readonly<Partial<Record<AuthzSourceField, AuthzValues>>>;
  readonly source?: SourceRef;
}
export type AuthzSourceField =
  | 'principals'
  | 'notPrincipals'
  | 'requestPrincipals'
  | 'notRequestPrincipals'
  | 'namespaces'
  | 'notNamespaces'
  | 'ipBlocks'
  | 'notIpBlocks'
  | 'remoteIpBlocks'
  | 'notRemoteIpBlocks'
  | 'serviceAccounts'
  | 'notServiceAccounts';

/** `Operation`: fields ANDed, values of one field ORed. */
export interface AuthzOperation {
  readonly index: number;
  readonly fields: Readonly<Partial<Record<AuthzOperationField, AuthzValues>>>;
  readonly source?: SourceRef;
}
export type AuthzOperationField =
  'hosts' | 'notHosts' | 'ports' | 'notPorts' | 'methods' | 'notMethods' | 'paths' | 'notPaths';

/** `Condition`: `key` with `values` (ORed) and/or `notValues`. */
export interface AuthzCondition {
  readonly index: number;
  readonly key: string;
  readonly values: AuthzValues;
  readonly notValues: AuthzValues;
  readonly source?: SourceRef;
}

/** `Rule`: `from` (ORed), `to` (ORed) and `when` (ANDed) must all match; an absent part matches. */
export interface AuthzRule {
  readonly index: number;
  readonly from?: readonly AuthzSource[];
  readonly to?: readonly AuthzOperation[];
  readonly when: readonly AuthzCondition[];
  readonly source?: SourceRef;
}

/** A `PolicyTargetReference`: a waypoint's Gateway, a Service or ServiceEntry, or the `istio-waypoint` GatewayClass. */
export interface AuthzTargetRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
}

export type AuthzAction = 'ALLOW' | 'DENY' | 'AUDIT' | 'CUSTOM';

export interface AuthorizationPolicy extends ObjectMeta {
  readonly namespace: string;
  /** `selector.matchLabels`; absent: the whole namespace (the whole mesh in the root namespace). */
  readonly selector?: Labels;
  /** `targetRef`/`targetRefs` set (waypoints and gateways): the policy is theirs, not a sidecar's or ztunnel's. */
  readonly targetRefs: boolean;
  /** The `targetRef` and `targetRefs` entries, in order (`group` empty for the core group). */
  readonly targets?: readonly AuthzTargetRef[];
  readonly action: AuthzAction;
  /** Absent `rules`: an ALLOW policy matches nothing; `rules: [{}]` matches everything. */
  readonly rules: readonly AuthzRule[];
  readonly creationTimestamp?: string;
}
