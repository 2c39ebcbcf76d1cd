/**
 * The source address of a hostNetwork pod's connection to a pod on another node. The node sends it as it sends its
 * own traffic: the kernel takes the address of the interface toward the peer, the same choice kube-proxy's
 * MASQUERADE makes (`masqueradeSources`) — flannel's `flannel.1` carries the `.0` of the node's pod range "just used
 * as a source address for host to workload traffic" (flannel-io/flannel pkg/backend/vxlan/device.go, ipip/ipip.go),
 * Calico's `tunl0`/`vxlan.calico` the tunnel address its IPAM gives the node for the same purpose
 * (https://docs.tigera.io/calico/latest/reference/resources/node, ipv4IPIPTunnelAddr). kubetwin judges a
 * hostNetwork pod as its node's address (`--host-network node`, the default); where the ingress policies of the peer judge the device's address
 * otherwise (an ipBlock of node addresses), the answer is unknown.
 */
import type { Pod, Protocol } from '../../model/types.ts';
import type { PolicyEngine } from '../policy/index.ts';
import { masqueradeSources, sourcesText } from './_masquerade.ts';

/**
 * Why the verdict of hostNetwork pod `from` reaching pod `to` on another node is unknown, or undefined when the
 * CNI's device addresses toward `to` are judged as the node's address is (or there are none: Cilium, VPC CNIs).
 */
export function hostSourceUnknown(
  engine: PolicyEngine,
  from: Pod,
  to: { readonly pod?: Pod; readonly port: number; readonly protocol: Protocol },
): string | undefined {
  const target = to.pod;
  // `--host-network pod` judges hostNetwork pods as pods, by the user's choice: nothing to add then.
  if (engine.hostNetwork !== 'node' || !from.hostNetwork || !target || target.hostNetwork || !target.ip)
    return undefined;
  if (!from.nodeName || !target.nodeName || from.nodeName === target.nodeName) return undefined;
  const devices = masqueradeSources(engine.model, {
    via: from.nodeName,
    endpointNode: target.nodeName,
    endpointIP: target.ip,
  }).filter((s) => s.device && !s.unmasqueraded);
  if (!devices.length) return undefined;
  const node = engine.explain({ kind: 'pod', pod: from }, { kind: 'pod', pod: target }, to.port, to.protocol);
  const apart = devices.filter(
    (s) =>
      engine.explain(
        { kind: 'ip', ip: s.ip, device: s.device },
        { kind: 'pod', pod: target },
        to.port,
        to.protocol,
      ).ingress.allowed !== node.ingress.allowed,
  );
  if (!apart.length) return undefined;
  return `hostNetwork pod ${from.namespace}/${from.name} on ${from.nodeName} sends to ${target.namespace}/${target.name} on ${target.nodeName} from the address of its node's interface toward it, which the CNI decides: ${sourcesText(apart)} — the ingress policies of ${target.namespace}/${target.name} ${node.ingress.allowed ? 'refuse' : 'admit'} it but ${node.ingress.allowed ? 'admit' : 'refuse'} the node's address`;
}
