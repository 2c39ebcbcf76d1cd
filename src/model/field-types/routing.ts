import type { KindFields } from './types.ts';

/** A Gateway's or a ListenerSet's `spec.listeners` (the same Listener type in both). */
const listenerFields = `
      spec.listeners list
      spec.listeners.*.allowedRoutes.kinds list
      spec.listeners.*.allowedRoutes.kinds.*.group string
      spec.listeners.*.allowedRoutes.kinds.*.kind string
      spec.listeners.*.allowedRoutes.namespaces.from string
      spec.listeners.*.allowedRoutes.namespaces.selector map
      spec.listeners.*.allowedRoutes.namespaces.selector.matchExpressions list
      spec.listeners.*.allowedRoutes.namespaces.selector.matchLabels map
      spec.listeners.*.allowedRoutes.namespaces.selector.matchLabels.* string
      spec.listeners.*.hostname string
      spec.listeners.*.name string
      spec.listeners.*.port integer port
      spec.listeners.*.protocol string
      spec.listeners.*.tls.certificateRefs list
      spec.listeners.*.tls.certificateRefs.*.group string
      spec.listeners.*.tls.certificateRefs.*.kind string
      spec.listeners.*.tls.certificateRefs.*.name string
      spec.listeners.*.tls.certificateRefs.*.namespace string
      spec.listeners.*.tls.mode string
    `;

/** ListenerSet (gateway.networking.k8s.io) and XListenerSet (gateway.networking.x-k8s.io) share one schema (GEP-1713). */
const listenerSetFields = `
      metadata map
      metadata.annotations map
      metadata.labels map
${listenerFields}      spec.parentRef.group string
      spec.parentRef.kind string
      spec.parentRef.name string
      spec.parentRef.namespace string
    `;

/** TCPRoute and UDPRoute read the same fields: parentRefs and rules holding backendRefs. */
const l4RouteFields = `
      metadata map
      metadata.annotations map
      metadata.labels map
      spec.parentRefs list
      spec.parentRefs.*.group string
      spec.parentRefs.*.kind string
      spec.parentRefs.*.name string
      spec.parentRefs.*.namespace string
      spec.parentRefs.*.port integer port
      spec.parentRefs.*.sectionName string
      spec.rules list
      spec.rules.*.backendRefs list
      spec.rules.*.backendRefs.*.group string
      spec.rules.*.backendRefs.*.kind string
      spec.rules.*.backendRefs.*.name string
      spec.rules.*.backendRefs.*.namespace string
      spec.rules.*.backendRefs.*.port integer port
      spec.rules.*.backendRefs.*.weight integer 0..1000000
      spec.rules.*.name string
    `;

