/**
 * reach's answer for an address a load balancer or proxy holds: a client there does not talk to "an outside host"
 * but through the proxy to the pods behind it, whose policies judge the connection the proxy opens. Followed with
 * trace's north-south leg (`northSouth`), so reach and trace give one answer:
 * - an Ingress's `status.loadBalancer` address or hostname with no Service carrying it: the cloud's load balancer is
 *   the router (AWS Load Balancer Controller ALB, GKE; others unknown) —
 *   https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/#IngressStatus;
 * - a Service's load-balancer hostname (`status.loadBalancer.ingress[].hostname`, an AWS ELB's DNS name);
 * - a Service's load-balancer address with `ipMode: Proxy` (kube-proxy leaves it to the load balancer,
 *   https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-ip-mode) or, from outside, with
 *   target type ip (the NLB connects to the pods itself,
 *   https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/service/annotations/#nlb-target-type);
 * - a Gateway's address no Service of the input carries, and an address that may be the load balancer Cilium's
 *   operator makes for an Ingress or Gateway (not in the input): unknown.
 */
import { canonicalIP } from '../../lib/ip.ts';
import type { Protocol, Service } from '../../model/types.ts';
import type { FlowTarget } from '../flows/index.ts';
import { unheldPodAddress, type HttpRequest } from '../policy/index.ts';
import type { TraceContext } from './_context.ts';
import { ingressesAt } from './_cloud-ingress.ts';
import { gkeClass } from './_gke-ingress.ts';
import { gatewayAtAddress } from './_gateway-host.ts';
import { missingCiliumLoadBalancers } from './_cilium-ingress.ts';
import { northSouth } from './_north-south.ts';
import type { Hop } from './types.ts';

/** What holds an address: in words, and whether kube-proxy captures a pod's connection to it instead. */
export interface ProxyHolder {
  /** `the load balancer of Ingress default/web (its status.loadBalancer)`. */
  readonly text: string;
  /** True when only a client outside the cluster goes through the proxy (a pod's connection is kube-proxy's). */
  readonly outsideOnly: boolean;
}

/**
 * The load balancer or proxy that holds `address` (an IP or a DNS name) on `port`, where reach's own resolution
 * would take it for an outside host or a kube-proxy path that is not the one taken; undefined otherwise.
 */
export function proxyAtAddress(
  ctx: Pick<TraceContext, 'model' | 'engine'>,
  address: string,
  port: number,
  protocol: Protocol,
): ProxyHolder | undefined {
  const model = ctx.model;
  const ip = canonicalIP(address);
  const name = address.toLowerCase().replace(/\.$/, '');
  // A pod's, a cluster IP's, a node's address or one in the pod range is no load balancer's.
  if (
    ip &&
    (model.pods.some((p) => p.ips.includes(ip)) ||
      model.services.some((s) => s.clusterIPs.includes(ip)) ||
      model.nodes.some((n) => n.internalIP === ip) ||
      unheldPodAddress(model, { kind: 'ip', ip }))
  )
    return undefined;
  const serves = (s: Service) => s.ports.some((p) => p.port === port && p.protocol === protocol);
  const owner = model.services.find(
    (s) => s.type === 'LoadBalancer' && s.loadBalancerIngress.includes(ip ?? name) && serves(s),
  );
  const svc = owner && `Service ${owner.namespace}/${owner.name}`;
  if (owner && !ip)
    return { text: `the load balancer of ${svc} (its status.loadBalancer hostname)`, outsideOnly: false };
  if (owner && ip && owner.loadBalancerProxied?.includes(ip))
    return { text: `the load balancer of ${svc} (ipMode: Proxy)`, outsideOnly: false };
  if (owner && owner.loadBalancerTargets?.type === 'ip')
    return {
      text: `the load balancer of ${svc} (target type ip: ${owner.loadBalancerTargets.by})`,
      outsideOnly: true,
    };
  if (owner || (ip && model.services.some((s) => s.externalIPs.includes(ip)))) return undefined;
  const ingresses = ingressesAt(model, ip ?? name);
  if (ingresses.length)
    return {
      text: `the load balancer of Ingress ${ingresses.map((i) => `${i.namespace}/${i.name}`).join(', ')} (its status.loadBalancer)`,
      outsideOnly: false,
    };
  const gateway = ip ? gatewayAtAddress(model, ip, port) : undefined;
  if (gateway)
    return { text: `Gateway ${gateway.namespace}/${gateway.name} (${gateway.from})`, outsideOnly: false };
  const unplaced = ip ? missingCiliumLoadBalancers(ctx) : [];
  if (unplaced.length)
    return {
      text: `perhaps the load balancer of ${unplaced.join('; or ')} — not in the input`,
      outsideOnly: false,
    };
  return undefined;
}

