import type { Service } from '../../model/types.ts';
import { isPublicAddress } from '../../lib/ip.ts';

/**
 * What the scheme of a Service's cloud load balancer (`Service.loadBalancerScheme`) does to a client outside the
 * cluster that dials its load-balancer address or hostname: an internal load balancer has only private addresses of
 * the VPC or VNet (AWS: internal load balancers "can only route requests from clients with access to the VPC",
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/how-elastic-load-balancing-works.html#load-balancer-scheme;
 * GKE: accessible "to clients within your cluster's VPC network and to clients in networks connected" to it,
 * https://cloud.google.com/kubernetes-engine/docs/how-to/internal-load-balancing;
 * AKS: https://learn.microsoft.com/en-us/azure/aks/internal-lb), so a client with a public address cannot reach it:
 * `drop`. An undetermined scheme leaves that client's answer `unknown`. A client with a private address may be in
 * the VPC or not, which the input does not say: judged as before. Undefined when the scheme does not decide.
 */
export function loadBalancerSchemeDrop(
  svc: Service,
  address: string,
  client: string,
): { readonly drop: string } | { readonly unknown: string } | undefined {
  const s = svc.loadBalancerScheme;
  if (svc.type !== 'LoadBalancer' || !s || s.scheme === 'internet-facing') return undefined;
  if (!svc.loadBalancerIngress.includes(address) || !isPublicAddress(client)) return undefined;
  const name = `Service ${svc.namespace}/${svc.name}`;
  if (s.scheme === 'internal')
    return {
      drop: `${name} has an internal load balancer (${s.by}): its address ${address} is private to the cloud network, so the internet client ${client} cannot reach it`,
    };
  return {
    unknown: `whether the load balancer of ${name} is internal or internet-facing (${s.by}): an internal one is out of reach of the internet client ${client}`,
  };
}
