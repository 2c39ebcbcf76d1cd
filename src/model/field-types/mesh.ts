import type { KindFields } from './types.ts';

/** Service mesh: Istio and Linkerd: the type (and range) of every field kubetwin reads. Format in ./types.ts. */
export const meshFields: readonly KindFields[] = [
  {
    kind: 'VirtualService',
    source: 'https://istio.io/latest/docs/reference/config/networking/virtual-service/',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec.exportTo list
      spec.gateways list
      spec.gateways.* string
      spec.hosts list
      spec.hosts.* string
      spec.http list
      spec.http.*.delegate map
      spec.http.*.delegate.name string
      spec.http.*.delegate.namespace string
      spec.http.*.directResponse map
      spec.http.*.fault map
      spec.http.*.fault.abort map
      spec.http.*.fault.abort.httpStatus integer
      spec.http.*.fault.delay map
      spec.http.*.fault.delay.fixedDelay string
      spec.http.*.match list
      spec.http.*.match.*.authority map
      spec.http.*.match.*.gateways list
      spec.http.*.match.*.gateways.* string
      spec.http.*.match.*.headers map
      spec.http.*.match.*.headers.end-user map
      spec.http.*.match.*.headers.end-user.exact string
      spec.http.*.match.*.headers.x-canary map
      spec.http.*.match.*.headers.x-canary.exact string
      spec.http.*.match.*.headers.x-version map
      spec.http.*.match.*.headers.x-version.exact string
      spec.http.*.match.*.ignoreUriCase boolean
      spec.http.*.match.*.method map
      spec.http.*.match.*.name string
      spec.http.*.match.*.port integer port
      spec.http.*.match.*.queryParams map
      spec.http.*.match.*.scheme map
      spec.http.*.match.*.sourceLabels map
      spec.http.*.match.*.sourceNamespace string
      spec.http.*.match.*.uri map
      spec.http.*.match.*.uri.exact string
      spec.http.*.match.*.uri.prefix string
      spec.http.*.match.*.uri.regex string
      spec.http.*.match.*.withoutHeaders map
      spec.http.*.mirror.host string
      spec.http.*.mirror.port.number integer port
      spec.http.*.mirror.subset string
      spec.http.*.mirrors list
      spec.http.*.mirrors.*.destination.host string
      spec.http.*.mirrors.*.destination.port.number integer port
      spec.http.*.mirrors.*.destination.subset string
      spec.http.*.name string
      spec.http.*.redirect map
      spec.http.*.retries map
      spec.http.*.rewrite map
      spec.http.*.route list
      spec.http.*.route.*.destination.host string
      spec.http.*.route.*.destination.port.number integer port
      spec.http.*.route.*.destination.subset string
      spec.http.*.route.*.weight integer 0..100
      spec.http.*.timeout string
      spec.tcp list
      spec.tcp.*.match list
      spec.tcp.*.match.*.destinationSubnets list
      spec.tcp.*.match.*.gateways list
      spec.tcp.*.match.*.gateways.* string
      spec.tcp.*.match.*.port integer port
      spec.tcp.*.match.*.sniHosts list
      spec.tcp.*.match.*.sourceLabels map
      spec.tcp.*.match.*.sourceNamespace string
      spec.tcp.*.route list
      spec.tcp.*.route.*.destination.host string
      spec.tcp.*.route.*.destination.port.number integer port
      spec.tcp.*.route.*.destination.subset string
      spec.tcp.*.route.*.weight integer 0..100
      spec.tls list
      spec.tls.*.match list
      spec.tls.*.match.*.destinationSubnets list
      spec.tls.*.match.*.gateways list
      spec.tls.*.match.*.gateways.* string
      spec.tls.*.match.*.port integer port
      spec.tls.*.match.*.sniHosts list
      spec.tls.*.match.*.sniHosts.* string
      spec.tls.*.match.*.sourceLabels map
      spec.tls.*.match.*.sourceNamespace string
      spec.tls.*.route list
      spec.tls.*.route.*.destination.host string
      spec.tls.*.route.*.destination.port.number integer port
      spec.tls.*.route.*.destination.subset string
      spec.tls.*.route.*.weight integer 0..100
    `,
  },
  {
    kind: 'DestinationRule',
    source: 'https://istio.io/latest/docs/reference/config/networking/destination-rule/',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec.exportTo list
      spec.host string
      spec.subsets list
      spec.subsets.*.labels map
      spec.subsets.*.labels.* string
      spec.subsets.*.name string
      spec.subsets.*.trafficPolicy map
      spec.subsets.*.trafficPolicy.loadBalancer.consistentHash map
      spec.subsets.*.trafficPolicy.loadBalancer.localityLbSetting map
      spec.subsets.*.trafficPolicy.loadBalancer.simple string
      spec.subsets.*.trafficPolicy.portLevelSettings list
      spec.subsets.*.trafficPolicy.tls.mode string
      spec.trafficPolicy map
      spec.trafficPolicy.loadBalancer.consistentHash map
      spec.trafficPolicy.loadBalancer.localityLbSetting map
      spec.trafficPolicy.loadBalancer.simple string
      spec.trafficPolicy.portLevelSettings list
      spec.trafficPolicy.portLevelSettings.*.port.number integer port
      spec.trafficPolicy.portLevelSettings.*.tls.mode string
      spec.trafficPolicy.tls.mode string
      spec.workloadSelector map
      spec.workloadSelector.matchLabels map
      spec.workloadSelector.matchLabels.* string
    `,
  },
  {
    kind: 'PeerAuthentication',
    source: 'https://istio.io/latest/docs/reference/config/security/peer_authentication/',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec.mtls.mode string
      spec.portLevelMtls map
      spec.portLevelMtls.*.mode string
      spec.selector map
      spec.selector.matchLabels map
      spec.selector.matchLabels.* string
    `,
  },
  {
    kind: 'AuthorizationPolicy',
    source: 'https://istio.io/latest/docs/reference/config/security/authorization-policy/',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec.action string
      spec.requiredAuthenticationRefs list
      spec.requiredAuthenticationRefs.*.group string
      spec.requiredAuthenticationRefs.*.kind string
      spec.requiredAuthenticationRefs.*.name string
      spec.requiredAuthenticationRefs.*.namespace string
      spec.rules list
      spec.rules.*.from list
      spec.rules.*.from.*.source.ipBlocks list
      spec.rules.*.from.*.source.ipBlocks.* string
      spec.rules.*.from.*.source.principals list
      spec.rules.*.from.*.source.principals.* string
      spec.rules.*.from.*.source.remoteIpBlocks list
      spec.rules.*.from.*.source.remoteIpBlocks.* string
      spec.rules.*.from.*.source.requestPrincipals list
      spec.rules.*.from.*.source.requestPrincipals.* string
      spec.rules.*.to list
      spec.rules.*.to.*.operation.methods list
      spec.rules.*.to.*.operation.methods.* string
      spec.rules.*.to.*.operation.paths list
      spec.rules.*.to.*.operation.paths.* string
      spec.rules.*.to.*.operation.ports list
      spec.rules.*.to.*.operation.ports.* string
      spec.rules.*.when list
      spec.rules.*.when.*.key string
      spec.rules.*.when.*.notValues list
      spec.rules.*.when.*.notValues.* string
      spec.rules.*.when.*.values list
      spec.selector map
      spec.selector.matchLabels map
      spec.selector.matchLabels.* string
      spec.targetRef.group string
      spec.targetRef.kind string
      spec.targetRef.name string
      spec.targetRef.namespace string
      spec.targetRefs list
      spec.targetRefs.*.group string
      spec.targetRefs.*.kind string
      spec.targetRefs.*.name string
      spec.targetRefs.*.namespace string
    `,
  },
  {
    kind: 'RequestAuthentication',
    source: 'https://istio.io/latest/docs/reference/config/security/request_authentication/',
    fields: `
      metadata.annotations map
      metadata.labels map
    `,
  },
  {
    kind: 'Sidecar',
    source: 'https://istio.io/latest/docs/reference/config/networking/sidecar/',
    fields: `
      metadata.annotations map
      metadata.creationTimestamp string
      metadata.labels map
      spec.egress list
      spec.egress.*.bind string
      spec.egress.*.captureMode string
      spec.egress.*.hosts list
      spec.egress.*.hosts.* string
      spec.egress.*.port.number integer
      spec.egress.*.port.protocol string
      spec.ingress list
      spec.ingress.*.port.number integer
      spec.outboundTrafficPolicy map
      spec.outboundTrafficPolicy.egressProxy.host string
      spec.outboundTrafficPolicy.mode string
      spec.workloadSelector map
      spec.workloadSelector.labels map
      spec.workloadSelector.labels.* string
    `,
  },
  {
    kind: 'WorkloadGroup',
    source: 'https://istio.io/latest/docs/reference/config/networking/workload-group/',
    fields: `
      metadata.annotations map
      metadata.labels map
    `,
  },
  {
    kind: 'MeshTLSAuthentication',
    source: 'https://linkerd.io/2.15/reference/authorization-policy/#meshtlsauthentication',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec.identities list
      spec.identities.* string
      spec.identityRefs list
      spec.identityRefs.*.group string
      spec.identityRefs.*.kind string
      spec.identityRefs.*.name string
      spec.identityRefs.*.namespace string
    `,
  },
  {
    kind: 'EgressNetwork',
    source: 'https://linkerd.io/2.17/reference/egress-network/',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec.networks list
      spec.networks.*.cidr string
      spec.networks.*.except list
      spec.trafficPolicy string
    `,
  },
  {
    kind: 'NetworkAuthentication',
    source: 'https://linkerd.io/2.15/reference/authorization-policy/#networkauthentication',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec.networks list
      spec.networks.*.cidr string
      spec.networks.*.except list
    `,
  },
  {
    kind: 'Server',
    source: 'https://linkerd.io/2.15/reference/authorization-policy/#server',
    fields: `
      metadata.annotations map
      metadata.labels map
      metadata.labels.* string
      spec.accessPolicy string
      spec.podSelector map
      spec.podSelector.matchExpressions list
      spec.podSelector.matchLabels map
      spec.podSelector.matchLabels.* string
      spec.port integer-or-string
      spec.proxyProtocol string
    `,
  },
  {
    kind: 'ServerAuthorization',
    source: 'https://linkerd.io/2.15/reference/authorization-policy/#serverauthorization',
    fields: `
      metadata.annotations map
      metadata.labels map
      metadata.labels.* string
      spec.client.meshTLS map
      spec.client.meshTLS.identities list
      spec.client.meshTLS.serviceAccounts list
      spec.client.meshTLS.serviceAccounts.*.name string
      spec.client.meshTLS.serviceAccounts.*.namespace string
      spec.client.meshTLS.unauthenticatedTLS boolean
      spec.client.unauthenticated boolean
      spec.server.name string
      spec.server.selector map
    `,
  },
  {
    kind: 'IstioOperator',
    source: 'https://istio.io/latest/docs/reference/config/istio.operator.v1alpha1/',
    fields: `
      spec.meshConfig map
      spec.meshConfig.defaultDestinationRuleExportTo list
      spec.meshConfig.defaultDestinationRuleExportTo.* string
      spec.meshConfig.defaultServiceExportTo list
      spec.meshConfig.defaultServiceExportTo.* string
      spec.meshConfig.defaultVirtualServiceExportTo list
      spec.meshConfig.defaultVirtualServiceExportTo.* string
    `,
  },
  {
    kind: 'Gateway',
    source: 'https://istio.io/latest/docs/reference/config/networking/gateway/',
    fields: `
      metadata.creationTimestamp string
      spec.selector map
      spec.selector.* string
      spec.servers list
      spec.servers.*.hosts list
      spec.servers.*.hosts.* string
      spec.servers.*.port.name string
      spec.servers.*.port.number integer port
      spec.servers.*.port.protocol string
      spec.servers.*.tls map
      spec.servers.*.tls.credentialName string
      spec.servers.*.tls.httpsRedirect boolean
      spec.servers.*.tls.mode string
      spec.servers.*.tls.privateKey string
      spec.servers.*.tls.serverCertificate string
    `,
  },
  {
    kind: 'ServiceEntry',
    source: 'https://istio.io/latest/docs/reference/config/networking/service-entry/',
    fields: `
      metadata.annotations map
      metadata.creationTimestamp string
      metadata.labels map
      spec.addresses list
      spec.addresses.* string
      spec.endpoints list
      spec.endpoints.*.address string
      spec.endpoints.*.labels map
      spec.endpoints.*.ports map
      spec.endpoints.*.ports.* integer port
      spec.endpoints.*.ports.http integer
      spec.exportTo list
      spec.exportTo.* string
      spec.hosts list
      spec.hosts.* string
      spec.location string
      spec.ports list
      spec.ports.*.name string
      spec.ports.*.number integer port
      spec.ports.*.protocol string
      spec.ports.*.targetPort integer port
      spec.resolution string
      spec.workloadSelector map
      spec.workloadSelector.labels map
    `,
  },
  {
    kind: 'WorkloadEntry',
    source: 'https://istio.io/latest/docs/reference/config/networking/workload-entry/',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec.address string
      spec.labels map
      spec.ports map
      spec.ports.* integer port
    `,
  },
  {
    kind: 'TrafficSplit',
    source:
      'https://github.com/servicemeshinterface/smi-spec/blob/main/apis/traffic-split/v1alpha4/traffic-split.md',
    fields: `
      metadata.annotations map
      metadata.labels map
    `,
  },
  {
    kind: 'ServiceProfile',
    source: 'https://linkerd.io/2.15/reference/service-profiles/',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec.dstOverrides list
      spec.retryBudget map
      spec.routes list
      spec.routes.* map
      spec.routes.*.condition.all list
      spec.routes.*.condition.any list
      spec.routes.*.condition.method string
      spec.routes.*.condition.not map
      spec.routes.*.condition.pathRegex string
      spec.routes.*.isRetryable boolean
      spec.routes.*.name string
      spec.routes.*.timeout string
    `,
  },
];
