/**
 * A cloud load balancer that proxies to an Istio ingress gateway (a GKE Ingress whose backend is the gateway's
 * Service, "from edge to mesh"; an ALB in front of it): the load balancer's connection ends at the gateway's Envoy,
 * which judges the request with the AuthorizationPolicies that select its pods (its namespace's and the root
 * namespace's; a DENY that matches, or ALLOW policies none of which matches, answer 403 before any route) and then
 * routes it by its Gateway servers and VirtualServices to the Service the request is for. The request is not
 * delivered at the gateway pods: it goes on to that Service.
 * https://cloud.google.com/architecture/exposing-service-mesh-apps-through-gke-ingress
 * https://istio.io/latest/docs/reference/config/security/authorization-policy/
 * The gateway sees the load balancer's address (the Google Front Ends' ranges, the ALB's private address), never the
 * client's: a policy rule on the source address is unknown. The Gateway server is matched on the Service port the
 * load balancer targets (istiod maps a server's port to the Service port of the gateway's pods), over the backend
 * protocol the load balancer speaks (GKE: `cloud.google.com/app-protocols`, HTTP unless HTTPS or HTTP2).
 */
import type { Pod, Service } from '../../model/types.ts';
import type { FlowTarget } from '../flows/index.ts';
import type { TraceContext } from './_context.ts';
import { istioGatewayAuthz } from './_istio-gateway-authz.ts';
import { istioGatewayLeg, servesIstioGateway } from './_istio-gateway.ts';
import { routerFor, type Leg } from './_north-south.ts';

/** The load balancer in front of the pods: who opens the connection they see, and what protocol it speaks. */
export interface ProxyingLoadBalancer {
  /** Where the connection comes from, as the pods see it: `the Google Front End proxies' addresses (…)`. */
  readonly from: string;
  /** The protocol of the load balancer's connection to the backend. */
  readonly scheme: 'http' | 'https';
}

/**
 * `leg` reached the pods behind `svc` port `port` through `lb`: when they are an Istio ingress gateway and the
 * request is HTTP(S), the gateway's authorization and routing follow (the leg's `next` is the routed Service);
 * otherwise `leg` is returned as it is.
 */
export function throughProxiedIstioGateway(
  ctx: TraceContext,
  leg: Leg,
  a: {
    readonly url: Extract<FlowTarget, { kind: 'url' }>;
    readonly svc: Service;
    readonly port: number;
    readonly lb: ProxyingLoadBalancer;
  },
): Leg {
  const reached = leg.candidates ?? [];
  const pods = reached.map((c) => c.pod).filter((p): p is Pod => !!p);
  if (leg.reason || !pods.length) return leg;
  if (!servesIstioGateway(ctx, pods)) return routerNotFollowed(ctx, leg, pods, a.port);
  const hops = [...leg.hops];
  const gateways = reached.map((c) => ({
    label: c.pod ? `${c.pod.namespace}/${c.pod.name}` : c.address,
    address: c.address,
    port: c.port,
    ...(c.pod ? { pod: c.pod } : {}),
  }));
  const http = { method: a.url.method || 'GET', path: a.url.path, headers: { host: a.url.host } };
  const authz = istioGatewayAuthz(ctx, gateways, {
    sources: undefined,
    proxiedFrom: a.lb.from,
    http,
    scheme: a.lb.scheme,
  });
  hops.push(...authz.hops);
  if (authz.denied)
    return { hops, reason: authz.denied.reason, ...(authz.denied.fix ? { fix: authz.denied.fix } : {}) };
  return istioGatewayLeg(ctx, hops, pods, {
    scheme: a.lb.scheme,
    host: a.url.host,
    port: a.port,
    path: a.url.path,
    method: http.method,
  });
}

/**
 * The protocol GKE's load balancer speaks to a Service port: `cloud.google.com/app-protocols` maps port names to
 * HTTP, HTTPS or HTTP2 (HTTP/2 over TLS); without an entry, HTTP.
 * https://cloud.google.com/kubernetes-engine/docs/how-to/ingress-configuration#https_tls_between_load_balancer_and_your_application
 */
export function gkeBackendScheme(svc: Service, port: number): 'http' | 'https' {
  const text = svc.annotations['cloud.google.com/app-protocols'];
  const name = svc.ports.find((p) => p.port === port)?.name;
  if (!text || !name) return 'http';
  try {
    const v: unknown = JSON.parse(text);
    const proto = v && typeof v === 'object' ? (v as Record<string, unknown>)[name] : undefined;
    return proto === 'HTTPS' || proto === 'HTTP2' ? 'https' : 'http';
  } catch {
    return 'http';
  }
}

/**
 * Pods behind the load balancer that are another L7 router (an Ingress controller's, a Gateway's): the request goes
 * on through that router's rules, which this path does not follow, so where it lands is unknown — not delivered at
 * the router's pods.
 */
function routerNotFollowed(ctx: TraceContext, leg: Leg, pods: readonly Pod[], port: number): Leg {
  const via = routerFor(ctx, pods, port);
  if (!via) return leg;
  const name =
    via.kind === 'gateway'
      ? `Gateway ${via.namespace}/${via.name}`
      : via.kind === 'ingress-class'
        ? `IngressClass ${via.name}`
        : `the OpenShift router ${via.name}`;
  const why = `the pods the load balancer reaches serve ${name}, an L7 router: the request goes on by its rules, which kubetwin does not follow behind a cloud load balancer (kubetwin route answers that hop)`;
  return {
    ...leg,
    hops: [
      ...leg.hops,
      {
        kind: 'route',
        title: `${name}: not followed behind the load balancer`,
        verdict: 'warn',
        details: [why],
        objects: [],
        unknown: [why],
      },
    ],
  };
}
