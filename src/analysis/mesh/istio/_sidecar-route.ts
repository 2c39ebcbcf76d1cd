/**
 * A meshed Istio client's request for a host its Sidecar does not import: the proxy has no route for it, so its
 * outbound policy decides — ALLOW_ANY: the PassthroughCluster sends the bytes as plain TCP to the address the
 * application dialed (for a Service, its ClusterIP, which kube-proxy sends on to a ready endpoint): no VirtualService,
 * no DestinationRule, no mTLS; REGISTRY_ONLY: the BlackHoleCluster (HTTP 502, a TCP connection is reset).
 * https://istio.io/latest/docs/reference/config/networking/sidecar/#OutboundTrafficPolicy
 * https://istio.io/latest/docs/tasks/traffic-management/egress/egress-control/
 * istio/istio pilot/pkg/networking/core/listener.go (PassthroughCluster, BlackHoleCluster). Pure.
 */
import { matches, selectorFromMap } from '../../../lib/labels.ts';
import { findPort } from '../../../cluster/index.ts';
import type { ClusterModel, Pod, Service } from '../../../model/types.ts';
import { resolveMeshHost, serviceFqdn } from '../_hosts.ts';
import type { MeshDecision } from '../types.ts';
import { vsForService } from './_l4-route.ts';
import {
  importsHost,
  importsVirtualService,
  scopeUnknown,
  sidecarScope,
  type SidecarScope,
} from './_sidecar-scope.ts';

export interface ScopeQuery {
  readonly scope: SidecarScope;
  /** The registry names the request's host is known by (a Service's FQDN; a ServiceEntry's host). */
  readonly hosts: readonly string[];
  /** The Service's or ServiceEntry's namespace. */
  readonly hostNs: string;
  readonly port: number;
  /** Whether a VirtualService the Sidecar imports on this port names the host. */
  readonly routed: boolean;
}

/** Notes every passthrough answer repeats. */
export const passthroughNotes = [
  'the sidecar sends it through the PassthroughCluster: plain TCP to the address the application dialed, without VirtualService routing, DestinationRule settings or mTLS',
];

/**
 * The decision when the Sidecar leaves the host out (or leaves it undecided), else undefined (imported: route as
 * usual). `passthrough(by)` builds the ALLOW_ANY answer (every ready endpoint behind the address dialed).
 */
export function outsideSidecarScope(
  q: ScopeQuery,
  common: Pick<MeshDecision, 'mesh' | 'client' | 'clientMeshed' | 'service'>,
  passthrough: (by: string) => MeshDecision,
): MeshDecision | undefined {
  const imp = importsHost(q.scope, q.hosts, q.hostNs, q.port);
  if (imp.imported === true) return undefined;
  if (imp.imported === 'unknown')
    return {
      ...passthrough('istio sidecar (whether its Sidecar imports the host is not known)'),
      unknown: imp.why,
    };
  if (q.routed)
    return {
      ...passthrough('istio sidecar (Sidecar imports a route for the host but not the host)'),
      unknown: `${imp.why}, yet a VirtualService it imports names the host: whether the proxy has a listener for port ${q.port} then rests on the other hosts it imports on that port, which kubetwin does not judge`,
    };
  const notes = [imp.why, `outbound policy: ${q.scope.modeBy}`];
  if (q.scope.mode === 'REGISTRY_ONLY')
    return {
      ...common,
      by: 'Istio sidecar BlackHoleCluster (host not imported by its Sidecar, outboundTrafficPolicy REGISTRY_ONLY)',
      status: 502,
      lost: [],
      destinations: [],
      notes: [
        ...notes,
        'REGISTRY_ONLY: the sidecar refuses hosts outside its Sidecar scope (HTTP 502; a TCP connection is reset)',
      ],
    };
  const d = passthrough(
    'Istio sidecar PassthroughCluster (host not imported by its Sidecar, outboundTrafficPolicy ALLOW_ANY)',
  );
  const odd = scopeUnknown(q.scope);
  return {
    ...d,
    ...(d.service?.kind ? {} : { passthrough: true }),
    notes: [...new Set([...notes, ...passthroughNotes, ...d.notes])],
    ...(odd ? { unknown: odd } : {}),
  };
}

/**
 * How a meshed client's connection to a Service leaves its proxy when its Sidecar leaves the Service out
 * (`passthrough`: plaintext; `blackhole`: reset; `unknown`), or undefined when the Sidecar imports it (or none
 * applies): what the server's mTLS verdict and reach rest on.
 */
