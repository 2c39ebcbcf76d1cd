/**
 * Known field names of the objects whose typos break networking silently, from the Kubernetes API reference
 * (https://kubernetes.io/docs/reference/kubernetes-api/). kubectl's default `--validate=strict` refuses unknown
 * fields; without validation the API server drops them. Paths use `*` for list elements; `$selector` marks a
 * LabelSelector.
 */
const objectMeta = [
  'name',
  'generateName',
  'namespace',
  'labels',
  'annotations',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'ownerReferences',
  'finalizers',
  'managedFields',
  'selfLink',
];
const selector = ['matchLabels', 'matchExpressions'];
const requirement = ['key', 'operator', 'values'];
const peer = ['podSelector', 'namespaceSelector', 'ipBlock'];
const policyPort = ['protocol', 'port', 'endPort'];

export const knownFields: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  NetworkPolicy: {
    '': ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
    metadata: objectMeta,
    spec: ['podSelector', 'policyTypes', 'ingress', 'egress'],
    'spec.podSelector': selector,
    'spec.podSelector.matchExpressions.*': requirement,
    'spec.ingress.*': ['from', 'ports'],
    'spec.egress.*': ['to', 'ports'],
    'spec.ingress.*.from.*': peer,
    'spec.egress.*.to.*': peer,
    'spec.ingress.*.from.*.podSelector': selector,
    'spec.ingress.*.from.*.namespaceSelector': selector,
    'spec.egress.*.to.*.podSelector': selector,
    'spec.egress.*.to.*.namespaceSelector': selector,
    'spec.ingress.*.from.*.ipBlock': ['cidr', 'except'],
    'spec.egress.*.to.*.ipBlock': ['cidr', 'except'],
    'spec.ingress.*.ports.*': policyPort,
    'spec.egress.*.ports.*': policyPort,
  },
  Service: {
    '': ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
    metadata: objectMeta,
    spec: [
      'type',
      'selector',
      'ports',
      'clusterIP',
      'clusterIPs',
      'externalIPs',
      'sessionAffinity',
      'sessionAffinityConfig',
      'loadBalancerIP',
      'loadBalancerSourceRanges',
      'loadBalancerClass',
      'externalName',
      'externalTrafficPolicy',
      'internalTrafficPolicy',
      'healthCheckNodePort',
      'publishNotReadyAddresses',
      'ipFamilies',
      'ipFamilyPolicy',
      'allocateLoadBalancerNodePorts',
      'trafficDistribution',
      'topologyKeys',
    ],
    'spec.ports.*': ['name', 'protocol', 'appProtocol', 'port', 'targetPort', 'nodePort'],
    'spec.sessionAffinityConfig': ['clientIP'],
    'spec.sessionAffinityConfig.clientIP': ['timeoutSeconds'],
  },
};

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
