/**
 * A pod that reaches itself through its own Service's virtual IP (kube-proxy DNATs the connection back to it, the
 * "hairpin"). kubetwin answers a pod and itself with the rule "a pod cannot block access to itself"; for a
 * connection through the Service VIP upstream leaves it implementation-defined (kubernetes-sigs/network-policy-api
 * #343: "Service hairpinning … does this succeed despite NetworkPolicy?"; kubernetes/kubernetes#125611, a pod
 * timing out on its own Service under an ingress policy). A CNI enforcing in netfilter's FORWARD chain — Calico's
 * Felix, Canal, k3s's controller — sees the packet leave and come back through the pod's interface after the DNAT
 * and before kube-proxy's hairpin masquerade (POSTROUTING), so it judges it by the pod's own address like any other
 * peer's. Where the two readings disagree the answer is unknown.
 */
import type { Pod, Protocol, Service } from '../../model/types.ts';
import type { PolicyEngine } from '../policy/index.ts';

/**
 * Why the verdict of `pod` reaching itself through `service`'s VIP is unknown, or undefined when it is not such a
 * connection or the policies judge the pod's own address as they judge the pod itself (no policy isolates it, or
 * its rules admit its labels). A headless Service has no VIP: the client dials its own address, always allowed.
 */
export function hairpinUnknown(
  engine: PolicyEngine,
  pod: Pod,
  target: {
    readonly service?: Service;
    readonly pod?: Pod;
    readonly port: number;
    readonly protocol: Protocol;
  },
): string | undefined {
  const svc = target.service;
  if (!svc || svc.headless || !svc.clusterIPs.length || target.pod !== pod) return undefined;
  // The pod as any other peer: a copy, so the engine does not take it for the pod itself.
  const asPeer: Pod = { ...pod };
  const v = engine.explain({ kind: 'pod', pod: asPeer }, { kind: 'pod', pod }, target.port, target.protocol);
  if (v.allowed) return undefined;
  const side = !v.egress.allowed ? `its egress policies` : `its ingress policies`;
  return `${pod.namespace}/${pod.name} reaches itself through Service ${svc.namespace}/${svc.name}'s virtual IP (hairpin): upstream leaves it undefined whether NetworkPolicy applies (kubernetes-sigs/network-policy-api#343), and a CNI enforcing in the FORWARD chain (Calico, Canal, k3s) judges the pod's own address as any peer's — ${side} do not admit it on ${target.port}/${target.protocol}`;
}
