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
  // https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/#IngressSpec
  Ingress: {
    spec: ['ingressClassName', 'defaultBackend', 'tls', 'rules'],
    'spec.defaultBackend': ['service', 'resource'],
    'spec.defaultBackend.service': ['name', 'port'],
    'spec.defaultBackend.service.port': ['name', 'number'],
    'spec.defaultBackend.resource': ['apiGroup', 'kind', 'name'],
    'spec.tls.*': ['hosts', 'secretName'],
    'spec.rules.*': ['host', 'http'],
    'spec.rules.*.http': ['paths'],
    'spec.rules.*.http.paths.*': ['path', 'pathType', 'backend'],
    'spec.rules.*.http.paths.*.backend': ['service', 'resource'],
    'spec.rules.*.http.paths.*.backend.service': ['name', 'port'],
    'spec.rules.*.http.paths.*.backend.service.port': ['name', 'number'],
    'spec.rules.*.http.paths.*.backend.resource': ['apiGroup', 'kind', 'name'],
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

const backendObjectRef = ['group', 'kind', 'name', 'namespace', 'port'];
const headerModifier = ['set', 'add', 'remove'];
const httpHeader = ['name', 'value'];
const pathModifier = ['type', 'replaceFullPath', 'replacePrefixMatch'];
const valueMatch = ['type', 'name', 'value'];
/**
 * TLSRoute, TCPRoute and UDPRoute (v1alpha2/v1alpha3): parentRefs, rules holding only backendRefs, and for TLSRoute
 * hostnames. https://gateway-api.sigs.k8s.io/reference/spec/#tlsroutespec (and #tcproutespec, #udproutespec)
 */
const l4Route = (hostnames: boolean) => ({
  spec: ['parentRefs', ...(hostnames ? ['hostnames'] : []), 'rules'],
  'spec.parentRefs.*': ['group', 'kind', 'namespace', 'name', 'sectionName', 'port'],
  'spec.rules.*': ['name', 'backendRefs'],
  'spec.rules.*.backendRefs.*': [...backendObjectRef, 'weight'],
});

/**
 * Fields of the Gateway API kinds kubetwin routes (gateway.networking.k8s.io/v1, standard and experimental
 * channels), from https://gateway-api.sigs.k8s.io/reference/spec/. Not used to refuse unknown fields (the CRDs'
 * own schemas decide that, per channel): the catalogue test walks them so that every field is either read by the
 * builder or listed in the catalogue below `modeled`. A list of objects is `*`; a field without an entry here is
 * walked as one leaf (its sub-fields share its level).
 */
export const gatewayApiFields: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  HTTPRoute: {
    spec: ['parentRefs', 'hostnames', 'rules'],
    'spec.parentRefs.*': ['group', 'kind', 'namespace', 'name', 'sectionName', 'port'],
    'spec.rules.*': ['name', 'matches', 'filters', 'backendRefs', 'timeouts', 'retry', 'sessionPersistence'],
    'spec.rules.*.matches.*': ['path', 'headers', 'queryParams', 'method'],
    'spec.rules.*.matches.*.path': ['type', 'value'],
    'spec.rules.*.matches.*.headers.*': valueMatch,
    'spec.rules.*.matches.*.queryParams.*': valueMatch,
    'spec.rules.*.filters.*': [
      'type',
      'requestHeaderModifier',
      'responseHeaderModifier',
      'requestMirror',
      'requestRedirect',
      'urlRewrite',
      'extensionRef',
      'cors',
    ],
    'spec.rules.*.filters.*.requestHeaderModifier': headerModifier,
    'spec.rules.*.filters.*.requestHeaderModifier.set.*': httpHeader,
    'spec.rules.*.filters.*.requestHeaderModifier.add.*': httpHeader,
    'spec.rules.*.filters.*.responseHeaderModifier': headerModifier,
    'spec.rules.*.filters.*.responseHeaderModifier.set.*': httpHeader,
    'spec.rules.*.filters.*.responseHeaderModifier.add.*': httpHeader,
    'spec.rules.*.filters.*.requestMirror': ['backendRef', 'percent', 'fraction'],
    'spec.rules.*.filters.*.requestMirror.backendRef': backendObjectRef,
    'spec.rules.*.filters.*.requestRedirect': ['scheme', 'hostname', 'path', 'port', 'statusCode'],
    'spec.rules.*.filters.*.requestRedirect.path': pathModifier,
    'spec.rules.*.filters.*.urlRewrite': ['hostname', 'path'],
    'spec.rules.*.filters.*.urlRewrite.path': pathModifier,
    'spec.rules.*.filters.*.extensionRef': ['group', 'kind', 'name'],
    'spec.rules.*.backendRefs.*': [...backendObjectRef, 'weight', 'filters'],
  },
  Gateway: {
    spec: ['gatewayClassName', 'listeners', 'addresses', 'infrastructure', 'allowedListeners', 'tls'],
    'spec.listeners.*': ['name', 'hostname', 'port', 'protocol', 'tls', 'allowedRoutes'],
    'spec.listeners.*.tls': ['mode', 'certificateRefs', 'frontendValidation', 'options'],
    'spec.listeners.*.tls.certificateRefs.*': ['group', 'kind', 'name', 'namespace'],
    'spec.listeners.*.allowedRoutes': ['namespaces', 'kinds'],
    'spec.listeners.*.allowedRoutes.namespaces': ['from', 'selector'],
    'spec.listeners.*.allowedRoutes.kinds.*': ['group', 'kind'],
    'spec.tls': ['frontend', 'backend'],
  },
  // GEP-1713 https://gateway-api.sigs.k8s.io/geps/gep-1713/ (parentRef, listeners shaped as the Gateway's)
  ListenerSet: {
    spec: ['parentRef', 'listeners'],
    'spec.parentRef': ['group', 'kind', 'namespace', 'name'],
    'spec.listeners.*': ['name', 'hostname', 'port', 'protocol', 'tls', 'allowedRoutes'],
    'spec.listeners.*.tls': ['mode', 'certificateRefs', 'options'],
    'spec.listeners.*.tls.certificateRefs.*': ['group', 'kind', 'name', 'namespace'],
    'spec.listeners.*.allowedRoutes': ['namespaces', 'kinds'],
    'spec.listeners.*.allowedRoutes.namespaces': ['from', 'selector'],
    'spec.listeners.*.allowedRoutes.kinds.*': ['group', 'kind'],
  },
  TLSRoute: l4Route(true),
  TCPRoute: l4Route(false),
  UDPRoute: l4Route(false),
  // https://gateway-api.sigs.k8s.io/reference/spec/#backendtlspolicyspec (v1: targetRefs, validation, options)
  BackendTLSPolicy: {
    spec: ['targetRefs', 'validation', 'options'],
    'spec.targetRefs.*': ['group', 'kind', 'name', 'sectionName'],
    'spec.validation': ['caCertificateRefs', 'wellKnownCACertificates', 'hostname', 'subjectAltNames'],
    'spec.validation.caCertificateRefs.*': ['group', 'kind', 'name'],
    'spec.validation.subjectAltNames.*': ['type', 'hostname', 'uri'],
  },
};

