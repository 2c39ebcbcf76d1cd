import type { Pod, Protocol, Service } from '../../model/types.ts';
import type { TraceContext } from './_context.ts';
import type { Fix, Hop } from './types.ts';

/** A pod's way out to a load balancer with `ipMode: Proxy`: its egress hop, the stand-in source past it, or why it stops. */
export interface ToProxyModeLoadBalancer {
  readonly hops: Hop[];
  readonly service: Service;
  /** The address the trace goes on from past the load balancer, as from outside: the pod's node's. */
  readonly source: string;
  readonly reason?: string;
  readonly fix?: Fix;
}

/**
 * A pod's connection to a Service's load-balancer address with `ipMode: Proxy` (rule
 * `load-balancer-address-proxy-mode`): kube-proxy does not capture it ("kube-proxy does not bind the load balancer
 * IP to nodes, and traffic is instead sent to the load balancer", KEP-1860; the proxiers leave such an address out of
 * their rules), so it leaves the cluster through the pod's egress — which judges the load-balancer address itself,
 * no DNAT having happened — and comes back in through the load balancer as from outside (`northSouth`), from the
 * address it left the cluster with. That stands as the pod's node's (most CNIs masquerade a pod's traffic to an
 * address outside the cluster to it); the load balancer's source ranges, and with externalTrafficPolicy Local the
 * endpoints' ingress policies, decide by that address, which the model does not hold: unknown where they judge it.
 * Undefined when `address` is no such address of a Service serving `port`.
 * https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-ip-mode
 * https://github.com/kubernetes/enhancements/tree/master/keps/sig-network/1860-kube-proxy-IP-node-binding
 */
export function podToProxyModeLoadBalancer(
  ctx: TraceContext,
  pod: Pod,
  target: {
    readonly address: string;
    readonly port: number;
    readonly protocol: Protocol;
    /** Whether anything judges the source address at the Service's endpoints (an ingress-isolated one, admin policies). */
    readonly sourceJudged: (svc: Service) => boolean;
  },
): ToProxyModeLoadBalancer | undefined {
  const { address, port, protocol } = target;
  const service = ctx.model.services.find(
    (s) =>
      s.type === 'LoadBalancer' &&
      s.loadBalancerProxied?.includes(address) &&
      s.ports.some((p) => p.port === port && p.protocol === protocol),
  );
  if (!service || !pod.ip) return undefined;
  const name = `Service ${service.namespace}/${service.name}`;
  const node = ctx.model.nodes.find((n) => n.name === pod.nodeName)?.internalIP;
  const source = node ?? pod.ip;
  const objects = [{ key: service.key, source: service.source }];
  const v = ctx.engine.explain({ kind: 'pod', pod }, { kind: 'ip', ip: address }, port, protocol, false);
  const where = `egress from ${pod.namespace}/${pod.name} to ${address}:${port}/${protocol}`;
  const notCaptured = `${address} is the load-balancer address of ${name} with ipMode Proxy: kube-proxy does not capture it, so the connection leaves the cluster for the load balancer and comes back in through it; the pod's egress policies judge ${address} itself`;
  if (!v.egress.allowed) {
    const isolating = v.egress.isolatedBy.map((i) => i.policy);
    const reason = `${where} is denied (isolated by ${isolating.join(', ')})`;
    return {
      hops: [
        {
          kind: 'policy',
          title: `${where}: denied`,
          verdict: 'fail',
          details: [notCaptured, reason],
          objects: [...objects, ...isolating.map((key) => ({ key }))],
          destinations: [{ target: address, port }],
        },
      ],
      service,
      source,
      reason,
      fix: {
        summary: `allow egress from ${pod.namespace}/${pod.name} to ${address}/32 on ${port}/${protocol} (the load balancer of ${name})`,
      },
    };
  }
  const unknown: string[] = [];
  const ranges = [
    ...(service.loadBalancerSourceRanges ?? []),
    ...(service.loadBalancerSourceRangesAnnotation ?? []),
  ];
  const leftWith = `the address the connection leaves the cluster with (its node's ${source} after the CNI's masquerade, the pod's own, or a NAT gateway's) is not in the input`;
  if (ranges.length)
    unknown.push(`the load balancer of ${name} admits only the sources [${ranges.join(', ')}]: ${leftWith}`);
  if (service.externalTrafficPolicy === 'Local' && target.sourceJudged(service))
    unknown.push(
      `with externalTrafficPolicy Local the endpoints of ${name} judge the address the load balancer connects from (its own, or the one the connection left the cluster with), which the model does not hold: the policy hop below judges ${source} in its place`,
    );
  return {
    hops: [
      {
        kind: 'policy',
        title: `${where}: allowed — out to the load balancer (ipMode Proxy), and back in through it`,
        verdict: unknown.length ? 'warn' : 'ok',
        details: [
          notCaptured,
          `past the load balancer the trace goes on as from outside, from ${source} (${pod.nodeName ? `node ${pod.nodeName}` : 'the pod'})`,
        ],
        objects,
        ...(unknown.length ? { unknown } : {}),
      },
    ],
    service,
    source,
  };
}
