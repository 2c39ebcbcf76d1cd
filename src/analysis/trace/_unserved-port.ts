import type { Protocol } from '../../model/types.ts';
import { unservedPort } from '../service-path/index.ts';
import type { TraceContext } from './_context.ts';
import type { Fix, Hop } from './types.ts';

/** A pod's connection to a Service's load-balancer address or externalIP on a port the Service does not serve. */
export interface UnservedPortLeg {
  readonly hop: Hop;
  /** Set when kube-proxy rejects it in the client's node (IPVS): the trace stops here. */
  readonly drop?: { readonly reason: string; readonly fix: Fix };
  /** Set when it leaves the cluster uncaptured: what answers there is unknown once the policies let it out. */
  readonly unknown?: string;
}

/**
 * The hop of a pod's connection to `address`:`port` where `address` is a Service's load-balancer address or
 * externalIP and no Service serves that port there (service-path `unservedPort`, rule
 * `load-balancer-address-unserved-port`): kube-proxy does not capture it, so it is no Service hop — it leaves the
 * cluster for the load balancer, or, in IPVS mode, the node rejects it. Undefined for any other address or port.
 * https://kubernetes.io/docs/reference/networking/virtual-ips/
 */
export function unservedPortLeg(
  ctx: TraceContext,
  address: string,
  port: number,
  protocol: Protocol,
): UnservedPortLeg | undefined {
  const u = unservedPort(ctx.model, address, port, protocol, { inCluster: true });
  if (!u) return undefined;
  const svc = ctx.model.services.find(
    (s) => s.loadBalancerIngress.includes(address) || s.externalIPs.includes(address),
  )!;
  const objects = [{ key: svc.key, source: svc.source }];
  const ports = svc.ports.map((p) => p.port).join(', ');
  if ('drop' in u)
    return {
      hop: {
        kind: 'service',
        title: `${address}:${port}/${protocol}: rejected in the node — Service ${svc.namespace}/${svc.name} serves no such port`,
        verdict: 'fail',
        details: [u.drop],
        objects,
      },
      drop: {
        reason: u.drop,
        fix: {
          summary: `dial one of the ports of Service ${svc.namespace}/${svc.name} (${ports}), or add port ${port}/${protocol} to it`,
        },
      },
    };
  return {
    hop: {
      kind: 'service',
      title: `${address}:${port}/${protocol}: not captured by kube-proxy — Service ${svc.namespace}/${svc.name} serves no such port`,
      verdict: 'warn',
      details: [u.unknown],
      objects,
    },
    unknown: u.unknown,
  };
}
