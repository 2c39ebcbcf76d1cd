import type { ClusterModel, Protocol, Service } from '../../model/types.ts';

/**
 * What a connection to a Service's load-balancer address or externalIP meets on a port no Service serves there
 * (rule `load-balancer-address-unserved-port`). kube-proxy captures such an address only for the Service's
 * own (address, protocol, port) tuples — a KUBE-SERVICES rule per port in iptables mode, an element
 * `address . protocol . port` of the `service-ips` map in nftables mode (kubernetes/kubernetes
 * pkg/proxy/iptables/proxier.go, pkg/proxy/nftables/proxier.go) — so a connection to another port is not captured:
 * it leaves the cluster for the load balancer (or the network the externalIP is routed in), whose answer on a port
 * the Service does not declare is not in the input: `unknown`, never a pod verdict. In IPVS mode kube-proxy binds a
 * load-balancer address (`ipMode` VIP or unset) to the `kube-ipvs0` device of every node and rejects a new
 * connection to a bound address on a port of no Service (the KUBE-IPVS-FILTER chain of pkg/proxy/ipvs/proxier.go,
 * https://github.com/kubernetes/kubernetes/issues/72236): `drop` for a client in the cluster (`inCluster`), whose
 * node takes the address as its own; a client outside meets the load balancer first: `unknown`. Undefined when the address is no such Service's
 * or a Service there serves the port.
 * https://kubernetes.io/docs/reference/networking/virtual-ips/
 */
export function unservedPort(
  model: ClusterModel,
  address: string,
  port: number,
  protocol: Protocol,
  opts: { readonly inCluster: boolean },
): { readonly drop: string } | { readonly unknown: string } | undefined {
  const holders = model.services.filter(
    (s) =>
      (s.type === 'LoadBalancer' && s.loadBalancerIngress.includes(address)) ||
      s.externalIPs.includes(address),
  );
  if (!holders.length || holders.some((s) => serves(s, port, protocol))) return undefined;
  const svc = holders[0];
  const name = `Service ${svc.namespace}/${svc.name}`;
  const ports = svc.ports.map((p) => `${p.port}/${p.protocol}`).join(', ') || 'none';
  const what = svc.externalIPs.includes(address) ? 'an externalIP' : 'the load-balancer address';
  const bound =
    opts.inCluster &&
    model.profile.kubeProxy.mode === 'ipvs' &&
    svc.type === 'LoadBalancer' &&
    svc.loadBalancerIngress.includes(address) &&
    !svc.loadBalancerProxied?.includes(address);
  if (bound)
    return {
      drop: `${address} is ${what} of ${name}, which serves ${ports}, not ${port}/${protocol}: kube-proxy in IPVS mode binds the address to kube-ipvs0 on every node and rejects a new connection to it on a port no Service serves (KUBE-IPVS-FILTER)`,
    };
  const proxied = svc.loadBalancerProxied?.includes(address);
  const there = what === 'an externalIP' ? 'wherever the network routes the address' : 'the load balancer';
  const how = opts.inCluster
    ? `${proxied ? 'with ipMode Proxy kube-proxy captures none of its ports' : "kube-proxy captures only the Service's ports"}, so the connection leaves the cluster for ${there}`
    : `the connection meets ${there}, for which the Service declares no such port`;
  return {
    unknown: `${address} is ${what} of ${name}, which serves ${ports}, not ${port}/${protocol}: ${how}, and what answers there on that port is not in the input`,
  };
}

function serves(s: Service, port: number, protocol: Protocol): boolean {
  return s.ports.some((p) => p.port === port && p.protocol === protocol);
}
