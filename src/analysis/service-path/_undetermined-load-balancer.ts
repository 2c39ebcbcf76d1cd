import { inAddressRange } from '../../lib/ip.ts';
import type { ClusterModel, Service } from '../../model/types.ts';

/**
 * The LoadBalancer Services with a port `port` whose load-balancer address MetalLB gives but the input does not
 * decide (`Service.loadBalancerPending.undetermined`) and that may be `address`: it is in the pools they draw from,
 * or they may be given any address. A connection to that address lands on one of them, or on none: unknown.
 * https://metallb.universe.tf/usage/ (the controller assigns the first free address in the order it sees Services)
 */
export function undeterminedLoadBalancers(model: ClusterModel, address: string, port: number): Service[] {
  return model.services.filter(
    (s) =>
      s.loadBalancerPending?.undetermined &&
      s.ports.some((p) => p.port === port) &&
      (!s.loadBalancerPending.within || s.loadBalancerPending.within.some((r) => inAddressRange(r, address))),
  );
}

/** Why a verdict about `address` is unknown (see `undeterminedLoadBalancers`), or undefined. */
export function undeterminedLoadBalancerReason(
  model: ClusterModel,
  address: string,
  port: number,
): string | undefined {
  const maybe = undeterminedLoadBalancers(model, address, port);
  if (!maybe.length) return undefined;
  return `${address} may be the load-balancer address ${maybe[0].loadBalancerPending?.controller ?? 'MetalLB'} gives Service ${maybe.map((s) => `${s.namespace}/${s.name}`).join(', ')} (${maybe[0].loadBalancerPending?.reason}): a connection to it may land on its pods, judged by their policies`;
}
