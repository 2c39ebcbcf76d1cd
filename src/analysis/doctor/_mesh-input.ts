import type { DoctorRule, Finding } from './types.ts';

/** The mesh builder's warnings about objects that do not do what they say, with what each breaks. */
const carried: Readonly<Record<string, string>> = {
  'serviceprofile-unknown-field':
    'Linkerd ignores the field: the retries or settings it was meant to configure do not happen',
  'mesh-unknown-subset':
    'requests routed to the subset get 503 from the sidecar (connections by tcp/tls rules are closed)',
  'mesh-unknown-host':
    'requests routed to the host get 503 from the sidecar, connections are closed (no cluster for it)',
  'mesh-unknown-gateway': 'the VirtualService routes nothing through the Gateway it names',
  'mesh-gateway-host-mismatch': 'the gateway does not use the VirtualService: its requests get 404',
  'istio-gateway-server-unbound':
    'every request to the server gets 404 from the gateway (a TCP or PASSTHROUGH server closes every connection)',
  'mesh-deprecated-field':
    'works today with a narrower meaning than its name says, and goes away in a future release',
};

/**
 * Mesh objects that misstate what the mesh does, found while reading them: a ServiceProfile route field
 * Linkerd does not define (https://linkerd.io/2.15/reference/service-profiles/), a VirtualService routing to a
 * subset no DestinationRule defines or to a host that is neither a Service nor a ServiceEntry host (IST0101,
 * https://istio.io/latest/docs/reference/config/analysis/ist0101/), and deprecated DestinationRule fields
 * (`outlierDetection.consecutiveErrors`).
 */
export const meshInput: DoctorRule = {
  code: 'mesh-input',
  severity: 'warning',
  emits: Object.keys(carried),
  summary:
    'ServiceProfile route fields Linkerd does not define, VirtualService routes to unknown subsets or hosts, VirtualServices naming unknown Istio Gateways or hosts they do not serve, Gateway servers no VirtualService binds, deprecated DestinationRule fields',
  check: ({ diagnostics }) =>
    (diagnostics ?? [])
      .filter((d) => d.code in carried)
      .map((d): Finding => ({
        code: d.code,
        severity: d.severity,
        message: d.message,
        objects: [{ key: d.object ?? d.source?.file ?? '', source: d.source }],
        breaks: carried[d.code],
        fix: d.hint ?? 'See the message.',
      })),
};
