/**
 * What kubetwin models of Kubernetes, declared (STYLE.md "Declare what is modeled"). The builder warns when
 * input uses a field below `modeled`; `docs/support.md` is generated from this file (`npm run docs:support`).
 */
export type SupportLevel = 'modeled' | 'partial' | 'ignored' | 'planned';

export interface KindSupport {
  readonly group: string;
  readonly kind: string;
  readonly namespaced: boolean;
  readonly level: SupportLevel;
  readonly note: string;
}

export interface FieldSupport {
  /** Kinds the field belongs to; pod-spec fields are listed once under `PodSpec`. */
  readonly kind: string;
  /** Dotted path; `*` stands for every element of a list. */
  readonly path: string;
  readonly level: Exclude<SupportLevel, 'modeled'>;
  readonly note: string;
}

export const kinds: readonly KindSupport[] = [
  {
    group: '',
    kind: 'Namespace',
    namespaced: false,
    level: 'modeled',
    note: 'labels, including the automatic kubernetes.io/metadata.name',
  },
  {
    group: '',
    kind: 'Node',
    namespaced: false,
    level: 'modeled',
    note: 'name, labels, zone, InternalIP, podCIDR, unschedulable',
  },
  {
    group: '',
    kind: 'Pod',
    namespaced: true,
    level: 'modeled',
    note: 'labels, ports, node, IPs, hostNetwork, readiness, DNS settings',
  },
  {
    group: 'apps',
    kind: 'Deployment',
    namespaced: true,
    level: 'modeled',
    note: 'expanded into pods through a ReplicaSet',
  },
  { group: 'apps', kind: 'ReplicaSet', namespaced: true, level: 'modeled', note: 'expanded into pods' },
  {
    group: 'apps',
    kind: 'StatefulSet',
    namespaced: true,
    level: 'modeled',
    note: 'pods <name>-<ordinal> with hostname and subdomain',
  },
  {
    group: 'apps',
    kind: 'DaemonSet',
    namespaced: true,
    level: 'modeled',
    note: 'one pod per eligible node (nodeSelector)',
  },
  { group: 'batch', kind: 'Job', namespaced: true, level: 'modeled', note: 'parallelism pods' },
  {
    group: 'batch',
    kind: 'CronJob',
    namespaced: true,
    level: 'modeled',
    note: 'the pods of one run of the jobTemplate',
  },
  {
    group: 'autoscaling',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
    level: 'modeled',
    note: 'minReplicas sets the replica count of its target',
  },
  {
    group: '',
    kind: 'Service',
    namespaced: true,
    level: 'modeled',
    note: 'every type; ClusterIP and NodePort allocation',
  },
  {
    group: 'discovery.k8s.io',
    kind: 'EndpointSlice',
    namespaced: true,
    level: 'modeled',
    note: 'manual slices of selector-less Services',
  },
  {
    group: '',
    kind: 'Endpoints',
    namespaced: true,
    level: 'modeled',
    note: 'mirrored into EndpointSlices for selector-less Services',
  },
  {
    group: 'networking.k8s.io',
    kind: 'NetworkPolicy',
    namespaced: true,
    level: 'modeled',
    note: 'every field; verdicts with kubetwin reach, matrix and test',
  },
  {
    group: 'networking.k8s.io',
    kind: 'Ingress',
    namespaced: true,
    level: 'modeled',
    note: 'class, hosts, paths, defaultBackend, TLS; routed under spec, ingress-nginx or Traefik behaviour (kubetwin route)',
  },
  {
    group: 'networking.k8s.io',
    kind: 'IngressClass',
    namespaced: false,
    level: 'modeled',
    note: 'controller (selects the behaviour profile) and the default-class annotation',
  },
  {
    group: 'gateway.networking.k8s.io',
    kind: 'GatewayClass',
    namespaced: false,
    level: 'modeled',
    note: 'every GatewayClass is accepted; parametersRef is not read',
  },
  {
    group: 'gateway.networking.k8s.io',
    kind: 'Gateway',
    namespaced: true,
    level: 'modeled',
    note: 'listeners, allowedRoutes, TLS certificateRefs, status conditions; addresses are not read',
  },
  {
    group: 'gateway.networking.k8s.io',
    kind: 'HTTPRoute',
    namespaced: true,
    level: 'modeled',
    note: 'attachment, matches, precedence, core filters, backendRefs with weights, status conditions; parentRefs naming a Service (GAMMA) route east-west mesh traffic',
  },
  {
    group: 'gateway.networking.k8s.io',
    kind: 'GRPCRoute',
    namespaced: true,
    level: 'partial',
    note: 'routed like an HTTPRoute whose method matches are /service/method paths',
  },
  {
    group: 'gateway.networking.k8s.io',
    kind: 'ReferenceGrant',
    namespaced: true,
    level: 'modeled',
    note: 'cross-namespace backendRefs and certificateRefs',
  },
  {
    group: 'policy.networking.k8s.io',
    kind: 'AdminNetworkPolicy',
    namespaced: false,
    level: 'modeled',
    note: 'admin tier of reach, matrix and test: subject, priority, Allow/Deny/Pass, peers namespaces/pods/nodes/networks, named ports and ranges',
  },
  {
    group: 'policy.networking.k8s.io',
    kind: 'BaselineAdminNetworkPolicy',
    namespaced: false,
    level: 'modeled',
    note: 'admin tier of reach, matrix and test: subject, priority, Allow/Deny/Pass, peers namespaces/pods/nodes/networks, named ports and ranges',
  },
  {
    group: 'policy.networking.k8s.io',
    kind: 'ClusterNetworkPolicy',
    namespaced: false,
    level: 'modeled',
    note: 'admin tier of reach, matrix and test: subject, priority, Allow/Deny/Pass, peers namespaces/pods/nodes/networks, named ports and ranges',
  },
  {
    group: '',
    kind: 'ConfigMap',
    namespaced: true,
    level: 'partial',
    note: 'kube-system/coredns: its Corefile configures cluster DNS (kubernetes, hosts, rewrite name, cache, forward; other plugins are reported); other ConfigMaps are kept only',
  },
  {
    group: '',
    kind: 'Secret',
    namespaced: true,
    level: 'partial',
    note: 'TLS Secrets: tls.crt parsed (SANs, validity, issuer) for the certificate a route serves; other Secrets are kept only',
  },
  {
    group: 'cert-manager.io',
    kind: 'Certificate',
    namespaced: true,
    level: 'partial',
    note: 'secretName, dnsNames and issuerRef: which Certificate would create a missing TLS Secret',
  },
  {
    group: 'cert-manager.io',
    kind: 'Issuer',
    namespaced: true,
    level: 'partial',
    note: 'presence only: a Certificate naming a missing issuer is reported',
  },
  {
    group: 'cert-manager.io',
    kind: 'ClusterIssuer',
    namespaced: false,
    level: 'partial',
    note: 'presence only: a Certificate naming a missing issuer is reported',
  },
  {
    group: 'monitoring.coreos.com',
    kind: 'ServiceMonitor',
    namespaced: true,
    level: 'partial',
    note: 'read by doctor: its Service selector and endpoint port names; the scrape itself is not modeled',
  },
  ...['TLSRoute', 'TCPRoute', 'UDPRoute'].map((kind) => ({
    group: 'gateway.networking.k8s.io',
    kind,
    namespaced: true,
    level: 'planned' as const,
    note: 'kept in the model; Layer-4 routes are not routed yet (only HTTPRoute and GRPCRoute are)',
  })),
  {
    group: 'networking.istio.io',
    kind: 'VirtualService',
    namespaced: true,
    level: 'partial',
    note: 'mesh traffic (gateways absent or mesh): hosts, http rules with match, route, redirect, directResponse, rewrite, timeout, retries, fault (route --via mesh, trace, test); tcp/tls rules, delegation and Istio Gateway binding are not modeled',
  },
  {
    group: 'networking.istio.io',
    kind: 'DestinationRule',
    namespaced: true,
    level: 'partial',
    note: 'host and subsets by labels; trafficPolicy (load balancer, TLS mode, connection pool, outlier detection) is shown, not applied',
  },
  ...[
    'Gateway',
    'ServiceEntry',
    'Sidecar',
    'EnvoyFilter',
    'WorkloadEntry',
    'WorkloadGroup',
    'ProxyConfig',
  ].map((kind) => ({
    group: 'networking.istio.io',
    kind,
    namespaced: true,
    level: 'planned' as const,
    note: 'kept in the model; not modeled yet: answers it could change do not account for it',
  })),
  ...['PeerAuthentication', 'AuthorizationPolicy', 'RequestAuthentication'].map((kind) => ({
    group: 'security.istio.io',
    kind,
    namespaced: true,
    level: 'planned' as const,
    note: 'kept in the model; mesh mTLS and authorization are not modeled yet: reach and trace do not account for it',
  })),
  {
    group: 'linkerd.io',
    kind: 'ServiceProfile',
    namespaced: true,
    level: 'partial',
    note: 'routes (condition method, pathRegex, all, any, not), timeout and isRetryable with the retryBudget, shown on route --via mesh answers (Linkerd); unknown route fields reported; dstOverrides not modeled',
  },
  ...[
    'Server',
    'ServerAuthorization',
    'AuthorizationPolicy',
    'MeshTLSAuthentication',
    'NetworkAuthentication',
    'HTTPRoute',
  ].map((kind) => ({
    group: 'policy.linkerd.io',
    kind,
    namespaced: true,
    level: 'planned' as const,
    note: 'kept in the model; Linkerd policy is not modeled yet: reach and trace do not account for it',
  })),
  {
    group: 'k8s.otterize.com',
    kind: 'ClientIntents',
    namespaced: true,
    level: 'modeled',
    note: 'read as declared flows by trace, doctor and report',
  },
];

