/**
 * An ingress controller (ingress-nginx, Traefik, Contour's Envoy, HAProxy…) whose pods carry an injected mesh proxy:
 * the proxy judges the connection from outside on its way in (rule mesh-ingress-controller-inbound), and what it
 * sees on the way out — an endpoint address the controller picked, or the Service — decides the mesh routing and
 * (Istio) the transport to the backend (rule mesh-ingress-controller-upstream). Such a controller is no Istio
 * gateway proxy: PeerAuthentication governs its sidecar as any other.
 * https://linkerd.io/2/tasks/using-ingress/
 * https://istio.io/latest/docs/ops/configuration/traffic-management/traffic-routing/
 */
import { compileMesh } from '../mesh/index.ts';
import type { Via } from '../route/index.ts';
import type { ControllerProfile } from '../../model/routing.ts';
import type { Pod, Protocol, Service } from '../../model/types.ts';
import type { HttpRequest, Party } from '../policy/index.ts';
import type { TraceContext } from './_context.ts';
import type { Target } from './_policy.ts';
import type { Delivery, Fix, Hop } from './types.ts';
import { meshInboundHops } from './_mesh-inbound.ts';
import { servesIstioGateway } from './_istio-gateway.ts';
import { istioClassGateway } from './_istio-gateway-authz.ts';
import { sidecarLeg, type SidecarLeg } from './_mesh.ts';
import { excludeInboundPorts } from '../mesh/istio/_inbound-capture.ts';

const nginx = 'nginx.ingress.kubernetes.io/';
export const serviceUpstream = `${nginx}service-upstream`;
export const upstreamVhost = `${nginx}upstream-vhost`;
const linkerdInject = 'linkerd.io/inject';

/**
 * The mesh hops at the controller's pods for a connection from outside (`client`: the address the pods see): the
 * proxy's mTLS mode and authorization, as at any meshed server — Istio: the PeerAuthentication selecting the pods
 * (STRICT refuses the load balancer's plaintext unless the port is left out of the sidecar's inbound capture),
 * AuthorizationPolicies; Linkerd: the pod's inbound policy (default policy, Server and authorizations). Pods an Istio
 * Gateway or an `istio` class Gateway runs are judged by the gateway's own hops, not here. No hops when no pod runs
 * a judged proxy.
 */
export function controllerInboundHops(
  ctx: TraceContext,
  client: Party,
  opts: {
    readonly targets: readonly Target[];
    readonly delivered: readonly Delivery[];
    readonly protocol: Protocol;
    readonly via?: Via;
    readonly http?: HttpRequest;
    /** Where, for the hop titles: `the pods behind ns/name`. */
    readonly at: string;
  },
): { hops: Hop[]; delivered: Delivery[]; reason?: string; fix?: Fix } {
  const pods = opts.targets.map((t) => t.pod).filter((p): p is Pod => !!p);
  if (
    !ctx.model.mesh?.name ||
    servesIstioGateway(ctx, pods) ||
    (opts.via && istioClassGateway(ctx.model, opts.via))
  )
    return { hops: [], delivered: [...opts.delivered] };
  const r = meshInboundHops(ctx, client, opts.targets, opts.delivered, opts.protocol, { http: opts.http });
  const hops = r.hops.map((h) => ({ ...h, title: `${h.title} at ${opts.at}` }));
  if (r.delivered.length || !r.fix || ctx.model.mesh.name !== 'istio' || client.kind === 'pod')
    return { ...r, hops };
  // An outside client cannot be given a proxy: the fix is on the controller's side.
  const refused = r.reason?.includes('refuses plaintext');
  const port = opts.delivered[0]?.port;
  return {
    ...r,
    hops,
    fix: refused
      ? {
          summary: `leave port ${port} out of the sidecar's inbound capture on ${opts.at} (pod annotation ${excludeInboundPorts}: "${port}"), or give those pods a PeerAuthentication with mode PERMISSIVE for that port (portLevelMtls)`,
        }
      : r.fix,
  };
}

/** How the controller addresses a backend: each endpoint's pod address, the Service's ClusterIP, or not known. */
export type ControllerAddressing =
  | { readonly kind: 'endpoints'; readonly why: string }
  | { readonly kind: 'service'; readonly why: string; readonly hostHeader?: string }
  | { readonly kind: 'unknown'; readonly why: string };

