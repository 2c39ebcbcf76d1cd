import type { ClusterModel, Node, Pod, Service } from '../../model/types.ts';
import { parseIP } from '../../lib/ip.ts';

/**
 * k3s ServiceLB (k3s-io/k3s pkg/cloudprovider/servicelb.go): for each LoadBalancer Service the controller runs a
 * DaemonSet `svclb-<name>-<uid>` whose pods carry the labels `svccontroller.k3s.cattle.io/svcname` and
 * `svccontroller.k3s.cattle.io/svcnamespace` (in `--servicelb-namespace`, kube-system by default). Each pod maps the
 * Service's ports as `hostPort`s and its klipper-lb container DNATs them to the Service's ClusterIPs (to the node's
 * own addresses and node port under `externalTrafficPolicy: Local`) and masquerades them from the pod's own address
 * (k3s-io/klipper-lb `entry`: `-t nat -I POSTROUTING -d <dest> -j MASQUERADE`). The Service's
 * `status.loadBalancer.ingress` lists the addresses of the nodes running a Ready svclb pod (`podIPs`: their
 * ExternalIPs if any node has one, else their InternalIPs).
 */
export const svcNameLabel = 'svccontroller.k3s.cattle.io/svcname';
export const svcNamespaceLabel = 'svccontroller.k3s.cattle.io/svcnamespace';

export interface ServiceLbScope {
  /** The Service the connection came through; undefined: any Service's svclb pods. */
  readonly service?: Pick<Service, 'namespace' | 'name'>;
}

/** The svclb pods of the input for a Service (any Service's when none is named), sorted by key. */
export function serviceLbPods(model: ClusterModel, scope: ServiceLbScope): Pod[] {
  const { service } = scope;
  return model.pods
    .filter(
      (p) =>
        p.labels[svcNameLabel] !== undefined &&
        (!service ||
          (p.labels[svcNameLabel] === service.name && p.labels[svcNamespaceLabel] === service.namespace)),
    )
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * The svclb pods that carry a connection arriving on `node`: the Ready ones running there with an address of the
 * family. Only `podIPs`'s Ready pods put a node's address in the Service's status, and a pod's hostPort answers on
 * its own node only.
 */
export function serviceLbPodsOn(pods: readonly Pod[], node: Node, family: 4 | 6): Pod[] {
  return pods.filter(
    (p) => p.nodeName === node.name && p.ready && p.ips.some((ip) => parseIP(ip)?.family === family),
  );
}

/**
 * The node a ServiceLB address is: the Service's load-balancer address is a node's own address (servicelb.go
 * `podIPs`), so a connection to it arrives on that node. Undefined when no svclb pod of the Service is in the
 * input (another load balancer may hold the address) or no node has the address.
 */
export function serviceLbNode(model: ClusterModel, service: Service, address: string): string | undefined {
  if (!serviceLbPods(model, { service }).length) return undefined;
  return model.nodes.find((n) => n.internalIP === address)?.name;
}