/** Routing: Ingress, the Gateway API, OpenShift Route, cert-manager issuers: the type (and range) of every field kubetwin reads. Format in ./types.ts. */
export const routingFields: readonly KindFields[] = [
  {
    kind: 'Ingress',
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/',
    fields: `
      metadata map
      metadata.annotations map
      metadata.annotations.* string
      metadata.labels map
      spec.defaultBackend.resource.apiGroup string
      spec.defaultBackend.resource.kind string
      spec.defaultBackend.resource.name string
      spec.defaultBackend.service.name string
      spec.defaultBackend.service.port.name string
      spec.defaultBackend.service.port.number integer port
      spec.ingressClassName string
      spec.rules list
      spec.rules.*.host string
      spec.rules.*.http.paths list
      spec.rules.*.http.paths.*.backend.resource.apiGroup string
      spec.rules.*.http.paths.*.backend.resource.kind string
      spec.rules.*.http.paths.*.backend.resource.name string
      spec.rules.*.http.paths.*.backend.service.name string
      spec.rules.*.http.paths.*.backend.service.port.name string
      spec.rules.*.http.paths.*.backend.service.port.number integer port
      spec.rules.*.http.paths.*.path string
      spec.rules.*.http.paths.*.pathType string
      spec.tls list
      spec.tls.*.hosts list
      spec.tls.*.hosts.* string
      spec.tls.*.secretName string
      status.loadBalancer.ingress list
      status.loadBalancer.ingress.*.hostname string
      status.loadBalancer.ingress.*.ip string
    `,
  },
  {
    kind: 'IngressClass',
    source: 'https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-class-v1/',
    fields: `
      metadata.annotations map
      metadata.annotations.* string
      metadata.labels map
      metadata.labels.* string
      spec.controller string
      spec.parameters.apiGroup string
      spec.parameters.kind string
      spec.parameters.name string
    `,
  },
  {
    kind: 'Gateway',
    source: 'https://gateway-api.sigs.k8s.io/reference/spec/',
    fields: `
      metadata.annotations map
      metadata.labels map
      metadata.labels.* string
      spec.addresses list
      spec.addresses.*.type string
      spec.addresses.*.value string
      spec.allowedListeners map
      spec.allowedListeners.namespaces.from string
      spec.allowedListeners.namespaces.selector map
      spec.allowedListeners.namespaces.selector.matchExpressions list
      spec.allowedListeners.namespaces.selector.matchLabels map
      spec.allowedListeners.namespaces.selector.matchLabels.* string
      spec.gatewayClassName string
      spec.infrastructure.parametersRef.group string
      spec.infrastructure.parametersRef.kind string
      spec.infrastructure.parametersRef.name string
${listenerFields}      spec.tls.frontend.default.validation.caCertificateRefs list
      spec.tls.frontend.default.validation.caCertificateRefs.*.group string
      spec.tls.frontend.default.validation.caCertificateRefs.*.kind string
      spec.tls.frontend.default.validation.caCertificateRefs.*.name string
      spec.tls.frontend.default.validation.caCertificateRefs.*.namespace string
      spec.tls.frontend.default.validation.mode string
      spec.tls.frontend.perPort list
    `,
  },
  ...(
    [
      ['ListenerSet', 'https://gateway-api.sigs.k8s.io/api-types/listenerset/'],
      ['XListenerSet', 'https://gateway-api.sigs.k8s.io/geps/gep-1713/'],
    ] as const
  ).map(([kind, source]) => ({ kind, source, fields: listenerSetFields })),
  {
    kind: 'GatewayClass',
    source: 'https://gateway-api.sigs.k8s.io/reference/spec/',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec.controllerName string
    `,
  },
  {
    kind: 'HTTPRoute',
    source: 'https://gateway-api.sigs.k8s.io/reference/spec/',
    fields: `
      metadata map
      metadata.annotations map
      metadata.labels map
      metadata.labels.* string
      spec.hostnames list
      spec.hostnames.* string
      spec.parentRefs list
      spec.parentRefs.*.group string
      spec.parentRefs.*.kind string
      spec.parentRefs.*.name string
      spec.parentRefs.*.namespace string
      spec.parentRefs.*.port integer port
      spec.parentRefs.*.sectionName string
      spec.rules list
      spec.rules.*.backendRefs list
      spec.rules.*.backendRefs.*.filters list
      spec.rules.*.backendRefs.*.filters.*.requestHeaderModifier.add list
      spec.rules.*.backendRefs.*.filters.*.requestHeaderModifier.remove list
      spec.rules.*.backendRefs.*.filters.*.requestHeaderModifier.set list
      spec.rules.*.backendRefs.*.filters.*.requestHeaderModifier.set.*.name string
      spec.rules.*.backendRefs.*.filters.*.requestHeaderModifier.set.*.value string
      spec.rules.*.backendRefs.*.filters.*.type string
      spec.rules.*.backendRefs.*.group string
      spec.rules.*.backendRefs.*.kind string
      spec.rules.*.backendRefs.*.name string
      spec.rules.*.backendRefs.*.namespace string
      spec.rules.*.backendRefs.*.port integer port
      spec.rules.*.backendRefs.*.weight integer 0..1000000
      spec.rules.*.filters list
      spec.rules.*.filters.*.cors.allowCredentials boolean
      spec.rules.*.filters.*.cors.allowHeaders list
      spec.rules.*.filters.*.cors.allowMethods list
      spec.rules.*.filters.*.cors.allowOrigins list
      spec.rules.*.filters.*.cors.allowOrigins.* string
      spec.rules.*.filters.*.cors.exposeHeaders list
      spec.rules.*.filters.*.cors.maxAge integer 1..2147483647
      spec.rules.*.filters.*.extensionRef.group string
      spec.rules.*.filters.*.extensionRef.kind string
      spec.rules.*.filters.*.extensionRef.name string
      spec.rules.*.filters.*.requestHeaderModifier.add list
      spec.rules.*.filters.*.requestHeaderModifier.add.*.name string
      spec.rules.*.filters.*.requestHeaderModifier.add.*.value string
      spec.rules.*.filters.*.requestHeaderModifier.remove list
      spec.rules.*.filters.*.requestHeaderModifier.remove.* string
      spec.rules.*.filters.*.requestHeaderModifier.set list
      spec.rules.*.filters.*.requestHeaderModifier.set.*.name string
      spec.rules.*.filters.*.requestHeaderModifier.set.*.value string
      spec.rules.*.filters.*.requestMirror.backendRef.group string
      spec.rules.*.filters.*.requestMirror.backendRef.kind string
      spec.rules.*.filters.*.requestMirror.backendRef.name string
      spec.rules.*.filters.*.requestMirror.backendRef.namespace string
      spec.rules.*.filters.*.requestMirror.backendRef.port integer port
      spec.rules.*.filters.*.requestMirror.backendRef.weight integer 0..1000000
      spec.rules.*.filters.*.requestMirror.fraction map
      spec.rules.*.filters.*.requestMirror.fraction.denominator integer
      spec.rules.*.filters.*.requestMirror.fraction.numerator integer
      spec.rules.*.filters.*.requestMirror.percent integer 0..100
      spec.rules.*.filters.*.requestRedirect.hostname string
      spec.rules.*.filters.*.requestRedirect.path.replaceFullPath string
      spec.rules.*.filters.*.requestRedirect.path.replacePrefixMatch string
      spec.rules.*.filters.*.requestRedirect.path.type string
      spec.rules.*.filters.*.requestRedirect.port integer port
      spec.rules.*.filters.*.requestRedirect.scheme string
      spec.rules.*.filters.*.requestRedirect.statusCode integer 300..399
      spec.rules.*.filters.*.responseHeaderModifier.add list
      spec.rules.*.filters.*.responseHeaderModifier.add.*.name string
      spec.rules.*.filters.*.responseHeaderModifier.add.*.value string
      spec.rules.*.filters.*.responseHeaderModifier.remove list
      spec.rules.*.filters.*.responseHeaderModifier.remove.* string
      spec.rules.*.filters.*.responseHeaderModifier.set list
      spec.rules.*.filters.*.responseHeaderModifier.set.*.name string
      spec.rules.*.filters.*.responseHeaderModifier.set.*.value string
      spec.rules.*.filters.*.type string
      spec.rules.*.filters.*.urlRewrite.hostname string
      spec.rules.*.filters.*.urlRewrite.path.replaceFullPath string
      spec.rules.*.filters.*.urlRewrite.path.replacePrefixMatch string
      spec.rules.*.filters.*.urlRewrite.path.type string
      spec.rules.*.matches list
      spec.rules.*.matches.*.headers list
      spec.rules.*.matches.*.headers.*.name string
      spec.rules.*.matches.*.headers.*.type string
      spec.rules.*.matches.*.headers.*.value string
      spec.rules.*.matches.*.method string
      spec.rules.*.matches.*.path.type string
      spec.rules.*.matches.*.path.value string
      spec.rules.*.matches.*.queryParams list
      spec.rules.*.matches.*.queryParams.*.name string
      spec.rules.*.matches.*.queryParams.*.type string
      spec.rules.*.matches.*.queryParams.*.value string
      spec.rules.*.name string
      spec.rules.*.retry.attempts integer 0..2147483647
      spec.rules.*.retry.backoff string
      spec.rules.*.retry.codes list
      spec.rules.*.retry.codes.* integer 400..599
      spec.rules.*.timeouts.backendRequest string
      spec.rules.*.timeouts.request string
    `,
  },
  {
    kind: 'GRPCRoute',
    source: 'https://gateway-api.sigs.k8s.io/reference/spec/#grpcroute',
    fields: `
      metadata map
      metadata.annotations map
      metadata.labels map
      spec.hostnames list
      spec.hostnames.* string
      spec.parentRefs list
      spec.parentRefs.*.group string
      spec.parentRefs.*.kind string
      spec.parentRefs.*.name string
      spec.parentRefs.*.namespace string
      spec.parentRefs.*.sectionName string
      spec.rules list
      spec.rules.*.backendRefs list
      spec.rules.*.backendRefs.*.filters list
      spec.rules.*.backendRefs.*.group string
      spec.rules.*.backendRefs.*.kind string
      spec.rules.*.backendRefs.*.name string
      spec.rules.*.backendRefs.*.namespace string
      spec.rules.*.filters list
      spec.rules.*.matches list
      spec.rules.*.matches.*.headers list
      spec.rules.*.matches.*.headers.*.name string
      spec.rules.*.matches.*.headers.*.type string
      spec.rules.*.matches.*.headers.*.value string
      spec.rules.*.matches.*.method.method string
      spec.rules.*.matches.*.method.service string
      spec.rules.*.matches.*.method.type string
      spec.rules.*.name string
      spec.parentRefs.*.port integer port
      spec.rules.*.backendRefs.*.port integer port
      spec.rules.*.backendRefs.*.weight integer 0..1000000
    `,
  },
  {
    kind: 'BackendTLSPolicy',
    source: 'https://gateway-api.sigs.k8s.io/reference/spec/#backendtlspolicy',
    fields: `
      metadata map
      metadata.annotations map
      metadata.labels map
      spec.options map
      spec.targetRefs list
      spec.targetRefs.*.group string
      spec.targetRefs.*.kind string
      spec.targetRefs.*.name string
      spec.targetRefs.*.sectionName string
      spec.validation.caCertificateRefs list
      spec.validation.caCertificateRefs.*.group string
      spec.validation.caCertificateRefs.*.kind string
      spec.validation.caCertificateRefs.*.name string
      spec.validation.hostname string
      spec.validation.subjectAltNames list
      spec.validation.subjectAltNames.*.hostname string
      spec.validation.subjectAltNames.*.type string
      spec.validation.subjectAltNames.*.uri string
      spec.validation.wellKnownCACertificates string
    `,
  },
  {
    kind: 'TLSRoute',
    source: 'https://gateway-api.sigs.k8s.io/reference/spec/',
    fields: `${l4RouteFields}      spec.hostnames list
      spec.hostnames.* string
    `,
  },
  {
    kind: 'TCPRoute',
    source: 'https://gateway-api.sigs.k8s.io/reference/spec/',
    fields: l4RouteFields,
  },
  {
    kind: 'UDPRoute',
    source: 'https://gateway-api.sigs.k8s.io/reference/spec/',
    fields: l4RouteFields,
  },
  {
    kind: 'Route',
    source:
      'https://docs.redhat.com/en/documentation/openshift_container_platform/4.17/html/network_apis/route-route-openshift-io-v1',
    fields: `
      metadata map
      metadata.annotations map
      metadata.annotations.* string
      metadata.labels map
      spec.alternateBackends list
      spec.alternateBackends.*.kind string
      spec.alternateBackends.*.name string
      spec.alternateBackends.*.weight integer 0..256
      spec.host string
      spec.path string
      spec.port.targetPort integer-or-string port
      spec.tls.certificate string
      spec.tls.destinationCACertificate string
      spec.tls.insecureEdgeTerminationPolicy string
      spec.tls.termination string
      spec.to.kind string
      spec.to.name string
      spec.to.weight integer 0..256
      spec.wildcardPolicy string
    `,
  },
  {
    kind: 'IngressRoute',
    source:
      'https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/crd/http/ingressroute/',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec.entryPoints list
      spec.entryPoints.* string
      spec.routes list
      spec.routes.*.kind string
      spec.routes.*.match string
      spec.routes.*.middlewares list
      spec.routes.*.middlewares.*.name string
      spec.routes.*.middlewares.*.namespace string
      spec.routes.*.priority integer
      spec.routes.*.services list
      spec.routes.*.services.*.kind string
      spec.routes.*.services.*.name string
      spec.routes.*.services.*.namespace string
      spec.routes.*.services.*.port integer-or-string port
      spec.routes.*.services.*.weight integer 0..2147483647
      spec.routes.*.syntax string
      spec.tls map
      spec.tls.secretName string
    `,
  },
  {
    kind: 'Middleware',
    source: 'https://doc.traefik.io/traefik/reference/routing-configuration/http/middlewares/overview/',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec map
      spec.addPrefix.prefix string
      spec.ipAllowList.rejectStatusCode integer 100..599
      spec.ipAllowList.sourceRange list
      spec.ipAllowList.sourceRange.* string
      spec.ipWhiteList.sourceRange list
      spec.ipWhiteList.sourceRange.* string
      spec.redirectRegex.permanent boolean
      spec.redirectRegex.regex string
      spec.redirectRegex.replacement string
      spec.redirectScheme.permanent boolean
      spec.redirectScheme.port string
      spec.redirectScheme.scheme string
      spec.replacePath.path string
      spec.replacePathRegex.regex string
      spec.replacePathRegex.replacement string
      spec.stripPrefix.prefixes list
      spec.stripPrefix.prefixes.* string
      spec.stripPrefixRegex.regex list
      spec.stripPrefixRegex.regex.* string
    `,
  },
  {
    kind: 'ClusterIssuer',
    source: 'https://cert-manager.io/docs/reference/api-docs/',
    fields: `
      metadata.annotations map
      metadata.labels map
    `,
  },
  // Kept unmodeled: an object of another router (Contour) or a policy attached by targetRefs/targetSelectors (Envoy
  // Gateway); only their metadata is read by the reader, the rest by src/analysis/unmodeled as plain data.
  {
    kind: 'HTTPProxy',
    source: 'https://projectcontour.io/docs/main/config/api/#projectcontour.io/v1.HTTPProxy',
    fields: `
      metadata.annotations map
      metadata.labels map
    `,
  },
  {
    kind: 'SecurityPolicy',
    source: 'https://gateway.envoyproxy.io/docs/api/extension_types/#securitypolicy',
    fields: `
      metadata map
      metadata.annotations map
      metadata.labels map
      spec.authorization map
      spec.authorization.defaultAction string
      spec.authorization.rules list
      spec.authorization.rules.*.action string
      spec.authorization.rules.*.name string
      spec.authorization.rules.*.operation.methods list
      spec.authorization.rules.*.operation.methods.* string
      spec.authorization.rules.*.principal.clientCIDRs list
      spec.authorization.rules.*.principal.clientCIDRs.* string
      spec.targetRef map
      spec.targetRef.group string
      spec.targetRef.kind string
      spec.targetRef.name string
      spec.targetRef.sectionName string
      spec.targetRefs list
      spec.targetRefs.*.group string
      spec.targetRefs.*.kind string
      spec.targetRefs.*.name string
      spec.targetRefs.*.sectionName string
    `,
  },
];