/**
 * How the controller behind `via` sends a request its route gave to a backend. ingress-nginx puts every endpoint's
 * pod address in its upstream unless the winning Ingress says `nginx.ingress.kubernetes.io/service-upstream: "true"`
 * (one upstream: the Service's ClusterIP and port); `upstream-vhost` replaces the Host header it sends. Other
 * controllers: not modeled.
 * https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#service-upstream
 * https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#custom-nginx-upstream-vhost
 */
export function controllerAddressing(
  ctx: TraceContext,
  route: { readonly via: Via; readonly profile?: ControllerProfile; readonly winner?: string },
): ControllerAddressing {
  const name = route.via.kind === 'gateway' ? `${route.via.namespace}/${route.via.name}` : route.via.name;
  if (route.via.kind !== 'ingress-class' || route.profile !== 'ingress-nginx')
    return {
      kind: 'unknown',
      why: `whether the ${route.via.kind} ${name} controller sends to the endpoints' pod addresses or to the Service's ClusterIP is not modeled by kubetwin; the mesh proxy in its pods routes (and, under Istio, secures) the two differently`,
    };
  const ing = (ctx.model.routing?.ingresses ?? []).find((i) => i.key === route.winner);
  const up = ing?.annotations[serviceUpstream];
  const vhost = ing?.annotations[upstreamVhost];
  if (up === 'true')
    return {
      kind: 'service',
      why: `${ing!.key} sets ${serviceUpstream}: "true": ingress-nginx sends to the Service's ClusterIP and port`,
      ...(vhost ? { hostHeader: vhost } : {}),
    };
  return {
    kind: 'endpoints',
    why: `ingress-nginx sends to each endpoint's pod address (${ing ? `${ing.key} does not set ${serviceUpstream}: "true"` : 'no Ingress rule names the request'})`,
  };
}

/** The Host the controller sends: `upstream-vhost` when set, else the request's. Lower case, without a port. */
const hostOf = (h: string) => h.toLowerCase().replace(/:\d+$/, '');

/**
 * What the mesh proxy of a controller pod does with the request the controller sends to `service:port`, as a hop:
 * - Linkerd in the default mode (`linkerd.io/inject: enabled`) honours the controller's choice: to an endpoint address
 *   it sends mTLS with the controller's identity and applies no Service routing (HTTPRoute, ServiceProfile); to the
 *   ClusterIP (service-upstream) it routes by the Service. In ingress mode (`linkerd.io/inject: ingress`) it routes by
 *   the `l5d-dst-override` header, else the Host header, whatever the address: a Host naming the Service routes by
 *   it; another name (the outside host) or a header kubetwin does not see is unknown.
 * - Istio routes HTTP by the port and Host header: to an endpoint address no VirtualService or DestinationRule of the
 *   Service applies, and whether the sidecar uses mTLS for a pod address is judged at the server as for any pod
 *   address; to the ClusterIP with a Host naming the Service, the sidecar routes it as a request for the Service;
 *   with another Host (the outside name, ingress-nginx's default) the route istiod builds for that Host decides —
 *   not modeled, unknown.
 * `podAddressed`: judge the server's proxy as for a connection to the pod address (no Service).
 */