/**
 * Schemas of other CRDs kubetwin reads, walked by the same catalogue test. OpenShift `Route` (route.openshift.io/v1,
 * RouteSpec in openshift/api route/v1/types.go: https://docs.openshift.com/container-platform/4.16/rest_api/network_apis/route-route-openshift-io-v1.html).
 */
export const otherCrdFields: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  // Traefik Middleware (traefik.io/v1alpha1; traefik.containo.us the older group): the middlewares kubetwin applies,
  // with their options as documented at https://doc.traefik.io/traefik/reference/routing-configuration/http/middlewares/overview/
  // (the other middleware types are named on the answers as a whole).
  Middleware: {
    spec: [
      'redirectScheme',
      'redirectRegex',
      'stripPrefix',
      'stripPrefixRegex',
      'addPrefix',
      'replacePath',
      'replacePathRegex',
      'ipAllowList',
      'ipWhiteList',
      'basicAuth',
    ],
    'spec.redirectScheme': ['scheme', 'port', 'permanent'],
    'spec.redirectRegex': ['regex', 'replacement', 'permanent'],
    'spec.stripPrefix': ['prefixes', 'forceSlash'],
    'spec.stripPrefixRegex': ['regex'],
    'spec.addPrefix': ['prefix'],
    'spec.replacePath': ['path'],
    'spec.replacePathRegex': ['regex', 'replacement'],
    'spec.ipAllowList': ['sourceRange', 'ipStrategy', 'rejectStatusCode'],
    'spec.ipWhiteList': ['sourceRange', 'ipStrategy'],
    'spec.basicAuth': ['users', 'secret', 'realm', 'headerField', 'removeHeader'],
  },
  // Traefik IngressRoute (traefik.io/v1alpha1; traefik.containo.us the older group), IngressRouteSpec as documented at
  // https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/crd/http/ingressroute/
  IngressRoute: {
    spec: ['entryPoints', 'routes', 'tls'],
    'spec.routes.*': ['kind', 'match', 'priority', 'syntax', 'services', 'middlewares', 'observability'],
    'spec.routes.*.services.*': [
      'kind',
      'name',
      'namespace',
      'port',
      'weight',
      'scheme',
      'passHostHeader',
      'responseForwarding',
      'serversTransport',
      'sticky',
      'strategy',
      'nativeLB',
      'nodePortLB',
      'healthCheck',
    ],
    'spec.routes.*.middlewares.*': ['name', 'namespace'],
    'spec.tls': ['secretName', 'options', 'store', 'certResolver', 'domains'],
  },
  Route: {
    spec: [
      'host',
      'subdomain',
      'path',
      'to',
      'alternateBackends',
      'port',
      'tls',
      'wildcardPolicy',
      'httpHeaders',
    ],
    'spec.to': ['kind', 'name', 'weight'],
    'spec.alternateBackends.*': ['kind', 'name', 'weight'],
    'spec.port': ['targetPort'],
    'spec.tls': [
      'termination',
      'certificate',
      'key',
      'caCertificate',
      'destinationCACertificate',
      'insecureEdgeTerminationPolicy',
      'externalCertificate',
    ],
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
