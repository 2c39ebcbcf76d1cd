/**
 * Cluster-scoped admin tiers of the Network Policy API, in slim form: AdminNetworkPolicy and
 * BaselineAdminNetworkPolicy (policy.networking.k8s.io/v1alpha1) and ClusterNetworkPolicy (v1alpha2, `tier`).
 * https://network-policy-api.sigs.k8s.io/api-overview/
 */
import type { Selector } from '../lib/labels.ts';
import type { SourceRef } from './diagnostic.ts';
import type { ObjectMeta, Protocol } from './types.ts';

/** `Accept` (v1alpha2) is read as `Allow`. */
export type AdminAction = 'Allow' | 'Deny' | 'Pass';

/** Pods by namespace and pod labels, as `subject.pods` and the `pods` peer spell it. */
export interface AdminPodSelector {
  readonly namespaceSelector: Selector;
  readonly podSelector: Selector;
}

export interface AdminPeer {
  readonly namespaces?: Selector;
  readonly pods?: AdminPodSelector;
  /** Egress only: nodes by label (traffic to the node's address). */
  readonly nodes?: Selector;
  /** Egress only: CIDRs. */
  readonly networks?: readonly string[];
  /**
   * Egress only, Allow rules only (AdminNetworkPolicy v1alpha1, experimental): FQDNs and `*.` wildcards, matched by
   * the implementation from DNS answers. Not modeled: kubetwin resolves no public name, so a verdict to an
   * address outside the cluster that such a rule reaches says unknown.
   */
  readonly domainNames?: readonly string[];
  readonly source?: SourceRef;
}

/** A port: a number or range of one protocol, or a container port name (any protocol in v1alpha2). */
export interface AdminPort {
  readonly protocol?: Protocol;
  readonly port?: number;
  readonly endPort?: number;
  readonly name?: string;
}

export interface AdminRule {
  readonly index: number;
  readonly name?: string;
  readonly action: AdminAction;
  readonly peers: readonly AdminPeer[];
  /** `all` when the rule lists no ports. */
  readonly ports: readonly AdminPort[] | 'all';
  readonly source?: SourceRef;
}

export interface AdminPolicy extends ObjectMeta {
  readonly kind: 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy' | 'ClusterNetworkPolicy';
  readonly tier: 'Admin' | 'Baseline';
  /** Lower numbers win; 0 for BaselineAdminNetworkPolicy, which has none. */
  readonly priority: number;
  readonly subject: { readonly namespaces?: Selector; readonly pods?: AdminPodSelector };
  readonly ingress: readonly AdminRule[];
  readonly egress: readonly AdminRule[];
}
