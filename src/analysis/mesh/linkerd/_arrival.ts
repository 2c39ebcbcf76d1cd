/**
 * The port a meshed Linkerd client's connection carries when it reaches the server pod. A connection to an
 * opaque endpoint port — the pod's `config.linkerd.io/opaque-ports` annotation (the injector copies the
 * namespace's onto the pod, linkerd/linkerd2#5941), or a `Server` with `proxyProtocol: opaque` selecting the pod
 * port (edge-21.11.4) — is sent with Linkerd's opaque transport to the proxy's inbound port 4143, "its original
 * target port replaced with the proxy's inbound port", so NetworkPolicies see 4143, not the application's port.
 * A pod port in Linkerd's default opaque list without an annotation is unknown (whether the injector wrote the
 * default list onto the pod is not in the manifests). Other ports: Linkerd's pages disagree (see `maybeWhy`), so a
 * NetworkPolicy verdict that differs between the port and 4143 is unknown.
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
  /** The connection may arrive on `maybe` instead: a verdict that differs there is unknown, for `why`. */
  | { readonly maybe: number; readonly why: string }
  | undefined;

/**
 * Linkerd's network-policy page (https://linkerd.io/2/common-errors/network-policy/) says every meshed
 * connection arrives on 4143, its protocol-detection page only opaque ones: for other ports both are possible.
 */
const maybeWhy = (port: number) =>
  `Linkerd's network-policy page says a connection between meshed pods always arrives on the proxy's inbound port ${linkerdInboundProxyPort}, its protocol-detection page says only opaque ports do (this port ${port} is not opaque): where the NetworkPolicies admit one port and not the other, the verdict is unknown`;

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
    if (portListed(server.annotations[skipAnnotation] ?? ns?.annotations[skipAnnotation], port))
      return undefined;
    const own = server.annotations[opaquePortsAnnotation] ?? ns?.annotations[opaquePortsAnnotation];
    const by =
      own !== undefined && portListed(own, port)
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
        maybe: linkerdInboundProxyPort,
        why: `port ${port} is in Linkerd's default opaque ports and ${server.namespace}/${server.name} has no ${opaquePortsAnnotation} annotation: if the injector marked it opaque, the connection arrives on the proxy's port ${linkerdInboundProxyPort}`,
      };
    return { maybe: linkerdInboundProxyPort, why: maybeWhy(port) };
  };
}
