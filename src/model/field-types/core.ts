import type { KindFields } from './types.ts';

/** Core kinds (v1, discovery.k8s.io) and the pod spec shared by every workload: the type (and range) of every field kubetwin reads. Format in ./types.ts. */
export const coreFields: readonly KindFields[] = [
  {
    kind: 'Namespace',
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/namespace-v1/',
    fields: `
      metadata.annotations map
      metadata.annotations.* string
      metadata.labels map
      metadata.labels.* string
    `,
  },
  {
    kind: 'Node',
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/cluster-resources/node-v1/',
    fields: `
      metadata.annotations map
      metadata.annotations.* string
      metadata.labels map
      metadata.labels.* string
      spec.podCIDR string
      spec.podCIDRs list
      spec.podCIDRs.* string
      spec.providerID string
      spec.unschedulable boolean
      status.addresses list
      status.addresses.*.address string
      status.addresses.*.type string
      status.nodeInfo.kubeletVersion string
    `,
  },
  {
    kind: 'Pod',
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/',
    fields: `
      metadata.annotations map
      metadata.annotations.* string
      metadata.labels map
      metadata.labels.* string
      metadata.ownerReferences list
      metadata.ownerReferences.*.controller boolean
      metadata.ownerReferences.*.kind string
      metadata.ownerReferences.*.name string
      status.conditions list
      status.conditions.*.status string
      status.conditions.*.type string
      status.hostIP string
      status.phase string
      status.podIP string
      status.podIPs list
      status.podIPs.*.ip string
    `,
  },
  {
    kind: 'PodSpec',
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#PodSpec',
    fields: `
      containers list
      containers.*.args list
      containers.*.args.* string
      containers.*.command list
      containers.*.command.* string
      containers.*.env list
      containers.*.env.*.name string
      containers.*.env.*.value string
      containers.*.name string
      containers.*.ports list
      containers.*.ports.*.containerPort integer port
      containers.*.ports.*.hostIP string
      containers.*.ports.*.hostPort integer port
      containers.*.ports.*.name string
      containers.*.ports.*.protocol string
      dnsConfig map
      dnsConfig.nameservers list
      dnsConfig.nameservers.* string
      dnsConfig.options list
      dnsConfig.options.*.name string
      dnsConfig.options.*.value string
      dnsConfig.searches list
      dnsConfig.searches.* string
      dnsPolicy string
      hostAliases list
      hostNetwork boolean
      hostname string
      initContainers list
      initContainers.*.args list
      initContainers.*.args.* string
      initContainers.*.command list
      initContainers.*.command.* string
      initContainers.*.env list
      initContainers.*.env.*.name string
      initContainers.*.env.*.value string
      initContainers.*.restartPolicy string
      nodeName string
      nodeSelector map
      nodeSelector.* string
      priority integer
      priorityClassName string
      serviceAccount string
      serviceAccountName string
      subdomain string
    `,
  },
  {
    kind: 'PodTemplate',
    source:
      'https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-template-v1/#PodTemplateSpec',
    fields: `
      metadata.annotations map
      metadata.annotations.* string
      metadata.labels map
      metadata.labels.* string
    `,
  },
  {
    kind: 'Service',
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/',
    fields: `
      metadata.annotations map
      metadata.annotations.* string
      metadata.labels map
      metadata.labels.* string
      spec.allocateLoadBalancerNodePorts boolean
      spec.clusterIP string
      spec.clusterIPs list
      spec.clusterIPs.* string
      spec.externalIPs list
      spec.externalIPs.* string
      spec.externalName string
      spec.externalTrafficPolicy string
      spec.healthCheckNodePort integer 0..65535
      spec.internalTrafficPolicy string
      spec.ipFamilies list
      spec.ipFamilies.* string
      spec.ipFamilyPolicy string
      spec.loadBalancerIP string
      spec.loadBalancerClass string
      spec.loadBalancerSourceRanges list
      spec.loadBalancerSourceRanges.* string
      spec.ports list
      spec.ports.*.appProtocol string
      spec.ports.*.name string
      spec.ports.*.nodePort integer 0..65535
      spec.ports.*.port integer port
      spec.ports.*.protocol string
      spec.ports.*.targetPort integer-or-string port
      spec.publishNotReadyAddresses boolean
      spec.selector map
      spec.selector.* string
      spec.sessionAffinity string
      spec.sessionAffinityConfig.clientIP.timeoutSeconds integer 1..86400
      spec.trafficDistribution string
      spec.type string
      status.loadBalancer.ingress list
      status.loadBalancer.ingress.*.hostname string
      status.loadBalancer.ingress.*.ip string
      status.loadBalancer.ingress.*.ipMode string
    `,
  },
  {
    kind: 'Endpoints',
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/service-resources/endpoints-v1/',
    fields: `
      metadata.annotations map
      metadata.labels map
      subsets list
      subsets.*.addresses list
      subsets.*.addresses.*.hostname string
      subsets.*.addresses.*.ip string
      subsets.*.addresses.*.nodeName string
      subsets.*.notReadyAddresses list
      subsets.*.notReadyAddresses.*.hostname string
      subsets.*.notReadyAddresses.*.ip string
      subsets.*.notReadyAddresses.*.nodeName string
      subsets.*.ports list
      subsets.*.ports.*.name string
      subsets.*.ports.*.port integer port
      subsets.*.ports.*.protocol string
    `,
  },
  {
    kind: 'EndpointSlice',
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/service-resources/endpoint-slice-v1/',
    fields: `
      addressType string
      endpoints list
      endpoints.*.addresses list
      endpoints.*.addresses.* string
      endpoints.*.conditions.ready boolean
      endpoints.*.conditions.serving boolean
      endpoints.*.conditions.terminating boolean
      endpoints.*.hints.forNodes list
      endpoints.*.hints.forNodes.*.name string
      endpoints.*.hints.forZones list
      endpoints.*.hints.forZones.*.name string
      endpoints.*.hostname string
      endpoints.*.nodeName string
      endpoints.*.targetRef.kind string
      endpoints.*.targetRef.name string
      endpoints.*.zone string
      metadata.annotations map
      metadata.labels map
      metadata.labels.* string
      ports list
      ports.*.name string
      ports.*.port integer port
      ports.*.protocol string
    `,
  },
  {
    kind: 'ConfigMap',
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/config-map-v1/',
    fields: `
      metadata.annotations map
      metadata.annotations.* string
      metadata.labels map
      metadata.labels.* string
    `,
  },
  {
    kind: 'Secret',
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/secret-v1/',
    fields: `
      data.tls.crt string
      data.tls.key string
      metadata.annotations map
      metadata.labels map
      stringData.tls.crt string
      stringData.tls.key string
      type string
    `,
  },
];