/** Kinds that carry no networking meaning; accepted silently (no `unknown-kind` note). */
export const quietKinds: readonly string[] = [
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'ClusterRole',
  'ClusterRoleBinding',
  'PersistentVolumeClaim',
  'PersistentVolume',
  'StorageClass',
  'PodDisruptionBudget',
  'LimitRange',
  'ResourceQuota',
  'PriorityClass',
  'CustomResourceDefinition',
  'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration',
];

export const fields: readonly FieldSupport[] = [
  {
    kind: 'PodSpec',
    path: 'affinity',
    level: 'ignored',
    note: 'scheduling spreads pods round-robin over nodes that pass nodeSelector; affinity rules are not evaluated',
  },
  { kind: 'PodSpec', path: 'tolerations', level: 'ignored', note: 'node taints are not evaluated' },
  {
    kind: 'PodSpec',
    path: 'topologySpreadConstraints',
    level: 'ignored',
    note: 'pods are spread round-robin, not by these constraints',
  },
  {
    kind: 'PodSpec',
    path: 'readinessGates',
    level: 'ignored',
    note: 'pods are ready unless status says otherwise',
  },
  {
    kind: 'PodSpec',
    path: 'containers.*.readinessProbe',
    level: 'partial',
    note: 'probes are assumed to pass: pods are ready unless status says otherwise',
  },
  {
    kind: 'PodSpec',
    path: 'ephemeralContainers',
    level: 'ignored',
    note: 'their ports are not part of the pod',
  },
  {
    kind: 'Service',
    path: 'spec.loadBalancerSourceRanges',
    level: 'planned',
    note: 'source ranges are not enforced yet',
  },
  {
    kind: 'Service',
    path: 'spec.loadBalancerClass',
    level: 'ignored',
    note: "every LoadBalancer is given the profile's address or stays <pending>",
  },
  {
    kind: 'Node',
    path: 'spec.taints',
    level: 'ignored',
    note: 'taints do not keep pods off nodes in the model',
  },
  { kind: 'VirtualService', path: 'spec.tcp', level: 'planned', note: 'TCP routes are not modeled yet' },
  {
    kind: 'VirtualService',
    path: 'spec.tls',
    level: 'planned',
    note: 'TLS (SNI) routes are not modeled yet',
  },
  {
    kind: 'VirtualService',
    path: 'spec.exportTo',
    level: 'ignored',
    note: 'every VirtualService is taken as visible to every namespace',
  },
  {
    kind: 'VirtualService',
    path: 'spec.http.*.delegate',
    level: 'planned',
    note: 'delegate VirtualServices are not followed yet',
  },
  {
    kind: 'VirtualService',
    path: 'spec.http.*.mirror',
    level: 'partial',
    note: 'shown on the answer; the mirrored copy is not traced',
  },
  {
    kind: 'VirtualService',
    path: 'spec.http.*.fault.delay',
    level: 'partial',
    note: 'shown on the answer; delays do not change where a request goes',
  },
  {
    kind: 'VirtualService',
    path: 'spec.http.*.corsPolicy',
    level: 'ignored',
    note: 'CORS is not modeled',
  },
  {
    kind: 'DestinationRule',
    path: 'spec.trafficPolicy',
    level: 'partial',
    note: 'shown on route answers; load balancing, connection pools, outlier detection and TLS settings are not applied',
  },
  {
    kind: 'ServiceProfile',
    path: 'spec.dstOverrides',
    level: 'planned',
    note: 'traffic splits by ServiceProfile are not modeled; answers name the profile',
  },
  {
    kind: 'ServiceProfile',
    path: 'spec.routes.*.responseClasses',
    level: 'ignored',
    note: 'response classification does not change where a request goes',
  },
  {
    kind: 'ServiceProfile',
    path: 'spec.opaquePorts',
    level: 'ignored',
    note: 'opaque ports are not modeled',
  },
  {
    kind: 'DestinationRule',
    path: 'spec.exportTo',
    level: 'ignored',
    note: 'every DestinationRule is taken as visible to every namespace',
  },
];

/** Which prefix a kind's pod spec lives under. */
export const podSpecPaths: Readonly<Record<string, string>> = {
  Pod: 'spec',
  Deployment: 'spec.template.spec',
  ReplicaSet: 'spec.template.spec',
  StatefulSet: 'spec.template.spec',
  DaemonSet: 'spec.template.spec',
  Job: 'spec.template.spec',
  CronJob: 'spec.jobTemplate.spec.template.spec',
};

export function kindSupport(kind: string, group: string): KindSupport | undefined {
  return kinds.find((k) => k.kind === kind && k.group === group);
}
