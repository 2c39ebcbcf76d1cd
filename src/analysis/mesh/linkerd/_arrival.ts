/**
 * The port a meshed Linkerd client's connection carries when it reaches the server pod. A connection to an
 * opaque endpoint port — the pod's `config.linkerd.io/opaque-ports` annotation (the injector copies the
 * namespace's onto the pod, linkerd/linkerd2#5941), or a `Server` with `proxyProtocol: opaque` selecting the pod
 * port (edge-21.11.4) — is sent with Linkerd's opaque transport to the proxy's inbound port 4143, "its original
 * target port replaced with the proxy's inbound port", so NetworkPolicies see 4143, not the application's port.
 * A pod port in Linkerd's default opaque list without an annotation is unknown (whether the injector wrote the
 * default list onto the pod is not in the manifests). Other ports keep their number.
 * https://linkerd.io/2.15/features/protocol-detection/#using-networkpolicy-resources-with-opaque-ports
 */
import { matches } from '../../../lib/labels.ts';
import type { ClusterModel, Pod } from '../../../model/types.ts';
import type { Sidecar } from '../types.ts';
import { portListed, serverPort, skipAnnotation, skipOutAnnotation } from './_inbound.ts';
import { defaultOpaquePorts, opaquePortsAnnotation } from './_opaque.ts';

export const linkerdInboundProxyPort = 4143;

export type Arrival =
  | { readonly port: number; readonly why: string }
  | { readonly unknown: string }
  | undefined;

/** `undefined`: the connection arrives on `port` itself. */
export function linkerdArrival(
  model: ClusterModel,
  sidecar: (p: Pod) => Sidecar,
): (client: Pod, server: Pod, port: number) => Arrival {
  const namespaces = new Map(model.namespaces.map((n) => [n.name, n]));
  const servers = model.mesh?.linkerd.servers ?? [];
  return (client, server, port) => {
    if (!sidecar(client).meshed || !sidecar(server).meshed) return undefined;
    if (portListed(client.annotations[skipOutAnnotation], port)) return undefined;
    const ns = namespaces.get(server.namespace);
    if (portListed(server.annotations[skipAnnotation] ?? ns?.annotations[skipAnnotation], port)) return undefined;
    const own = server.annotations[opaquePortsAnnotation] ?? ns?.annotations[opaquePortsAnnotation];
    const by = own !== undefined && portListed(own, port)
      ? `${opaquePortsAnnotation} (${own}) on the server pod${server.annotations[opaquePortsAnnotation] === undefined ? ` (from namespace ${server.namespace})` : ''}`
      : servers.find(
            (s) =>
              s.proxyProtocol === 'opaque' &&
              s.namespace === server.namespace &&
              matches(s.podSelector, server.labels) &&
              serverPort(s, server, port),
          )?.key;
    const sent = (why: string) => ({
      port: linkerdInboundProxyPort,
      why: `port ${port} is opaque on ${server.namespace}/${server.name} (${why}): the client's proxy sends the connection to the server proxy's inbound port ${linkerdInboundProxyPort} (opaque transport), so NetworkPolicies judge port ${linkerdInboundProxyPort}`,
    });
    if (by) return sent(by.startsWith('Server/') ? `${by} proxyProtocol opaque` : by);
    if (own === undefined && defaultOpaquePorts.includes(port))
      return {
        unknown: `port ${port} is in Linkerd's default opaque ports and ${server.namespace}/${server.name} has no ${opaquePortsAnnotation} annotation: if the injector marked it opaque, the connection arrives on the proxy's port ${linkerdInboundProxyPort}, which the NetworkPolicies were not asked about`,
      };
    return undefined;
  };
}
