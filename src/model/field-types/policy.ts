import type { KindFields } from './types.ts';

/** Policies: NetworkPolicy, the admin tiers, Cilium and Calico: the type (and range) of every field kubetwin reads. Format in ./types.ts. */
export const policyFields: readonly KindFields[] = [
  {
    kind: 'NetworkPolicy',
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/',
    fields: `
      metadata.annotations map
      metadata.labels map
      metadata.labels.* string
      spec.egress list
      spec.egress.*.ports list
      spec.egress.*.ports.*.endPort integer port
      spec.egress.*.ports.*.port integer-or-string port
      spec.egress.*.ports.*.protocol string
      spec.egress.*.to list
      spec.egress.*.to.*.ipBlock.cidr string
      spec.egress.*.to.*.ipBlock.except list
      spec.egress.*.to.*.ipBlock.except.* string
      spec.egress.*.to.*.namespaceSelector map
      spec.egress.*.to.*.namespaceSelector.matchExpressions list
      spec.egress.*.to.*.namespaceSelector.matchExpressions.*.key string
      spec.egress.*.to.*.namespaceSelector.matchExpressions.*.operator string
      spec.egress.*.to.*.namespaceSelector.matchExpressions.*.values list
      spec.egress.*.to.*.namespaceSelector.matchExpressions.*.values.* string
      spec.egress.*.to.*.namespaceSelector.matchLabels map
      spec.egress.*.to.*.namespaceSelector.matchLabels.* string
      spec.egress.*.to.*.podSelector map
      spec.egress.*.to.*.podSelector.matchExpressions list
      spec.egress.*.to.*.podSelector.matchExpressions.*.key string
      spec.egress.*.to.*.podSelector.matchExpressions.*.operator string
      spec.egress.*.to.*.podSelector.matchExpressions.*.values list
      spec.egress.*.to.*.podSelector.matchExpressions.*.values.* string
      spec.egress.*.to.*.podSelector.matchLabels map
      spec.egress.*.to.*.podSelector.matchLabels.* string
      spec.ingress list
      spec.ingress.*.from list
      spec.ingress.*.from.*.ipBlock.cidr string
      spec.ingress.*.from.*.ipBlock.except list
      spec.ingress.*.from.*.ipBlock.except.* string
      spec.ingress.*.from.*.namespaceSelector map
      spec.ingress.*.from.*.namespaceSelector.matchExpressions list
      spec.ingress.*.from.*.namespaceSelector.matchExpressions.*.key string
      spec.ingress.*.from.*.namespaceSelector.matchExpressions.*.operator string
      spec.ingress.*.from.*.namespaceSelector.matchExpressions.*.values list
      spec.ingress.*.from.*.namespaceSelector.matchExpressions.*.values.* string
      spec.ingress.*.from.*.namespaceSelector.matchLabels map
      spec.ingress.*.from.*.namespaceSelector.matchLabels.* string
      spec.ingress.*.from.*.podSelector map
      spec.ingress.*.from.*.podSelector.matchExpressions list
      spec.ingress.*.from.*.podSelector.matchExpressions.*.key string
      spec.ingress.*.from.*.podSelector.matchExpressions.*.operator string
      spec.ingress.*.from.*.podSelector.matchExpressions.*.values list
      spec.ingress.*.from.*.podSelector.matchExpressions.*.values.* string
      spec.ingress.*.from.*.podSelector.matchLabels map
      spec.ingress.*.from.*.podSelector.matchLabels.* string
      spec.ingress.*.ports list
      spec.ingress.*.ports.*.endPort integer port
      spec.ingress.*.ports.*.port integer-or-string port
      spec.ingress.*.ports.*.protocol string
      spec.podSelector map
      spec.podSelector.matchExpressions list
      spec.podSelector.matchExpressions.*.key string
      spec.podSelector.matchExpressions.*.operator string
      spec.podSelector.matchExpressions.*.values list
      spec.podSelector.matchExpressions.*.values.* string
      spec.podSelector.matchLabels map
      spec.podSelector.matchLabels.* string
      spec.policyTypes list
      spec.policyTypes.* string
    `,
  },
  {
    kind: 'AdminNetworkPolicy',
    source: 'https://network-policy-api.sigs.k8s.io/reference/spec/',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec.egress list
      spec.egress.*.action string
      spec.egress.*.name string
      spec.egress.*.ports list
      spec.egress.*.ports.*.destinationNamedPort string
      spec.egress.*.ports.*.namedPort string
      spec.egress.*.ports.*.portNumber map
      spec.egress.*.ports.*.portNumber.port integer port
      spec.egress.*.ports.*.portNumber.protocol string
      spec.egress.*.to list
      spec.egress.*.to.*.domainNames list
      spec.egress.*.to.*.domainNames.* string
      spec.egress.*.to.*.namespaces map
      spec.egress.*.to.*.namespaces.matchExpressions list
      spec.egress.*.to.*.namespaces.matchLabels map
      spec.egress.*.to.*.networks list
      spec.egress.*.to.*.nodes map
      spec.egress.*.to.*.nodes.matchExpressions list
      spec.egress.*.to.*.nodes.matchExpressions.*.key string
      spec.egress.*.to.*.nodes.matchExpressions.*.operator string
      spec.egress.*.to.*.nodes.matchExpressions.*.values list
      spec.egress.*.to.*.nodes.matchLabels map
      spec.ingress list
      spec.ingress.*.action string
      spec.ingress.*.from list
      spec.ingress.*.from.*.namespaces map
      spec.ingress.*.from.*.namespaces.matchExpressions list
      spec.ingress.*.from.*.namespaces.matchExpressions.*.key string
      spec.ingress.*.from.*.namespaces.matchExpressions.*.operator string
      spec.ingress.*.from.*.namespaces.matchExpressions.*.values list
      spec.ingress.*.from.*.namespaces.matchLabels map
      spec.ingress.*.from.*.namespaces.matchLabels.* string
      spec.ingress.*.from.*.networks list
      spec.ingress.*.name string
      spec.ingress.*.ports list
      spec.ingress.*.ports.*.destinationNamedPort string
      spec.ingress.*.ports.*.namedPort string
      spec.ingress.*.ports.*.portNumber map
      spec.ingress.*.ports.*.portNumber.port integer port
      spec.ingress.*.ports.*.portNumber.protocol string
      spec.priority integer 0..1000
      spec.subject.namespaces map
      spec.subject.namespaces.matchExpressions list
      spec.subject.namespaces.matchLabels map
      spec.subject.namespaces.matchLabels.* string
    `,
  },
  {
    kind: 'BaselineAdminNetworkPolicy',
    source: 'https://network-policy-api.sigs.k8s.io/reference/spec/',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec.egress list
      spec.egress.*.action string
      spec.egress.*.name string
      spec.egress.*.ports list
      spec.egress.*.to list
      spec.egress.*.to.*.networks list
      spec.egress.*.to.*.networks.* string
      spec.ingress list
      spec.ingress.*.action string
      spec.ingress.*.from list
      spec.ingress.*.from.*.namespaces map
      spec.ingress.*.from.*.namespaces.matchExpressions list
      spec.ingress.*.from.*.namespaces.matchLabels map
      spec.ingress.*.from.*.namespaces.matchLabels.* string
      spec.ingress.*.from.*.networks list
      spec.ingress.*.from.*.pods.namespaceSelector map
      spec.ingress.*.from.*.pods.namespaceSelector.matchExpressions list
      spec.ingress.*.from.*.pods.namespaceSelector.matchLabels map
      spec.ingress.*.from.*.pods.namespaceSelector.matchLabels.* string
      spec.ingress.*.name string
      spec.ingress.*.ports list
      spec.priority integer
      spec.subject.namespaces map
      spec.subject.namespaces.matchExpressions list
      spec.subject.namespaces.matchLabels map
      spec.subject.namespaces.matchLabels.* string
    `,
  },
  {
    kind: 'ClusterNetworkPolicy',
    source: 'https://network-policy-api.sigs.k8s.io/reference/spec/',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec.egress list
      spec.ingress list
      spec.ingress.*.action string
      spec.ingress.*.from list
      spec.ingress.*.from.*.namespaces map
      spec.ingress.*.from.*.namespaces.matchExpressions list
      spec.ingress.*.from.*.namespaces.matchLabels map
      spec.ingress.*.from.*.namespaces.matchLabels.* string
      spec.ingress.*.from.*.networks list
      spec.ingress.*.name string
      spec.ingress.*.ports list
      spec.ingress.*.protocols list
      spec.ingress.*.protocols.*.destinationNamedPort string
      spec.ingress.*.protocols.*.namedPort string
      spec.ingress.*.protocols.*.portNumber map
      spec.ingress.*.protocols.*.portRange map
      spec.ingress.*.protocols.*.sctp map
      spec.ingress.*.protocols.*.sctp.destinationPort.range.end integer port
      spec.ingress.*.protocols.*.sctp.destinationPort.range.start integer port
      spec.ingress.*.protocols.*.tcp map
      spec.ingress.*.protocols.*.udp map
      spec.priority integer 0..1000
      spec.subject.namespaces map
      spec.subject.namespaces.matchExpressions list
      spec.subject.namespaces.matchLabels map
      spec.subject.namespaces.matchLabels.* string
      spec.tier string
    `,
  },
  {
    kind: 'CiliumNetworkPolicy',
    source: 'https://docs.cilium.io/en/stable/network/kubernetes/policy/',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec map
      spec.egress list
      spec.egress.*.fromCIDRSet list
      spec.egress.*.toCIDR list
      spec.egress.*.toCIDR.* string
      spec.egress.*.toCIDRSet list
      spec.egress.*.toEndpoints list
      spec.egress.*.toEndpoints.* map
      spec.egress.*.toEndpoints.*.matchExpressions list
      spec.egress.*.toEndpoints.*.matchLabels map
      spec.egress.*.toEndpoints.*.matchLabels.* string
      spec.egress.*.toEntities list
      spec.egress.*.toEntities.* string
      spec.egress.*.toFQDNs list
      spec.egress.*.toFQDNs.*.matchName string
      spec.egress.*.toFQDNs.*.matchPattern string
      spec.egress.*.toPorts list
      spec.egress.*.toPorts.*.ports list
      spec.egress.*.toPorts.*.ports.*.endPort integer 0..65535
      spec.egress.*.toPorts.*.ports.*.protocol string
      spec.egress.*.toPorts.*.rules.dns list
      spec.egress.*.toPorts.*.rules.dns.*.matchName string
      spec.egress.*.toPorts.*.rules.dns.*.matchPattern string
      spec.egress.*.toPorts.*.rules.http list
      spec.egressDeny list
      spec.enableDefaultDeny.egress boolean
      spec.enableDefaultDeny.ingress boolean
      spec.endpointSelector map
      spec.endpointSelector.matchExpressions list
      spec.endpointSelector.matchLabels map
      spec.endpointSelector.matchLabels.* string
      spec.ingress list
      spec.ingress.*.fromCIDR list
      spec.ingress.*.fromCIDRSet list
      spec.ingress.*.fromEndpoints list
      spec.ingress.*.fromEndpoints.* map
      spec.ingress.*.fromEndpoints.*.matchExpressions list
      spec.ingress.*.fromEndpoints.*.matchLabels map
      spec.ingress.*.fromEndpoints.*.matchLabels.* string
      spec.ingress.*.fromEntities list
      spec.ingress.*.fromEntities.* string
      spec.ingress.*.fromNodes list
      spec.ingress.*.fromNodes.* map
      spec.ingress.*.fromNodes.*.matchExpressions list
      spec.ingress.*.fromNodes.*.matchLabels map
      spec.ingress.*.fromNodes.*.matchLabels.* string
      spec.ingress.*.toCIDRSet list
      spec.ingress.*.toPorts list
      spec.ingress.*.toPorts.*.ports list
      spec.ingress.*.toPorts.*.ports.*.endPort integer 0..65535
      spec.ingress.*.toPorts.*.ports.*.protocol string
      spec.ingress.*.toPorts.*.rules.http list
      spec.ingress.*.toPorts.*.rules.http.*.headers list
      spec.ingress.*.toPorts.*.rules.http.*.host string
      spec.ingress.*.toPorts.*.rules.http.*.method string
      spec.ingress.*.toPorts.*.rules.http.*.path string
      spec.ingressDeny list
      specs list
      specs.*.egress list
      specs.*.egress.*.fromCIDRSet list
      specs.*.egress.*.toCIDRSet list
      specs.*.egress.*.toEndpoints list
      specs.*.egress.*.toEndpoints.* map
      specs.*.egress.*.toEndpoints.*.matchExpressions list
      specs.*.egress.*.toEndpoints.*.matchLabels map
      specs.*.egress.*.toEndpoints.*.matchLabels.* string
      specs.*.egress.*.toFQDNs list
      specs.*.egress.*.toFQDNs.*.matchName string
      specs.*.egress.*.toFQDNs.*.matchPattern string
      specs.*.egress.*.toPorts list
      specs.*.egress.*.toPorts.*.ports list
      specs.*.egress.*.toPorts.*.ports.*.endPort integer 0..65535
      specs.*.egress.*.toPorts.*.ports.*.protocol string
      specs.*.egress.*.toPorts.*.rules.dns list
      specs.*.egress.*.toPorts.*.rules.dns.*.matchName string
      specs.*.egress.*.toPorts.*.rules.dns.*.matchPattern string
      specs.*.egress.*.toPorts.*.rules.http list
      specs.*.egress.*.toPorts.*.rules.http.*.headers list
      specs.*.egress.*.toPorts.*.rules.http.*.host string
      specs.*.egress.*.toPorts.*.rules.http.*.method string
      specs.*.egress.*.toPorts.*.rules.http.*.path string
      specs.*.egressDeny list
      specs.*.enableDefaultDeny.egress boolean
      specs.*.enableDefaultDeny.ingress boolean
      specs.*.endpointSelector map
      specs.*.endpointSelector.matchExpressions list
      specs.*.endpointSelector.matchLabels map
      specs.*.endpointSelector.matchLabels.* string
      specs.*.ingress list
      specs.*.ingress.*.fromCIDRSet list
      specs.*.ingress.*.fromEndpoints list
      specs.*.ingress.*.fromEndpoints.* map
      specs.*.ingress.*.fromEndpoints.*.matchExpressions list
      specs.*.ingress.*.fromEndpoints.*.matchLabels map
      specs.*.ingress.*.fromEndpoints.*.matchLabels.* string
      specs.*.ingress.*.toCIDRSet list
      specs.*.ingress.*.toPorts list
      specs.*.ingress.*.toPorts.*.ports list
      specs.*.ingress.*.toPorts.*.ports.*.endPort integer 0..65535
      specs.*.ingress.*.toPorts.*.ports.*.protocol string
      specs.*.ingress.*.toPorts.*.rules.http list
      specs.*.ingressDeny list
    `,
  },
  {
    kind: 'CiliumClusterwideNetworkPolicy',
    source: 'https://docs.cilium.io/en/stable/network/kubernetes/policy/',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec map
      spec.egress list
      spec.egress.*.fromCIDRSet list
      spec.egress.*.toCIDRSet list
      spec.egress.*.toEndpoints list
      spec.egress.*.toEndpoints.* map
      spec.egress.*.toEndpoints.*.matchExpressions list
      spec.egress.*.toEndpoints.*.matchLabels map
      spec.egress.*.toEndpoints.*.matchLabels.* string
      spec.egress.*.toEntities list
      spec.egress.*.toEntities.* string
      spec.egress.*.toPorts list
      spec.egress.*.toPorts.*.ports list
      spec.egress.*.toPorts.*.ports.*.endPort integer
      spec.egress.*.toPorts.*.ports.*.protocol string
      spec.egress.*.toPorts.*.rules.dns list
      spec.egress.*.toPorts.*.rules.dns.*.matchName string
      spec.egress.*.toPorts.*.rules.dns.*.matchPattern string
      spec.egress.*.toPorts.*.rules.http list
      spec.egressDeny list
      spec.enableDefaultDeny.egress boolean
      spec.enableDefaultDeny.ingress boolean
      spec.endpointSelector map
      spec.endpointSelector.matchExpressions list
      spec.endpointSelector.matchExpressions.*.key string
      spec.endpointSelector.matchExpressions.*.operator string
      spec.endpointSelector.matchExpressions.*.values list
      spec.endpointSelector.matchExpressions.*.values.* string
      spec.endpointSelector.matchLabels map
      spec.endpointSelector.matchLabels.* string
      spec.ingress list
      spec.ingress.*.fromCIDRSet list
      spec.ingress.*.fromCIDRSet.*.cidr string
      spec.ingress.*.fromCIDRSet.*.except list
      spec.ingress.*.fromEndpoints list
      spec.ingress.*.fromEndpoints.* map
      spec.ingress.*.fromEndpoints.*.matchExpressions list
      spec.ingress.*.fromEndpoints.*.matchLabels map
      spec.ingress.*.fromEntities list
      spec.ingress.*.fromEntities.* string
      spec.ingress.*.toCIDRSet list
      spec.ingress.*.toPorts list
      spec.ingress.*.toPorts.*.ports list
      spec.ingress.*.toPorts.*.ports.*.endPort integer
      spec.ingress.*.toPorts.*.ports.*.protocol string
      spec.ingress.*.toPorts.*.rules.http list
      spec.ingressDeny list
      specs list
    `,
  },
  {
    kind: 'GlobalNetworkPolicy',
    source: 'https://docs.tigera.io/calico/latest/reference/resources/globalnetworkpolicy',
    fields: `
      metadata.annotations map
      metadata.labels map
    `,
  },
  {
    kind: 'IPPool',
    source: 'https://docs.tigera.io/calico/latest/reference/resources/ippool',
    fields: `
      metadata.annotations map
      metadata.labels map
    `,
  },
];
