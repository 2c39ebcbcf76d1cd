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
import type { ClusterModel, Protocol, Service } from '../../model/types.ts';
import { unheldPodAddress, type HttpRequest } from '../policy/index.ts';
import type { TraceContext } from './_context.ts';
import { ingressesAt } from './_cloud-ingress.ts';
import { gkeClass } from './_gke-ingress.ts';
import { gatewayAtAddress } from './_gateway-host.ts';
import { missingCiliumLoadBalancers } from './_cilium-ingress.ts';

/** What holds an address: in words, and whether kube-proxy captures a pod's connection to it instead. */
export interface ProxyHolder {
  /** `the load balancer of Ingress default/web (its status.loadBalancer)`. */
  readonly text: string;
  /** True when only a client outside the cluster goes through the proxy (a pod's connection is kube-proxy's). */
  readonly outsideOnly: boolean;
  /** True when the proxy picks the backend by the HTTP request (an Ingress's load balancer). */
  readonly byRequest?: boolean;
  /**
   * True when a pod's connection is followed too, out of the cluster and back in through the load balancer (ipMode
   * Proxy: trace's `podToProxyModeLoadBalancer`).
   */
  readonly podsFollowed?: boolean;
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
    return { text: `the load balancer of ${svc} (ipMode: Proxy)`, outsideOnly: false, podsFollowed: true };
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
      byRequest: true,
    };
  // A name the profile's externalHosts resolves (public DNS) to an address held in the cluster: that address's path.
  if (!ip)
    for (const a of model.profile.externalHosts[name] ?? []) {
      const at = canonicalIP(a);
      const captured =
        at &&
        model.services.find(
          (s) =>
            ((s.type === 'LoadBalancer' && s.loadBalancerIngress.includes(at)) ||
              s.externalIPs.includes(at)) &&
            serves(s),
        );
      const held = captured
        ? `the ${captured.externalIPs.includes(at!) ? 'externalIP' : 'load-balancer address'} of Service ${captured.namespace}/${captured.name}`
        : at && proxyAtAddress(ctx, at, port, protocol)?.text;
      if (held) return { text: `at ${at} (the profile's externalHosts), ${held}`, outsideOnly: false };
    }
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

/**
 * A GKE Ingress without rules sends every request to its defaultBackend (one load balancer per Ingress), so the
 * request does not matter: `GET /` stands for any. Undefined for any other holder (its routing needs the request).
 * https://kubernetes.io/docs/concepts/services-networking/ingress/#default-backend
 */
export function anyRequestAt(model: ClusterModel, address: string): HttpRequest | undefined {
  const at = ingressesAt(model, address);
  if (at.length !== 1 || !gkeClass(at[0]) || at[0].rules.length || !at[0].defaultBackend) return undefined;
  return { method: 'GET', path: '/' };
}
