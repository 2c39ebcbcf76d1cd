/**
 * The Cilium part of the support catalogue: the policy kinds and every field of their rules with its level.
 * Paths are relative to one policy spec (`spec` or each `specs[*]`). Semantics:
 * https://docs.cilium.io/en/stable/security/policy/language/
 */
import type { KindSupport, SupportLevel } from './catalogue.ts';

export interface CiliumFieldSupport {
  readonly path: string;
  readonly level: SupportLevel;
  readonly note: string;
}

const policyNote =
  'Cilium tier of reach, matrix, trace, test, doctor and report when the profile says cni: {name: cilium}; every rule field is listed in docs/support.md';

export const ciliumKinds: readonly KindSupport[] = [
  { group: 'cilium.io', kind: 'CiliumNetworkPolicy', namespaced: true, level: 'modeled', note: policyNote },
  {
    group: 'cilium.io',
    kind: 'CiliumClusterwideNetworkPolicy',
    namespaced: false,
    level: 'modeled',
    note: policyNote,
  },
  {
    group: 'cilium.io',
    kind: 'CiliumLoadBalancerIPPool',
    namespaced: false,
    level: 'partial',
    note: "Cilium LB IPAM: a LoadBalancer Service without an observed, profile or MetalLB address (no loadBalancerClass, or io.cilium/l2-announcer, io.cilium/bgp-control-plane) gets the addresses it requests (lbipam.cilium.io/ips, io.cilium/lb-ipam-ips, spec.loadBalancerIP) from an enabled pool whose serviceSelector matches it (labels, io.kubernetes.service.namespace, io.kubernetes.service.name); otherwise its address is undetermined within the matching pools (the operator's allocation order), or pending with none; allowFirstLastIPs and pool conflicts by age are not modeled; whether the address is announced outside the cluster: see CiliumL2AnnouncementPolicy",
  },
  {
    group: 'cilium.io',
    kind: 'CiliumL2AnnouncementPolicy',
    namespaced: false,
    level: 'partial',
    note: 'who answers ARP for an LB IPAM address (trace from outside): a policy with loadBalancerIPs: true whose serviceSelector (absent: every Service; labels, io.kubernetes.service.namespace, io.kubernetes.service.name) matches a Service with no loadBalancerClass or io.cilium/l2-announcer, with enable-l2-announcements: "true" in cilium-config, has the agents of the nodes its nodeSelector matches elect one leader that answers (the candidates are named; which one is not in the input); an address nothing announces fails the trace, or is unknown without the cilium-config or with BGP configuration; interfaces and externalIPs are not modeled (externalIPs are not announced through LB IPAM), IPv6 addresses and externalTrafficPolicy: Local make the answer unknown',
  },
  ...[
    'CiliumBGPPeeringPolicy',
    'CiliumBGPClusterConfig',
    'CiliumBGPAdvertisement',
    'CiliumBGPPeerConfig',
    'CiliumBGPNodeConfigOverride',
  ].map((kind): KindSupport => ({
    group: 'cilium.io',
    kind,
    namespaced: false,
    level: 'ignored',
    note: 'the BGP control plane is not modeled: with any of its objects in the input (or enable-bgp-control-plane: "true"), an LB IPAM address no CiliumL2AnnouncementPolicy announces is unknown from outside the cluster',
  })),
  {
    group: 'cilium.io',
    kind: 'CiliumCIDRGroup',
    namespaced: false,
    level: 'ignored',
    note: 'kept only: cidrGroupRef / cidrGroupSelector in fromCIDRSet / toCIDRSet are not resolved, and verdicts those rules could change carry a warning',
  },
];