/** One client's way through the proxy: whether it reaches pods, the hops as lines, and why when not. */
export interface FollowedAddress {
  /** What the modeled objects decide: the connection reaches pods behind the proxy. */
  readonly delivered: boolean;
  /** The hops, one line each (`[ok] load-balancer: …`), the policy hop's and a failing hop's details indented. */
  readonly lines: readonly string[];
  readonly reason?: string;
  /** What the input does not decide, in words (the hops' `unknown`): non-empty makes the answer unknown. */
  readonly unknown: readonly string[];
  /** Unknown for want of an HTTP request: an Ingress's load balancer routes by host and path. */
  readonly needsRequest?: boolean;
}

/**
 * Follows a connection from `clientIP` outside the cluster to `address` on `port` as trace does: the load balancer,
 * its routing (the HTTP request `http` when given: an L7 proxy needs one to pick a backend), its backends and the
 * policies at the pods with the source address they see. A hop the input cannot decide lists why in `unknown`.
 */
export function followFromOutside(
  ctx: TraceContext,
  clientIP: string,
  q: {
    readonly address: string;
    readonly port: number;
    readonly protocol: Protocol;
    readonly http?: HttpRequest;
  },
): FollowedAddress {
  const request = q.http ?? everyRequestAlike(ctx, q.address);
  const leg = northSouth(ctx, clientIP, targetOf(q, request));
  const unknown = [...new Set(leg.hops.flatMap((h) => h.unknown ?? []))].sort();
  const delivered = !!leg.candidates?.length || !!leg.next;
  const lines = leg.hops.flatMap(hopLines);
  if (!q.http && request)
    lines.unshift(
      `every request goes to the defaultBackend of the Ingress at ${q.address} (it has no rules): followed with ${request.method} ${request.path}`,
    );
  const needsRequest = !request && unknown.length > 0 && ingressesAt(ctx.model, q.address).length > 0;
  if (delivered || leg.reason)
    return {
      delivered,
      lines,
      unknown,
      ...(leg.reason && !delivered ? { reason: leg.reason } : {}),
      ...(needsRequest ? { needsRequest } : {}),
    };
  // Answered by the load balancer itself (a redirect): no backend is reached, and reach's question has no answer.
  const why = `${q.address} answers the request itself (${leg.hops[leg.hops.length - 1]?.title ?? 'no backend'}): no backend is reached`;
  return { delivered, lines, reason: why, unknown: [...unknown, why] };
}

/**
 * A GKE Ingress without rules sends every request to its defaultBackend (one load balancer per Ingress), so the
 * request does not matter: `GET /` stands for any. Undefined for any other holder (its routing needs the request).
 * https://kubernetes.io/docs/concepts/services-networking/ingress/#default-backend
 */
function everyRequestAlike(ctx: TraceContext, address: string): HttpRequest | undefined {
  const at = ingressesAt(ctx.model, address);
  if (at.length !== 1 || !gkeClass(at[0]) || at[0].rules.length || !at[0].defaultBackend) return undefined;
  return { method: 'GET', path: '/' };
}

function targetOf(
  q: { readonly address: string; readonly port: number; readonly protocol: Protocol },
  http: HttpRequest | undefined,
): Extract<FlowTarget, { kind: 'url' } | { kind: 'ip' }> {
  const ip = canonicalIP(q.address);
  if (http) {
    const headers = Object.fromEntries(
      Object.entries(http.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v] as const),
    );
    return {
      kind: 'url',
      scheme: q.port === 443 ? 'https' : 'http',
      host: ip?.includes(':') ? `[${ip}]` : q.address,
      port: q.port,
      path: http.path,
      protocol: 'TCP',
      method: http.method,
      ...(Object.keys(headers).length ? { headers } : {}),
    };
  }
  if (ip) return { kind: 'ip', ip, port: q.port, protocol: q.protocol };
  return {
    kind: 'url',
    scheme: q.protocol === 'UDP' ? 'udp' : 'tcp',
    host: q.address,
    port: q.port,
    path: '/',
    protocol: q.protocol,
  };
}

function hopLines(h: Hop): string[] {
  const mark = h.verdict === 'fail' ? 'FAIL' : h.verdict === 'info' ? 'info' : h.verdict;
  const head = `[${mark}] ${h.kind}: ${h.title}`;
  // A hop that passes shows its title only: its details name the client, and equal answers then print once.
  if (h.verdict === 'fail' || h.verdict === 'warn' || h.unknown?.length)
    return [head, ...h.details.map((d) => `    ${d}`)];
  return [head];
}
