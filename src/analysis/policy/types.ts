/**
 * Public shapes of the NetworkPolicy engine: what a connection is, and the explained verdict it gets.
 * A verdict always has both sides: egress at the source and ingress at the destination.
 */
import type { SourceRef } from '../../model/diagnostic.ts';
import type { ObjectKey, Pod, Protocol } from '../../model/types.ts';

/** One end of a connection: a pod, or an address (outside the cluster, a node, or the internet). */
export type Party =
  | { readonly kind: 'pod'; readonly pod: Pod }
  | { readonly kind: 'ip'; readonly ip: string; readonly label?: string };

/** How hostNetwork pods are treated: as their node (what most CNIs do; the default) or as ordinary pods. */
export type HostNetworkMode = 'node' | 'pod';

export interface EngineOptions {
  readonly hostNetwork?: HostNetworkMode;
}

/** The tier that decided one side: admin (ANP / ClusterNetworkPolicy Admin), NetworkPolicy, baseline, or none. */
export type Tier = 'admin' | 'networkpolicy' | 'baseline' | 'default';

/** A rule that decided a side, down to the peer and its place in the file. */
export interface RuleRef {
  readonly tier: Tier;
  readonly policy: ObjectKey;
  readonly rule: number;
  /** Index of the peer inside the rule's from/to list; undefined when the rule admits every peer. */
  readonly peer?: number;
  readonly action?: 'Allow' | 'Deny' | 'Pass';
  readonly source?: SourceRef;
}

/** Why one rule of an isolating policy did not admit the connection. */
export interface Miss {
  readonly policy: ObjectKey;
  readonly rule: number;
  readonly reason: string;
  readonly source?: SourceRef;
}

export type SideReason =
  | 'not-isolated'
  | 'rule'
  | 'no-rule-matched'
  | 'own-node'
  | 'self'
  | 'not-a-pod'
  | 'host-network'
  | 'not-enforced'
  | 'admin'
  | 'baseline';

export interface SideVerdict {
  readonly direction: 'Egress' | 'Ingress';
  readonly allowed: boolean;
  readonly reason: SideReason;
  /** The rule that admitted (or, for admin tiers, denied) the connection. */
  readonly match?: RuleRef;
  /** Policies that select the pod with this policyType (what isolates it). */
  readonly isolatedBy: readonly { readonly policy: ObjectKey; readonly source?: SourceRef }[];
  /** For a denial by NetworkPolicy: why each rule of the isolating policies missed. */
  readonly misses: readonly Miss[];
  /** Undefined-by-upstream or CNI-dependent behaviour that touched this verdict. */
  readonly notes: readonly string[];
}

export interface Verdict {
  readonly allowed: boolean;
  readonly port: number;
  readonly protocol: Protocol;
  readonly egress: SideVerdict;
  readonly ingress: SideVerdict;
  readonly warnings: readonly string[];
}