const l3 = 'L3 peer; a rule may name one kind of L3 peer';
/** cilium/cilium#29608 (Cilium 1.15). */
const emptyList = 'an empty list selects no peer (Cilium 1.15+)';
export const ciliumFields: readonly CiliumFieldSupport[] = [
  {
    path: 'endpointSelector',
    level: 'modeled',
    note: "pods by identity labels (k8s:/any: prefixes), and in a CiliumClusterwideNetworkPolicy, as written, the reserved ingress identity of Cilium Ingress and Gateway (trace); a CiliumNetworkPolicy selects its own namespace only; one naming another namespace may select no pod in Cilium (a match other than k8s:io.kubernetes.pod.namespace stays beside the policy's namespace), so the policy's verdicts are unknown",
  },
  {
    path: 'nodeSelector',
    level: 'ignored',
    note: 'host firewall policies are not enforced (nor is it known whether the host firewall is on): verdicts on traffic into or out of a node they may select are unknown',
  },
  {
    path: 'enableDefaultDeny',
    level: 'modeled',
    note: 'defaults to true for each direction with rules (allow or deny), so a deny-only policy isolates too',
  },
  {
    path: 'ingress / egress',
    level: 'modeled',
    note: 'allow rules; either them or a NetworkPolicy may allow',
  },
  { path: 'ingressDeny / egressDeny', level: 'modeled', note: 'deny rules override every allow' },
  {
    path: '*.fromEndpoints / toEndpoints',
    level: 'partial',
    note: `${l3}: the policy's namespace is implied unless io.kubernetes.pod.namespace is named; io.cilium.k8s.namespace.labels.*, io.cilium.k8s.policy.serviceaccount and io.cilium.k8s.policy.cluster labels; ${emptyList}. A CiliumNetworkPolicy selector on namespace labels naming no namespace is read in the policy's namespace (the documentation); recent Cilium reads it over every namespace, so verdicts with pods of other namespaces it would match are unknown; a selector of only NotIn/DoesNotExist requirements also matches non-pod identities in Cilium releases (cilium/cilium#46949), so verdicts with addresses are unknown`,
  },
  {
    path: '*.fromEntities / toEntities',
    level: 'modeled',
    note: `${l3}: world, cluster, host, remote-node, kube-apiserver, all; health, init, ingress, unmanaged match no modeled party; ${emptyList}`,
  },
  {
    path: '*.fromCIDR / toCIDR / fromCIDRSet / toCIDRSet',
    level: 'modeled',
    note: `${l3}: with except; never select pods or nodes (Cilium's default CIDR match mode); ${emptyList}`,
  },
  {
    path: '*.fromCIDRSet.cidrGroupRef / cidrGroupSelector',
    level: 'ignored',
    note: 'CIDR groups (CiliumCIDRGroup) are not resolved; the peer matches nothing and verdicts carry a warning',
  },
  {
    path: 'egress.*.toServices',
    level: 'partial',
    note: `${l3}: k8sService and k8sServiceSelector, judged at the backends (selector-less Services by their endpoint addresses, which select no pod); a Service with a selector (Cilium documents toServices for Services without one) or toServices with toPorts makes the verdicts it touches unknown`,
  },
  {
    path: 'egress.*.toFQDNs',
    level: 'modeled',
    note: `${l3}: matchName, matchPattern (* and **.), names resolved through the profile's externalHosts; effective only when the pod's egress has a DNS rule admitting the lookup`,
  },
  {
    path: '*.fromNodes / toNodes',
    level: 'partial',
    note: `${l3}: node labels, as with enable-node-selector-labels; ${emptyList}. Cilium accepts them only when the agent runs with enable-node-selector-labels (off by default) and otherwise refuses the whole policy, so every verdict the policy judges is unknown`,
  },
  {
    path: '*.fromRequires / toRequires',
    level: 'ignored',
    note: 'deprecated upstream; not applied (verdicts of rules using them carry a warning)',
  },
  {
    path: '*.fromGroups / toGroups',
    level: 'ignored',
    note: 'cloud provider groups are not resolved (warning)',
  },
  {
    path: '*.toPorts.ports',
    level: 'modeled',
    note: 'port (string: number or name), endPort, protocol TCP/UDP/SCTP/ANY; port "0" or absent is every port',
  },
  {
    path: '*.toPorts.rules.http',
    level: 'modeled',
    note: 'method, path, host (full-match regular expressions) and headers; a request no rule admits is answered 403 by the proxy',
  },
  {
    path: '*.toPorts.rules.http.headerMatches',
    level: 'ignored',
    note: 'header match with mismatch actions and secrets are not evaluated: verdicts on the ports of their port rule are unknown',
  },
  {
    path: 'egress.*.toPorts.rules.dns',
    level: 'modeled',
    note: 'matchName, matchPattern: enables toFQDNs for the names it admits',
  },
  {
    path: '*.toPorts.rules.kafka / l7proto',
    level: 'ignored',
    note: 'Kafka and generic L7 rules are judged at L4 only: verdicts on the ports of their port rule are unknown',
  },
  {
    path: '*.toPorts.listener / originatingTLS / terminatingTLS / serverNames',
    level: 'ignored',
    note: 'Envoy listeners, TLS interception and SNI matching are not modeled: verdicts on the ports of their port rule are unknown',
  },
  {
    path: '*.icmps',
    level: 'partial',
    note: 'a rule with icmps admits or denies ICMP only, so it decides no TCP, UDP or SCTP connection (it still enables default deny); ICMP itself is not judged; icmps with toPorts is refused',
  },
  { path: '*.authentication', level: 'ignored', note: 'mutual authentication is not modeled (warning)' },
  {
    path: 'io.cilium.k8s.policy.cluster (ClusterMesh)',
    level: 'partial',
    note: "one cluster: its name is the profile's cni.cluster (default `default`); remote clusters are not modeled",
  },
];