export function sidecarTransport(
  model: ClusterModel,
  client: Pod,
  svc: Service,
  port: number | undefined,
): { readonly kind: 'passthrough' | 'blackhole' | 'unknown'; readonly why: string } | undefined {
  const scope = sidecarScope(model, client);
  if (!scope.sidecar || port === undefined) return undefined;
  const imp = importsHost(scope, [serviceFqdn(svc, model.profile.clusterDomain)], svc.namespace, port);
  if (imp.imported === true) return undefined;
  if (imp.imported === 'unknown') return { kind: 'unknown', why: imp.why };
  const domain = model.profile.clusterDomain;
  const routed = vsForService(model, svc, client.namespace).some((vs) =>
    importsVirtualService(
      scope,
      { namespace: vs.namespace, hosts: vs.hosts.map((h) => resolveMeshHost(h, vs.namespace, domain)) },
      port,
    ),
  );
  if (routed)
    return {
      kind: 'unknown',
      why: `${imp.why}, yet a VirtualService it imports names the Service: whether the proxy has a listener for port ${port} is not judged`,
    };
  if (scope.mode === 'REGISTRY_ONLY')
    return {
      kind: 'blackhole',
      why: `${imp.why} and the outbound policy is REGISTRY_ONLY (${scope.modeBy}): the client's sidecar sends the connection to the BlackHoleCluster`,
    };
  const odd = scopeUnknown(scope);
  if (odd) return { kind: 'unknown', why: odd };
  return {
    kind: 'passthrough',
    why: `${imp.why}: the client's sidecar sends it through the PassthroughCluster (ALLOW_ANY), as plaintext`,
  };
}

/** One Service of a server pod and what the client's Sidecar makes of it (undefined: imported, routed as usual). */
export interface ServiceTransport {
  readonly service: Service;
  readonly transport: ReturnType<typeof sidecarTransport>;
}

/**
 * How a meshed client's connection to a server pod's container port leaves its proxy when the client may address
 * any of the server's Services (what `matrix` and doctor assume): each Service of the server's namespace whose
 * selector picks it and whose TCP port targets `port`, judged by {@link sidecarTransport}. Undefined when no Sidecar
 * applies to the client, the server backs no such Service, or the Sidecar imports one of them (the client reaches
 * the server through it as usual: auto mTLS). Otherwise the kind every Service shares (`passthrough`: plaintext;
 * `blackhole`), or `unknown` when one of them is undecided. A Sidecar that narrows egress hosts sends the rest
 * through the PassthroughCluster without mTLS (istio/istio#41978; istio.io Sidecar reference, OutboundTrafficPolicy).
 */
export function sidecarTransportToPod(
  model: ClusterModel,
  client: Pod,
  server: Pod,
  port: number,
):
  ({ readonly services: readonly Service[] } & NonNullable<ReturnType<typeof sidecarTransport>>) | undefined {
  if (!sidecarScope(model, client).sidecar) return undefined;
  const each: ServiceTransport[] = [];
  for (const svc of model.services) {
    if (svc.namespace !== server.namespace || !svc.selector || !Object.keys(svc.selector).length) continue;
    if (!matches(selectorFromMap(svc.selector), server.labels)) continue;
    // The targetPort resolved as the EndpointSlice controller does (podutil.FindPort: name and protocol).
    const sp = svc.ports.find(
      (p) => p.protocol === 'TCP' && findPort(server, p.targetPort, p.protocol) === port,
    );
    if (!sp) continue;
    each.push({ service: svc, transport: sidecarTransport(model, client, svc, sp.port) });
  }
  if (!each.length || each.some((e) => !e.transport)) return undefined;
  const services = each.map((e) => e.service);
  const undecided = each.find((e) => e.transport!.kind === 'unknown');
  if (undecided) return { services, kind: 'unknown', why: undecided.transport!.why };
  const kinds = new Set(each.map((e) => e.transport!.kind));
  const first = each[0].transport!;
  if (kinds.size > 1)
    return {
      services,
      kind: 'unknown',
      why: `the client's Sidecar leaves out every Service of ${server.namespace}/${server.name} on port ${port} (${services.map((s) => s.key).join(', ')}), but they reach different listeners: ${each.map((e) => `${e.service.key} ${e.transport!.kind}`).join(', ')}`,
    };
  const names = services.map((s) => `${s.namespace}/${s.name}`).join(', ');
  return {
    services,
    kind: first.kind,
    why:
      services.length > 1
        ? `${first.why} (so for every Service of the server on this port: ${names})`
        : first.why,
  };
}
