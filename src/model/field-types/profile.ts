import type { KindFields } from './types.ts';

/** kubetwin's own ClusterProfile, and the CRDs read for flow discovery: the type (and range) of every field kubetwin reads. Format in ./types.ts. */
/** The fields the Prometheus Operator builds a Prometheus's or an Alertmanager's pods from (read for both). */
const operatorPodFields = `
      metadata.annotations map
      metadata.labels map
      metadata.labels.* string
      spec.hostNetwork boolean
      spec.listenLocal boolean
      spec.nodeSelector map
      spec.nodeSelector.* string
      spec.podMetadata.labels map
      spec.podMetadata.labels.* string
      spec.portName string
      spec.replicas integer -2147483648..2147483647
      spec.serviceAccountName string`;

export const kubetwinFields: readonly KindFields[] = [
  {
    kind: 'ClusterProfile',
    source: 'docs/profile.md',
    fields: `
      clusterDomain string
      cni.cluster string
      cni.enforcesNetworkPolicy boolean
      cni.name string
      dnsServiceIP string
      externalHosts map
      externalHosts.api.github.com list
      externalHosts.api.github.com.* string
      externalHosts.api.twitter.com list
      externalHosts.api.twitter.com.* string
      externalHosts.api.yourdomain.com list
      externalHosts.api.yourdomain.com.* string
      externalHosts.bank.example.com list
      externalHosts.bank.example.com.* string
      externalHosts.blog.example.com list
      externalHosts.blog.example.com.* string
      externalHosts.bookinfo.example.com list
      externalHosts.bookinfo.example.com.* string
      externalHosts.certs.example.com list
      externalHosts.certs.example.com.* string
      externalHosts.edition.cnn.com list
      externalHosts.edition.cnn.com.* string
      externalHosts.foo.bar.com list
      externalHosts.foo.bar.com.* string
      externalHosts.httpbin.org list
      externalHosts.httpbin.org.* string
      externalHosts.nowhere.example.com list
      externalHosts.nowhere.example.com.* string
      externalHosts.raw.example.com list
      externalHosts.raw.example.com.* string
      externalHosts.redirect.example list
      externalHosts.redirect.example.* string
      externalHosts.shop.example.com list
      externalHosts.shop.example.com.* string
      externalHosts.support.github.com list
      externalHosts.support.github.com.* string
      externalHosts.tcp-echo.example.com list
      externalHosts.tcp-echo.example.com.* string
      externalHosts.twitter.com list
      externalHosts.twitter.com.* string
      externalHosts.uk.foo.bar.com list
      externalHosts.uk.foo.bar.com.* string
      externalHosts.us.foo.bar.com list
      externalHosts.us.foo.bar.com.* string
      externalHosts.www.example.com list
      externalHosts.www.example.com.* string
      externalHosts.www.google.com list
      externalHosts.www.google.com.* string
      ingressControllers map
      kubeProxy.ipvsScheduler string
      kubeProxy.mode string
      loadBalancers map
      loadBalancers.* string
      maxPodsPerNode integer 1..2147483647
      mesh.defaultInboundPolicy string
      mesh.name string
      mesh.outboundTrafficPolicy string
      mesh.rootNamespace string
      nodeCIDRMaskSize integer 0..32
      nodeCIDRMaskSizeIPv6 integer 0..128
      nodePortRange.max integer port
      nodePortRange.min integer port
      nodeSearchDomains list
      nodeSearchDomains.* string
      nodes list
      nodes.*.internalIP string
      nodes.*.labels map
      nodes.*.name string
      nodes.*.podCIDR string
      nodes.*.zone string
      podCIDR string
      resolverLibc string
      serviceCIDR string
    `,
  },
  {
    kind: 'ClientIntents',
    source: 'https://docs.otterize.com/reference/configuration/intents-operator',
    fields: `
      metadata.annotations map
      metadata.labels map
    `,
  },
  ...['RoleBinding', 'ClusterRoleBinding'].map((kind) => ({
    kind,
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/authorization-resources/role-binding-v1/',
    fields: `
      metadata.annotations map
      metadata.annotations.* string
      metadata.labels map
      metadata.labels.* string
      subjects list
      subjects.* map
      subjects.*.kind string
      subjects.*.name string
      subjects.*.namespace string
      subjects.*.apiGroup string
      roleRef map
      roleRef.apiGroup string
      roleRef.kind string
      roleRef.name string
    `,
  })),
  ...['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'].map((kind) => ({
    kind,
    source:
      'https://kubernetes.io/docs/reference/kubernetes-api/extend-resources/validating-webhook-configuration-v1/',
    fields: `
      metadata.annotations map
      metadata.annotations.* string
      metadata.labels map
      metadata.labels.* string
      webhooks list
      webhooks.* map
      webhooks.*.name string
      webhooks.*.clientConfig map
      webhooks.*.clientConfig.url string
      webhooks.*.clientConfig.service map
      webhooks.*.clientConfig.service.namespace string
      webhooks.*.clientConfig.service.name string
      webhooks.*.clientConfig.service.path string
      webhooks.*.clientConfig.service.port integer port
      webhooks.*.failurePolicy string
      webhooks.*.matchConditions list
      webhooks.*.rules list
      webhooks.*.rules.* map
      webhooks.*.rules.*.apiGroups list
      webhooks.*.rules.*.apiGroups.* string
      webhooks.*.rules.*.resources list
      webhooks.*.rules.*.resources.* string
      webhooks.*.namespaceSelector map
      webhooks.*.namespaceSelector.matchExpressions list
      webhooks.*.namespaceSelector.matchExpressions.*.key string
      webhooks.*.namespaceSelector.matchExpressions.*.operator string
      webhooks.*.namespaceSelector.matchExpressions.*.values list
      webhooks.*.namespaceSelector.matchExpressions.*.values.* string
      webhooks.*.namespaceSelector.matchLabels map
      webhooks.*.namespaceSelector.matchLabels.* string
      webhooks.*.objectSelector map
      webhooks.*.objectSelector.matchExpressions list
      webhooks.*.objectSelector.matchExpressions.*.key string
      webhooks.*.objectSelector.matchExpressions.*.operator string
      webhooks.*.objectSelector.matchExpressions.*.values list
      webhooks.*.objectSelector.matchExpressions.*.values.* string
      webhooks.*.objectSelector.matchLabels map
      webhooks.*.objectSelector.matchLabels.* string
    `,
  })),
  {
    kind: 'Prometheus',
    source: 'https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.Prometheus',
    fields: `${operatorPodFields}
      spec.thanos map
      spec.version string
      spec.ignoreNamespaceSelectors boolean
      spec.additionalScrapeConfigs map
      spec.additionalScrapeConfigs.name string
      spec.additionalScrapeConfigs.key string
      spec.serviceMonitorSelector map
      spec.serviceMonitorSelector.matchExpressions list
      spec.serviceMonitorSelector.matchExpressions.*.key string
      spec.serviceMonitorSelector.matchExpressions.*.operator string
      spec.serviceMonitorSelector.matchExpressions.*.values list
      spec.serviceMonitorSelector.matchExpressions.*.values.* string
      spec.serviceMonitorSelector.matchLabels map
      spec.serviceMonitorSelector.matchLabels.* string
      spec.serviceMonitorNamespaceSelector map
      spec.serviceMonitorNamespaceSelector.matchExpressions list
      spec.serviceMonitorNamespaceSelector.matchExpressions.*.key string
      spec.serviceMonitorNamespaceSelector.matchExpressions.*.operator string
      spec.serviceMonitorNamespaceSelector.matchExpressions.*.values list
      spec.serviceMonitorNamespaceSelector.matchExpressions.*.values.* string
      spec.serviceMonitorNamespaceSelector.matchLabels map
      spec.serviceMonitorNamespaceSelector.matchLabels.* string
      spec.podMonitorSelector map
      spec.podMonitorSelector.matchExpressions list
      spec.podMonitorSelector.matchExpressions.*.key string
      spec.podMonitorSelector.matchExpressions.*.operator string
      spec.podMonitorSelector.matchExpressions.*.values list
      spec.podMonitorSelector.matchExpressions.*.values.* string
      spec.podMonitorSelector.matchLabels map
      spec.podMonitorSelector.matchLabels.* string
      spec.podMonitorNamespaceSelector map
      spec.podMonitorNamespaceSelector.matchExpressions list
      spec.podMonitorNamespaceSelector.matchExpressions.*.key string
      spec.podMonitorNamespaceSelector.matchExpressions.*.operator string
      spec.podMonitorNamespaceSelector.matchExpressions.*.values list
      spec.podMonitorNamespaceSelector.matchExpressions.*.values.* string
      spec.podMonitorNamespaceSelector.matchLabels map
      spec.podMonitorNamespaceSelector.matchLabels.* string
    `,
  },
  {
    kind: 'Alertmanager',
    source: 'https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.Alertmanager',
    fields: `${operatorPodFields}
      spec.version string
    `,
  },
  {
    kind: 'IPAddressPool',
    source: 'https://metallb.universe.tf/apis/#metallb.io/v1beta1.IPAddressPool',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec.addresses list
      spec.addresses.* string
      spec.autoAssign boolean
      spec.avoidBuggyIPs boolean
      spec.serviceAllocation map
      spec.serviceAllocation.namespaceSelectors list
      spec.serviceAllocation.namespaceSelectors.* map
      spec.serviceAllocation.namespaceSelectors.*.matchExpressions list
      spec.serviceAllocation.namespaceSelectors.*.matchExpressions.*.key string
      spec.serviceAllocation.namespaceSelectors.*.matchExpressions.*.operator string
      spec.serviceAllocation.namespaceSelectors.*.matchExpressions.*.values list
      spec.serviceAllocation.namespaceSelectors.*.matchExpressions.*.values.* string
      spec.serviceAllocation.namespaceSelectors.*.matchLabels map
      spec.serviceAllocation.namespaceSelectors.*.matchLabels.* string
      spec.serviceAllocation.namespaces list
      spec.serviceAllocation.namespaces.* string
      spec.serviceAllocation.priority integer
      spec.serviceAllocation.serviceSelectors list
      spec.serviceAllocation.serviceSelectors.* map
      spec.serviceAllocation.serviceSelectors.*.matchExpressions list
      spec.serviceAllocation.serviceSelectors.*.matchExpressions.*.key string
      spec.serviceAllocation.serviceSelectors.*.matchExpressions.*.operator string
      spec.serviceAllocation.serviceSelectors.*.matchExpressions.*.values list
      spec.serviceAllocation.serviceSelectors.*.matchExpressions.*.values.* string
      spec.serviceAllocation.serviceSelectors.*.matchLabels map
      spec.serviceAllocation.serviceSelectors.*.matchLabels.* string
    `,
  },
  {
    kind: 'CiliumLoadBalancerIPPool',
    source: 'https://docs.cilium.io/en/stable/network/lb-ipam/',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec.blocks list
      spec.blocks.* map
      spec.blocks.*.cidr string
      spec.blocks.*.start string
      spec.blocks.*.stop string
      spec.cidrs list
      spec.cidrs.* map
      spec.cidrs.*.cidr string
      spec.cidrs.*.start string
      spec.cidrs.*.stop string
      spec.disabled boolean
      spec.serviceSelector map
      spec.serviceSelector.matchExpressions list
      spec.serviceSelector.matchExpressions.*.key string
      spec.serviceSelector.matchExpressions.*.operator string
      spec.serviceSelector.matchExpressions.*.values list
      spec.serviceSelector.matchExpressions.*.values.* string
      spec.serviceSelector.matchLabels map
      spec.serviceSelector.matchLabels.* string
    `,
  },
  {
    kind: 'CiliumL2AnnouncementPolicy',
    source: 'https://docs.cilium.io/en/stable/network/l2-announcements/',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec.externalIPs boolean
      spec.interfaces list
      spec.interfaces.* string
      spec.loadBalancerIPs boolean
      spec.nodeSelector map
      spec.nodeSelector.matchExpressions list
      spec.nodeSelector.matchExpressions.*.key string
      spec.nodeSelector.matchExpressions.*.operator string
      spec.nodeSelector.matchExpressions.*.values list
      spec.nodeSelector.matchExpressions.*.values.* string
      spec.nodeSelector.matchLabels map
      spec.nodeSelector.matchLabels.* string
      spec.serviceSelector map
      spec.serviceSelector.matchExpressions list
      spec.serviceSelector.matchExpressions.*.key string
      spec.serviceSelector.matchExpressions.*.operator string
      spec.serviceSelector.matchExpressions.*.values list
      spec.serviceSelector.matchExpressions.*.values.* string
      spec.serviceSelector.matchLabels map
      spec.serviceSelector.matchLabels.* string
    `,
  },
  ...['L2Advertisement', 'BGPAdvertisement'].map((kind) => ({
    kind,
    source: `https://metallb.universe.tf/apis/#metallb.io/v1beta1.${kind}`,
    fields: `
      metadata.annotations map
      metadata.labels map
      spec.ipAddressPoolSelectors list
      spec.ipAddressPoolSelectors.* map
      spec.ipAddressPoolSelectors.*.matchExpressions list
      spec.ipAddressPoolSelectors.*.matchExpressions.*.key string
      spec.ipAddressPoolSelectors.*.matchExpressions.*.operator string
      spec.ipAddressPoolSelectors.*.matchExpressions.*.values list
      spec.ipAddressPoolSelectors.*.matchExpressions.*.values.* string
      spec.ipAddressPoolSelectors.*.matchLabels map
      spec.ipAddressPoolSelectors.*.matchLabels.* string
      spec.ipAddressPools list
      spec.ipAddressPools.* string
    `,
  })),
  ...(
    [
      ['ServiceMonitor', 'spec.endpoints', ['port string']],
      ['PodMonitor', 'spec.podMetricsEndpoints', ['port string', 'portNumber integer port']],
    ] as const
  ).map(([kind, list, ports]) => ({
    kind,
    source: `https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.${kind}`,
    fields: `
      metadata.annotations map
      metadata.annotations.* string
      metadata.labels map
      metadata.labels.* string
      spec map
      spec.jobLabel string
      spec.selector map
      spec.selector.matchExpressions list
      spec.selector.matchExpressions.*.key string
      spec.selector.matchExpressions.*.operator string
      spec.selector.matchExpressions.*.values list
      spec.selector.matchExpressions.*.values.* string
      spec.selector.matchLabels map
      spec.selector.matchLabels.* string
      spec.namespaceSelector map
      spec.namespaceSelector.any boolean
      spec.namespaceSelector.matchNames list
      spec.namespaceSelector.matchNames.* string
      ${list} list
      ${list}.* map
      ${ports.map((p) => `${list}.*.${p}`).join('\n      ')}
      ${list}.*.targetPort integer-or-string port
      ${list}.*.scheme string
      ${list}.*.path string
      ${list}.*.interval string
      ${list}.*.relabelings list
      ${list}.*.relabelings.* map
      ${list}.*.relabelings.*.action string
      ${list}.*.relabelings.*.targetLabel string
      ${list}.*.proxyUrl string
    `,
  })),
];
