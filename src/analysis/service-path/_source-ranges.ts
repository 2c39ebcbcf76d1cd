import type { Service } from '../../model/types.ts';
import { cidrContains, parseCidr, parseIP } from '../../lib/ip.ts';

/**
 * Why a connection from `client` to the load-balancer address `address` of `svc` is dropped by its source ranges:
 * kube-proxy lets only sources in `spec.loadBalancerSourceRanges` reach a LoadBalancer Service's load-balancer IPs
 * and drops the rest (the "kubernetes load balancer firewall" chain KUBE-PROXY-FIREWALL of kubernetes/kubernetes
 * pkg/proxy/iptables/proxier.go; the cloud load balancer restricts the same ranges,
 * https://kubernetes.io/docs/tasks/access-application-cluster/configure-cloud-provider-firewall/#restrict-access-for-loadbalancer-service).
 * A client from `outside` the cluster passes the cloud's load balancer first, whose controller falls back to the
 * annotation `service.beta.kubernetes.io/load-balancer-source-ranges` when the field is empty
 * (`GetLoadBalancerSourceRanges`, k8s.io/cloud-provider service helpers); kube-proxy, which takes a pod's
 * connection to that address, reads the field only. Ranges are kept per family: with none of the client's family
 * the address is not filtered. Node ports and externalIPs are not filtered. Undefined when the connection passes.
 */
export function sourceRangeDrop(
  svc: Service,
  address: string,
  client: string,
  opts: { readonly outside?: boolean } = {},
): string | undefined {
  const field = svc.loadBalancerSourceRanges ?? [];
  const annotated = opts.outside && !field.length ? (svc.loadBalancerSourceRangesAnnotation ?? []) : [];
  const ranges = field.length ? field : annotated;
  if (svc.type !== 'LoadBalancer' || !ranges.length || !svc.loadBalancerIngress.includes(address))
    return undefined;
  const ip = parseIP(client);
  if (!ip) return undefined;
  const sameFamily = ranges.map(parseCidr).filter((c) => c?.family === ip.family);
  if (!sameFamily.length || sameFamily.some((c) => c && cidrContains(c, ip))) return undefined;
  const what = field.length
    ? 'spec.loadBalancerSourceRanges'
    : 'the annotation service.beta.kubernetes.io/load-balancer-source-ranges (the cloud controller reads it when spec.loadBalancerSourceRanges is empty)';
  return `Service ${svc.namespace}/${svc.name} admits only ${what} [${ranges.join(', ')}] to its load-balancer address ${address}: the source ${client} is outside them, so the connection is dropped`;
}
