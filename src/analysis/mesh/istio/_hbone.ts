/**
 * The port an Istio ambient connection carries when it reaches the server pod. ztunnel tunnels traffic between
 * pods of the ambient mesh over HBONE to port 15008 of the destination pod, where it is "proxied back to the
 * original destination port" — NetworkPolicy, enforced outside the pod, sees 15008 on both the client's egress and
 * the server's ingress (https://istio.io/latest/docs/ambient/usage/networkpolicy/). ztunnel upgrades a connection
 * to HBONE when the destination is captured too "or otherwise has Istio proxy capabilities (such as a sidecar)"
 * (https://istio.io/latest/docs/ambient/architecture/data-plane/). Whether a sidecar takes part rests on istiod's
 * flags, on by default only where istiod runs with ambient enabled (istio/istio pilot/pkg/features, registerAmbient):
 * PILOT_ENABLE_SIDECAR_LISTENING_HBONE (the sidecar accepts HBONE on 15008; the NetworkPolicy page asks sidecar
 * servers to admit it) and PILOT_ENABLE_SENDING_HBONE (`sendHbone: features.EnableHBONESend || …`,
 * pilot/pkg/networking/core/cluster_builder.go). The manifests do not hold istiod's flags, so between an ambient pod
 * and a sidecar the connection may arrive on either port. A
 * client or server outside the mesh talks plaintext on the port itself. Pure.
 */
import type { ClusterModel, Pod } from '../../../model/types.ts';
import type { Arrival } from '../linkerd/_arrival.ts';
import type { Sidecar } from '../types.ts';
import { istioAmbient } from './_ambient.ts';

/** ztunnel's (and HBONE-capable proxies') inbound tunnel port. */
export const hbonePort = 15008;

/** `undefined`: the connection arrives on `port` itself. */
export function istioArrival(
  model: ClusterModel,
  sidecar: (p: Pod) => Sidecar,
): (client: Pod, server: Pod, port: number) => Arrival {
  const namespaces = new Map(model.namespaces.map((n) => [n.name, n]));
  const ambient = (p: Pod) => (sidecar(p).meshed ? undefined : istioAmbient(p, namespaces.get(p.namespace)));
  return (client, server, port) => {
    if (client === server) return undefined;
    const a = ambient(client);
    const b = ambient(server);
    const label = (p: Pod) => `${p.namespace}/${p.name}`;
    if (a && b)
      return {
        port: hbonePort,
        why: `both ${label(client)} (${a}) and ${label(server)} (${b}) are in Istio ambient mode: ztunnel tunnels the connection over HBONE to port ${hbonePort} of the server pod, so NetworkPolicies judge port ${hbonePort}, not ${port}`,
      };
    if (a && sidecar(server).meshed)
      return {
        maybe: hbonePort,
        why: `${label(client)} is in Istio ambient mode (${a}) and ${label(server)} has an istio sidecar: ztunnel sends HBONE to port ${hbonePort} when the sidecar listens for it (PILOT_ENABLE_SIDECAR_LISTENING_HBONE, on where istiod runs with ambient enabled), else to port ${port}, and istiod's settings are not in the input`,
      };
    if (b && sidecar(client).meshed)
      return {
        maybe: hbonePort,
        why: `${label(client)} has an istio sidecar and ${label(server)} is in Istio ambient mode (${b}): the sidecar sends HBONE to port ${hbonePort} when istiod enables it (PILOT_ENABLE_SENDING_HBONE, on where istiod runs with ambient enabled), else mTLS to port ${port}, and istiod's settings are not in the input`,
      };
    return undefined;
  };
}
