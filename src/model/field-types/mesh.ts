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
      spec.http.*.directResponse map
      spec.http.*.fault map
      spec.http.*.match list
      spec.http.*.match.*.authority map
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
      spec.http.*.match.*.uri.regex string
      spec.http.*.match.*.withoutHeaders map
      spec.http.*.mirror.host string
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
      spec.tls list
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
      spec.trafficPolicy map
      spec.trafficPolicy.loadBalancer.simple string
      spec.trafficPolicy.tls.mode string
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
      spec.selector map
    `,
  },
  {
    kind: 'AuthorizationPolicy',
    source: 'https://istio.io/latest/docs/reference/config/security/authorization-policy/',
    fields: `
      metadata.annotations map
      metadata.labels map
      spec.action string
      spec.rules list
      spec.rules.*.from list
      spec.rules.*.from.*.source.principals list
      spec.rules.*.from.*.source.principals.* string
      spec.rules.*.to list
      spec.rules.*.to.*.operation.methods list
      spec.rules.*.to.*.operation.methods.* string
      spec.rules.*.to.*.operation.paths list
      spec.rules.*.to.*.operation.paths.* string
      spec.rules.*.when list
      spec.selector map
      spec.selector.matchLabels map
      spec.selector.matchLabels.* string
    `,
  },
  {
    kind: 'Sidecar',
    source: 'https://istio.io/latest/docs/reference/config/networking/sidecar/',
    fields: `
      metadata.annotations map
      metadata.labels map
    `,
  },
];
