/**
 * Public shapes of the NetworkPolicy engine: what a connection is, and the explained verdict it gets.
 * A verdict always has both sides: egress at the source and ingress at the destination.
 */
import type { SourceRef } from '../../model/diagnostic.ts';
import type { ObjectKey, Pod, Protocol } from '../../model/types.ts';
import type { CiliumDnsRule } from '../../model/cilium-policy.ts';

/** One end of a connection: a pod, or an address (outside the cluster, a node, or the internet). */
export type Party =
  | { readonly kind: 'pod'; readonly pod: Pod }
  | {
      readonly kind: 'ip';
      readonly ip: string;
      readonly label?: string;
      /** The outside name the address was reached by (`fqdn:NAME`), for Cilium's toFQDNs. */
      readonly fqdn?: string;
      /**
       * Set when the address is a node's own device (a masquerade source: `flannel.1`, `cni0`, a tunnel), which no
       * pod holds though it lies in the pod range (service-path `masqueradeSources`).
       */
      readonly device?: string;
    };

/** How hostNetwork pods are treated: as their node (what most CNIs do; the default) or as ordinary pods. */
export type HostNetworkMode = 'node' | 'pod';

export interface EngineOptions {
  readonly hostNetwork?: HostNetworkMode;
  /**
   * When the rule table (`engine.rules`, read by the reachability plan, the peer sets and the verdict table) is
   * laid out: by the compile's own walk of the policies (`compile`, the default: for matrix, report and every
   * reader of all pairs), or on first ask by a second walk (`on-demand`: for commands that answer a few pairs,
   * `reach` and `trace`, which then never pay for it). Answers are the same either way.
   */
  readonly ruleTable?: 'compile' | 'on-demand';
}

/** One HTTP request, judged by Cilium's L7 HTTP rules (`reach --http-*`, test `http:`). */
export type { HttpRequest } from './_cilium-match.ts';

/** Options of `PolicyEngine.explain` beyond the connection. */
export interface ExplainOptions {
  /** Build miss explanations (default true; the fast path skips them). */
  readonly withReasons?: boolean;
  /** Judge this HTTP request by the L7 rules that apply to the connection. */
  readonly http?: import('./_cilium-match.ts').HttpRequest;
}

/**
 * The tier that decided one side: admin (ANP / ClusterNetworkPolicy Admin), NetworkPolicy, baseline, Cilium
 * (CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy), or none.
 */
export type Tier = 'admin' | 'networkpolicy' | 'baseline' | 'cilium' | 'default';

/** A rule that decided a side, down to the peer and its place in the file. */
export interface RuleRef {
  readonly tier: Tier;
  readonly policy: ObjectKey;
  readonly rule: number;
  /** Index of the peer inside the rule's from/to list; undefined when the rule admits every peer. */
  readonly peer?: number;
  readonly action?: 'Allow' | 'Deny' | 'Pass';
  /** Cilium: the rule's path in the policy, down to the peer (`ingress[0].fromEndpoints[1]`, `egressDeny[0]`). */
  readonly path?: string;
  readonly source?: SourceRef;
}

/** Why one rule of an isolating policy did not admit the connection. */
export interface Miss {
  readonly policy: ObjectKey;
  readonly rule: number;
  readonly reason: string;
  /** Cilium: the rule's path (`ingress[0]`, `specs[1].egress[2]`). */
  readonly path?: string;
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
  | 'baseline'
  /** A Cilium deny rule (ingressDeny / egressDeny), which overrides every allow. */
  | 'deny'
  /** Admitted at L4, but the Cilium proxy answers the HTTP request 403: no HTTP rule admits it. */
  | 'l7-denied'
  /** Cilium's policy audit mode: the policies would drop it (`audit.dropped` says how), the datapath lets it through. */
  | 'audit';

/** The L7 HTTP rules that apply to one side (Cilium), and the request's verdict when one was given. */
export interface L7Verdict {
  /** Every HTTP rule that applies, by rule path; a request must match one of them. */
  readonly rules: readonly RuleRef[];
  readonly request?: import('./_cilium-match.ts').HttpRequest;
  /** With a request: admitted by `match`, or refused (403 from the proxy). */
  readonly allowed?: boolean;
  readonly match?: RuleRef;
}

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
  /** Cilium L7 HTTP rules on this side (the connection is admitted at L4; requests are judged by the proxy). */
  readonly l7?: L7Verdict;
  /**
   * Cilium L7 DNS rules on this side: the connection is admitted, and Cilium's DNS proxy answers only lookups of
   * the names one of them matches (others are refused). Undefined: no DNS rules apply.
   */
  readonly dnsRules?: readonly CiliumDnsRule[];
  /** Reason `audit`: the ConfigMap key that turned audit mode on, and why the policies would have dropped it. */
  readonly audit?: {
    readonly setting: string;
    readonly source?: SourceRef;
    readonly dropped: SideReason;
  };
}

export interface Verdict {
  readonly allowed: boolean;
  readonly port: number;
  readonly protocol: Protocol;
  readonly egress: SideVerdict;
  readonly ingress: SideVerdict;
  readonly warnings: readonly string[];
  /** 403 when an HTTP request was given and a Cilium proxy refuses it (the connection itself is admitted). */
  readonly httpStatus?: 403;
}
