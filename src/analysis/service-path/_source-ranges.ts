import type { Service } from '../../model/types.ts';
import { cidrContains, parseCidr, parseIP } from '../../lib/ip.ts';

/**
 * Why a connection from `client` to the load-balancer address `address` of `svc` is dropped by its
 * `spec.loadBalancerSourceRanges`: kube-proxy lets only sources in those ranges reach a LoadBalancer Service's
 * load-balancer IPs and drops the rest (the "kubernetes load balancer firewall" chain KUBE-PROXY-FIREWALL of
 * kubernetes/kubernetes pkg/proxy/iptables/proxier.go; the cloud load balancer restricts the same ranges,
 * https://kubernetes.io/docs/tasks/access-application-cluster/configure-cloud-provider-firewall/#restrict-access-for-loadbalancer-service).
 * Ranges are kept per family: with none of the client's family the address is not filtered. Node ports and
 * externalIPs are not filtered. Undefined when the connection passes.
 */
export function sourceRangeDrop(svc: Service, address: string, client: string): string | undefined {
  const ranges = svc.loadBalancerSourceRanges ?? [];
  if (svc.type !== 'LoadBalancer' || !ranges.length || !svc.loadBalancerIngress.includes(address))
    return undefined;
  const ip = parseIP(client);
  if (!ip) return undefined;
  const sameFamily = ranges.map(parseCidr).filter((c) => c?.family === ip.family);
  if (!sameFamily.length || sameFamily.some((c) => c && cidrContains(c, ip))) return undefined;
  return `Service ${svc.namespace}/${svc.name} admits only spec.loadBalancerSourceRanges [${ranges.join(', ')}] to its load-balancer address ${address}: the source ${client} is outside them, so the connection is dropped`;
}
