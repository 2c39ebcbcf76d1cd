import type { Finding } from '../doctor/index.ts';
import type { FlowTrace } from '../trace/index.ts';

/** A rule that admits every peer on every port (`ingress: [{}]`, `namespaceSelector: {}`, `0.0.0.0/0`). */
export interface OpenRule {
  /** The policy's key. */
  readonly policy: string;
  /** `ingress[i]` or `egress[i]`. */
  readonly rule: string;
  /** file:line of the rule (or of its policy). */
  readonly source?: string;
}

/**
 * One direction of a namespace, rated by what the engine allows on some port: `internet` (the internet stand-in
 * reaches a pod / a pod reaches it), `cluster` (every namespace with pods), `peers` (the namespaces in `peers`
 * only), `none` (nothing).
 */
export interface DirectionPosture {
  readonly reach: 'internet' | 'cluster' | 'peers' | 'none';
  /** Namespaces that reach it (ingress) or that it reaches (egress), itself included, sorted. */
  readonly peers: readonly string[];
  readonly openRules: readonly OpenRule[];
}

export interface NamespacePosture {
  readonly namespace: string;
  readonly pods: number;
  readonly readyPods: number;
  readonly workloads: number;
  readonly services: number;
  /** NetworkPolicies in the namespace. */
  readonly policies: number;
  /** CiliumNetworkPolicies in the namespace; present only when the input holds Cilium policies. */
  readonly ciliumPolicies?: number;
  readonly ingressIsolated: number;
  readonly egressIsolated: number;
  readonly defaultDenyIngress: boolean;
  readonly defaultDenyEgress: boolean;
  readonly ingress: DirectionPosture;
  readonly egress: DirectionPosture;
  /**
   * `zero-trust`: both directions reach named peers only (or nothing) and no rule admits everything; `open`: both
   * directions reach the internet or every namespace (or the namespace has no pods); `partial` otherwise. Rated by
   * what is reachable, not by the presence of a default deny. `unknown`: the cluster's CNI is unknown, so whether
   * the policies that make the namespace less than open are enforced is unknown (`ifEnforced` is the rating if
   * they are; if they are not, the namespace is open).
   */
  readonly posture: 'zero-trust' | 'partial' | 'open' | 'unknown';
  /** With posture `unknown`: the rating if the CNI enforces the policies as written. */
  readonly ifEnforced?: 'zero-trust' | 'partial';
}

export interface GraphNode {
  readonly id: string;
  readonly label: string;
  /** The namespace the node is drawn in; `(outside)` for the internet and external addresses. */
  readonly group: string;
}

export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
  readonly outcome: 'delivered' | 'partial' | 'failed';
}

/** Everything the main job shows, as data; the renderers turn it into text, Markdown or HTML. */
export interface ReportData {
  readonly title: string;
  readonly cluster: {
    readonly namespaces: number;
    readonly nodes: number;
    readonly workloads: number;
    readonly pods: number;
    readonly readyPods: number;
    readonly services: number;
    readonly networkPolicies: number;
    /** CiliumNetworkPolicies and CiliumClusterwideNetworkPolicies; present only when the input holds some. */
    readonly ciliumPolicies?: number;
    readonly cni: string;
    /** Does the CNI enforce NetworkPolicy; `unknown` when the CNI is (`cni.name: unknown`). */
    readonly enforces: boolean | 'unknown';
    readonly podCIDR: string;
    readonly serviceCIDR: string;
    readonly clusterDomain: string;
  };
  readonly posture: readonly NamespacePosture[];
  readonly flows: readonly FlowTrace[];
  readonly findings: readonly Finding[];
  readonly graph: { readonly nodes: readonly GraphNode[]; readonly edges: readonly GraphEdge[] };
  readonly services: readonly {
    readonly name: string;
    readonly type: string;
    readonly clusterIP: string;
    readonly ports: string;
    readonly ready: string;
  }[];
  readonly inputProblems: { readonly errors: number; readonly warnings: number; readonly notes: number };
  /** Objects of kinds that change connectivity or routing and that kubetwin does not model, sorted by key. */
  readonly notModeled: readonly {
    readonly key: string;
    readonly kind: string;
    readonly group: string;
    readonly name: string;
    readonly namespace?: string;
    readonly source?: string;
    readonly affects: readonly string[];
    /** `cluster` or the namespace whose answers it may change. */
    readonly applies: string;
    readonly note: string;
  }[];
}
