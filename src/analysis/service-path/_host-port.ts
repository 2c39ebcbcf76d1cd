import type { ClusterModel, Pod, Protocol } from '../../model/types.ts';

/**
 * The pod a node's address and port lead to through a container's `hostPort`: the CNI portmap plugin, which
 * "will forward traffic from one or more ports on the host to the container", DNATs `NODE_IP:hostPort` to the pod's
 * `containerPort` and rewrites the source only for packets from the node's localhost
 * (https://www.cni.dev/plugins/current/meta/portmap/), so the pod's ingress policies judge the connection from its
 * own client, on the containerPort. Pods with hostNetwork listen on the node itself and are not DNATed; a finished pod
 * or one without an IP has nowhere to be sent. Undefined when nothing on the node maps the port.
 */
export function hostPortTarget(
  model: ClusterModel,
  nodeName: string,
  nodeIP: string,
  port: number,
  protocol: Protocol,
): { pod: Pod; containerPort: number } | undefined {
  for (const pod of model.pods) {
    if (pod.nodeName !== nodeName || pod.hostNetwork || !pod.ip) continue;
    if (pod.phase === 'Succeeded' || pod.phase === 'Failed') continue;
    // A hostIP binds the mapping to that address only (0.0.0.0 and :: mean every address of the node).
    const cp = pod.ports.find(
      (p) =>
        p.hostPort === port &&
        p.protocol === protocol &&
        (!p.hostIP || p.hostIP === '0.0.0.0' || p.hostIP === '::' || p.hostIP === nodeIP),
    );
    if (cp) return { pod, containerPort: cp.containerPort };
  }
  return undefined;
}
