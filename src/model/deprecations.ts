/**
 * API versions, fields and annotations that Kubernetes removed or deprecated, from the deprecated API migration
 * guide: https://kubernetes.io/docs/reference/using-api/deprecation-guide/ . A removed API version is refused
 * by the API server (kubectl: "no matches for kind"), so the object is left out with an error; removed fields
 * are silently dropped by the API server, deprecated ones still work.
 */
export interface RemovedVersion {
  readonly apiVersion: string;
  readonly kind: string;
  readonly removedIn: string;
  readonly use: string;
}

export const removedVersions: readonly RemovedVersion[] = [
  ...['Deployment', 'DaemonSet', 'ReplicaSet', 'StatefulSet'].flatMap((kind) => [
    { apiVersion: 'extensions/v1beta1', kind, removedIn: '1.16', use: 'apps/v1' },
    { apiVersion: 'apps/v1beta1', kind, removedIn: '1.16', use: 'apps/v1' },
    { apiVersion: 'apps/v1beta2', kind, removedIn: '1.16', use: 'apps/v1' },
  ]),
  { apiVersion: 'extensions/v1beta1', kind: 'NetworkPolicy', removedIn: '1.16', use: 'networking.k8s.io/v1' },
  { apiVersion: 'extensions/v1beta1', kind: 'Ingress', removedIn: '1.22', use: 'networking.k8s.io/v1' },
  {
    apiVersion: 'networking.k8s.io/v1beta1',
    kind: 'Ingress',
    removedIn: '1.22',
    use: 'networking.k8s.io/v1',
  },
  {
    apiVersion: 'networking.k8s.io/v1beta1',
    kind: 'IngressClass',
    removedIn: '1.22',
    use: 'networking.k8s.io/v1',
  },
  { apiVersion: 'batch/v1beta1', kind: 'CronJob', removedIn: '1.25', use: 'batch/v1' },
  // https://kubernetes.io/docs/reference/using-api/deprecation-guide/#webhook-resources-v122
  ...['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration'].map((kind) => ({
    apiVersion: 'admissionregistration.k8s.io/v1beta1',
    kind,
    removedIn: '1.22',
    use: 'admissionregistration.k8s.io/v1',
  })),
  {
    apiVersion: 'discovery.k8s.io/v1beta1',
    kind: 'EndpointSlice',
    removedIn: '1.25',
    use: 'discovery.k8s.io/v1',
  },
  {
    apiVersion: 'autoscaling/v2beta1',
    kind: 'HorizontalPodAutoscaler',
    removedIn: '1.25',
    use: 'autoscaling/v2',
  },
  {
    apiVersion: 'autoscaling/v2beta2',
    kind: 'HorizontalPodAutoscaler',
    removedIn: '1.26',
    use: 'autoscaling/v2',
  },
];

export interface DeprecatedField {
  readonly kind: string;
  /** Dotted path; `*` for every list element. */
  readonly path: string;
  readonly status: 'removed' | 'deprecated';
  readonly since: string;
  readonly note: string;
}

export const deprecatedFields: readonly DeprecatedField[] = [
  {
    kind: 'Service',
    path: 'spec.topologyKeys',
    status: 'removed',
    since: '1.22',
    note: 'the API server drops it; use spec.trafficDistribution or internalTrafficPolicy',
  },
  {
    kind: 'Service',
    path: 'spec.loadBalancerIP',
    status: 'deprecated',
    since: '1.24',
    note: "its behaviour is provider-specific; use the provider's annotation",
  },
];

export interface DeprecatedAnnotation {
  readonly key: string;
  readonly status: 'removed' | 'deprecated';
  readonly note: string;
}

export const deprecatedAnnotations: readonly DeprecatedAnnotation[] = [
  {
    key: 'service.alpha.kubernetes.io/tolerate-unready-endpoints',
    status: 'removed',
    note: 'use spec.publishNotReadyAddresses',
  },
  { key: 'kubernetes.io/ingress.class', status: 'deprecated', note: 'use spec.ingressClassName' },
  {
    key: 'service.kubernetes.io/topology-aware-hints',
    status: 'deprecated',
    note: 'use spec.trafficDistribution (or service.kubernetes.io/topology-mode)',
  },
  {
    key: 'net.beta.kubernetes.io/network-policy',
    status: 'removed',
    note: 'namespace isolation annotation of 1.6; use a default-deny NetworkPolicy',
  },
  {
    key: 'seccomp.security.alpha.kubernetes.io/pod',
    status: 'removed',
    note: 'use spec.securityContext.seccompProfile',
  },
];
