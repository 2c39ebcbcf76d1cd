import type { ClusterModel, Protocol, Service } from '../../model/types.ts';

/**
 * The Service whose load-balancer address (`status.loadBalancer.ingress` IP, `ipMode` VIP or unset) or externalIP
 * `ip` is, on a port it serves: kube-proxy on the client's node captures in-cluster connections to it and sends
 * them to the Service's endpoints, so they never reach the load balancer; with externalTrafficPolicy Cluster it
 * masquerades them on the way (an address of the client's node: `masqueradeSources`), with Local a pod keeps its own (the KUBE-EXT chain of
 * kubernetes/kubernetes pkg/proxy/iptables/proxier.go). With `ipMode: Proxy` it leaves them to the load balancer.
 * https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-ip-mode
 */
export function capturedService(
  model: ClusterModel,
  ip: string,
  port: number,
  protocol: Protocol,
): Service | undefined {
  return model.services.find(
    (s) =>
      ((s.type === 'LoadBalancer' &&
        s.loadBalancerIngress.includes(ip) &&
        !s.loadBalancerProxied?.includes(ip)) ||
        s.externalIPs.includes(ip)) &&
      s.ports.some((p) => p.port === port && p.protocol === protocol),
  );
}

/** How kube-proxy takes an in-cluster connection to `ip`, a captured address of `svc`, in words. */
export function capturedNote(svc: Service, ip: string): string {
  const what = svc.externalIPs.includes(ip) ? 'an externalIP' : 'the load-balancer address';
  const source =
    svc.externalTrafficPolicy === 'Cluster'
      ? "kube-proxy masquerades it (externalTrafficPolicy: Cluster): the endpoint sees an address of that node (its own, or a CNI device's toward the endpoint), not the client's"
      : 'with externalTrafficPolicy: Local the client keeps its own address';
  // A client outside the cluster does go through the cloud's load balancer (or the network routing the externalIP).
  const outside =
    what === 'an externalIP'
      ? 'a client outside the cluster reaches a node the network routes it to, whose kube-proxy does the same'
      : 'a client outside the cluster goes through the load balancer to a node, whose kube-proxy does the same';
  return `${ip} is ${what} of Service ${svc.namespace}/${svc.name}: kube-proxy on a pod client's node sends the connection straight to the Service's endpoints (it never reaches the load balancer); ${outside}; ${source}`;
}