export function controllerUpstreamLeg(
  ctx: TraceContext,
  pod: Pod,
  next: {
    readonly service: Service;
    readonly port: number;
    readonly addressing: ControllerAddressing;
    readonly request: { readonly host: string; readonly path: string; readonly method?: string };
  },
): { hop: Hop; podAddressed: boolean; side?: SidecarLeg } | undefined {
  const mesh = compileMesh(ctx.model);
  const proxy = mesh.sidecar(pod);
  if (!mesh.name || !proxy.meshed) return undefined;
  const { service: svc, addressing: a } = next;
  const label = `${pod.namespace}/${pod.name}`;
  const fqdn = `${svc.name}.${svc.namespace}.svc.${ctx.model.profile.clusterDomain}`;
  // The Host names a sidecar resolves to the Service: Istio's virtual hosts list the short name only for clients of
  // the Service's namespace; Linkerd's ingress mode reads a fully qualified name.
  const names = new Set(
    mesh.name === 'linkerd'
      ? [fqdn]
      : [
          ...(pod.namespace === svc.namespace ? [svc.name] : []),
          `${svc.name}.${svc.namespace}`,
          `${svc.name}.${svc.namespace}.svc`,
          fqdn,
        ],
  );
  const hostHeader = a.kind === 'service' && a.hostHeader ? hostOf(a.hostHeader) : hostOf(next.request.host);
  const title = `${mesh.name} proxy of controller ${label}`;
  const base = [a.why, `the controller's proxy presents its identity ${proxy.identity ?? '(none)'}`];
  const unknownHop = (why: string): { hop: Hop; podAddressed: boolean } => ({
    hop: {
      kind: 'sidecar',
      title: `${title}: unknown`,
      verdict: 'warn',
      details: [...base, `unknown: ${why}`],
      objects: [{ key: pod.owner ?? pod.key, source: pod.source }],
      unknown: [why],
    },
    podAddressed: a.kind !== 'service',
  });
  const routeBy = (host: string, why: string) => {
    const side = sidecarLeg(ctx, pod, {
      host,
      port: next.port,
      path: next.request.path,
      method: next.request.method,
    });
    if (!side) return undefined;
    return { hop: { ...side.hop, details: [...base, why, ...side.hop.details] }, podAddressed: false, side };
  };
  if (mesh.name === 'linkerd') {
    const ns = ctx.model.namespaces.find((n) => n.name === pod.namespace);
    const ingressMode = (pod.annotations[linkerdInject] ?? ns?.annotations[linkerdInject]) === 'ingress';
    if (ingressMode) {
      if (!names.has(hostHeader))
        return unknownHop(
          `${label} runs the linkerd proxy in ingress mode (${linkerdInject}: ingress): it routes by the l5d-dst-override header, else the Host header, here ${hostHeader}, which is not the Service's fully qualified name ${fqdn}; whether the controller sets l5d-dst-override (a configuration snippet, a middleware) is not modeled by kubetwin`,
        );
      return (
        routeBy(
          hostHeader,
          `ingress mode (${linkerdInject}: ingress): the proxy routes by the Host header ${hostHeader}, which names Service ${svc.namespace}/${svc.name}`,
        ) ?? unknownHop(`the linkerd proxy of ${label} gives no route for ${hostHeader}`)
      );
    }
    if (a.kind === 'service')
      return (
        routeBy(
          fqdn,
          'default mode: the proxy routes a connection to the ClusterIP by its Service (HTTPRoutes and ServiceProfiles apply)',
        ) ?? unknownHop(`the linkerd proxy of ${label} gives no route for ${fqdn}`)
      );
    if (a.kind === 'unknown') return unknownHop(a.why);
    return {
      hop: {
        kind: 'sidecar',
        title: `${title}: endpoint address, no Service routing`,
        verdict: 'ok',
        details: [
          ...base,
          "default mode: the proxy honours the controller's choice of endpoint, sends mTLS to it with the controller's identity, and applies no Service routing (no HTTPRoute parented to the Service, no ServiceProfile)",
        ],
        objects: [{ key: pod.owner ?? pod.key, source: pod.source }],
      },
      podAddressed: true,
    };
  }
  if (a.kind === 'unknown') return unknownHop(a.why);
  if (a.kind === 'service') {
    if (!names.has(hostHeader))
      return unknownHop(
        `the istio sidecar of ${label} routes the request for the ClusterIP by its Host header ${hostHeader}, which names no Service of the mesh: the route istiod builds for that Host (its passthrough cluster, without mTLS, when none matches) is not modeled by kubetwin; ${upstreamVhost}: ${fqdn} makes it a request for the Service`,
      );
    return (
      routeBy(
        hostHeader,
        `the sidecar routes by the Host header ${hostHeader}, which names Service ${svc.namespace}/${svc.name}`,
      ) ?? unknownHop(`the istio sidecar of ${label} gives no route for ${hostHeader}`)
    );
  }
  return {
    hop: {
      kind: 'sidecar',
      title: `${title}: endpoint address, no Service routing`,
      verdict: 'ok',
      details: [
        ...base,
        `the sidecar sees a pod address with Host ${hostHeader}: the VirtualServices and DestinationRules of Service ${svc.namespace}/${svc.name} do not apply; the server's proxy judges it as a connection to a pod address`,
      ],
      objects: [{ key: pod.owner ?? pod.key, source: pod.source }],
    },
    podAddressed: true,
  };
}
