/**
 * Cilium's policy kinds (`cilium.io/v2` CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy) in slim form:
 * what the Cilium tier of the policy engine reads, each rule and peer with its place in the file.
 * https://docs.cilium.io/en/stable/security/policy/language/
 */
import type { Selector } from '../lib/labels.ts';
import type { SourceRef } from './diagnostic.ts';
import type { ObjectMeta } from './types.ts';

/** The entities of `fromEntities` / `toEntities` (https://docs.cilium.io/en/stable/security/policy/language/#entities-based). */
export const ciliumEntities = [
  'all',
  'world',
  'world-ipv4',
  'world-ipv6',
  'cluster',
  'host',
  'remote-node',
  'kube-apiserver',
  'ingress',
  'health',
  'init',
  'unmanaged',
] as const;
export type CiliumEntity = (typeof ciliumEntities)[number];

/**
 * One L3 peer of a rule. `endpoints` selectors are over identity labels (source prefixes `k8s:` / `any:`
 * removed), already scoped to the policy's namespace where Cilium scopes them.
 */
export type CiliumPeer = (
  | {
      readonly kind: 'endpoints';
      readonly selector: Selector;
      /**
       * A CiliumNetworkPolicy selector on namespace labels naming no namespace: the same selector over every
       * namespace, as recent Cilium reads it (`selector` is the one scoped to the policy's namespace, as its
       * documentation and older releases read it). A pod only `unscoped` selects gets an unknown verdict.
       */
      readonly unscoped?: Selector;
    }
  | { readonly kind: 'entity'; readonly entity: CiliumEntity }
  | { readonly kind: 'cidr'; readonly cidr: string; readonly except: readonly string[] }
  | {
      readonly kind: 'service';
      readonly namespace: string;
      readonly name?: string;
      readonly selector?: Selector;
    }
  | { readonly kind: 'fqdn'; readonly matchName?: string; readonly matchPattern?: string }
  | { readonly kind: 'nodes'; readonly selector: Selector }
) & {
  /** Field path inside the rule, as explanations print it: `fromEndpoints[1]`, `toCIDRSet[0]`. */
  readonly path: string;
  readonly source?: SourceRef;
};

/** One L7 HTTP rule; every field is optional and a regular expression matched in full (Envoy `safe_regex`). */
export interface CiliumHttpRule {
  readonly method?: string;
  readonly path?: string;
  readonly host?: string;
  /** `Name` (present) or `Name: value` (equal), as the `headers` list spells them. */
  readonly headers: readonly { readonly name: string; readonly value?: string }[];
  readonly index: number;
  readonly source?: SourceRef;
}

/** One L7 DNS rule (egress to a DNS server through Cilium's DNS proxy). */
export interface CiliumDnsRule {
  readonly matchName?: string;
  readonly matchPattern?: string;
}

export type CiliumProtocol = 'TCP' | 'UDP' | 'SCTP' | 'ANY';

export interface CiliumPortRule {
  /** Empty: every port (a `toPorts` entry with L7 rules only). */
  readonly ports: readonly {
    /** 0: every port; a string: a container port name resolved at the destination. */
    readonly port: number | string;
    readonly endPort?: number;
    readonly protocol: CiliumProtocol;
  }[];
  /** Undefined: no L7 rules. */
  readonly http?: readonly CiliumHttpRule[];
  readonly dns?: readonly CiliumDnsRule[];
  /** L7 protocols read but not modeled (kafka, l7proto): the rule is judged at L4 with a warning. */
  readonly otherL7?: string;
  /**
   * Fields of this port rule kubetwin does not model (`toPorts[0].rules.kafka`, `toPorts[0].listener`,
   * `toPorts[0].rules.http[1].headerMatches`): they can change only verdicts on the ports it covers.
   */
  readonly unmodeled: readonly string[];
  readonly index: number;
  readonly source?: SourceRef;
}

export type CiliumSection = 'ingress' | 'egress' | 'ingressDeny' | 'egressDeny';

export interface CiliumRule {
  readonly section: CiliumSection;
  readonly index: number;
  /**
   * `all`: no L3 field, so every peer (a rule with only `toPorts`). An empty list: the rule names no peer
   * and no port (`ingress: [{}]`), so it selects nothing and only isolates.
   */
  readonly peers: readonly CiliumPeer[] | 'all';
  /**
   * The L3 field given as an explicitly empty list (`fromCIDR: []`): the rule selects no peer (Cilium 1.15+,
   * cilium/cilium#29608), so `peers` is empty.
   */
  readonly emptyPeerList?: string;
  /** `all` when the rule has no `toPorts` and no `icmps`; empty for an `icmps` rule (it admits ICMP only). */
  readonly toPorts: readonly CiliumPortRule[] | 'all';
  /** The rule has `icmps`: its L4 part is ICMP only, so it admits or denies no TCP, UDP or SCTP port. */
  readonly icmps?: true;
  /**
   * Fields of the rule kubetwin does not model that can change a verdict on any port (`fromRequires`,
   * `authentication`, ...); those of one port rule are in its `unmodeled`.
   */
  readonly unmodeled: readonly string[];
  readonly source?: SourceRef;
}

/** One element of `spec` or `specs`. */
export interface CiliumSpec {
  /** `spec` or `specs[N]`, for explanations. */
  readonly path: string;
  /** Undefined with `nodeSelector` (a host policy). */
  readonly endpointSelector?: Selector;
  /**
   * A CiliumClusterwideNetworkPolicy's endpointSelector as written (`endpointSelector` adds the namespace label, so
   * it selects pods only): what selects the reserved identities, such as the `ingress` of Cilium Ingress.
   */
  readonly writtenSelector?: Selector;
  readonly nodeSelector?: Selector;
  readonly rules: readonly CiliumRule[];
  /** `enableDefaultDeny`, defaulted as Cilium does: true for each direction that has rules (allow or deny). */
  readonly defaultDeny: { readonly ingress: boolean; readonly egress: boolean };
  readonly source?: SourceRef;
}

export interface CiliumPolicy extends ObjectMeta {
  readonly kind: 'CiliumNetworkPolicy' | 'CiliumClusterwideNetworkPolicy';
  /** Undefined for CiliumClusterwideNetworkPolicy. */
  readonly namespace?: string;
  readonly specs: readonly CiliumSpec[];
  /**
   * `fromNodes`/`toNodes` fields (`specs[0].ingress[1].fromNodes (...)`), which the agent refuses (and with them
   * the whole policy) unless it runs with enable-node-selector-labels: every verdict a rule of the policy judges
   * names them (unknown) unless the input's cilium-config turns that flag on.
   */
  readonly nodeRules?: readonly string[];
  /** What else about the whole policy kubetwin does not model: every verdict a rule of it judges names them. */
  readonly unmodeled?: readonly string[];
}

/** Identity labels Cilium gives every pod (https://docs.cilium.io/en/stable/security/policy/kubernetes/). */
export const ciliumLabels = {
  namespace: 'io.kubernetes.pod.namespace',
  serviceAccount: 'io.cilium.k8s.policy.serviceaccount',
  cluster: 'io.cilium.k8s.policy.cluster',
  namespaceLabels: 'io.cilium.k8s.namespace.labels.',
} as const;
