import type { ClusterModel, Pod, Protocol, Service } from '../../model/types.ts';
import { hintedEndpoints, servicePath } from '../service-path/index.ts';
import type { Endpoint } from './_refs.ts';

/**
 * What kube-proxy does with one client pod's connections to the Service: the endpoints it may use (and, when which
 * of them is unknown, why), or a drop.
 */
export type KubeProxyChoice =
  { readonly uses: (e: Endpoint) => boolean; readonly unknown?: string } | { readonly dropped: string };

/**
 * `internalTrafficPolicy: Local`: kube-proxy sends a pod's connection to the Service's cluster IP only to the
 * endpoints on the pod's own node, and drops it when there is none there — "no fallback" to other nodes
 * (https://kubernetes.io/docs/concepts/services-networking/service-traffic-policy/). Topology hints narrow them to
 * the endpoints hinted for the node (PreferSameNode) or its zone (PreferClose, PreferSameZone, topology-mode Auto)
 * when every ready endpoint carries such hints and one is for that node or zone — whoever wrote the slices
 * (pkg/proxy/topology.go; https://kubernetes.io/docs/concepts/services-networking/topology-aware-routing/). Returns
 * a chooser per client pod, computed once per node (the node is the equivalence class); undefined when neither
 * applies or the Service is headless (kube-proxy does not handle it:
 * https://kubernetes.io/docs/concepts/services-networking/service/#headless-services).
 */
export function kubeProxyChooser(
  model: ClusterModel,
  svc: Service,
  port: number,
  protocol: Protocol,
): ((client: Pod) => KubeProxyChoice) | undefined {
  if (svc.headless || svc.type === 'ExternalName') return undefined;
  if (svc.internalTrafficPolicy !== 'Local' && !hintedEndpoints(model, svc)) return undefined;
  if (!svc.ports.some((p) => p.port === port && p.protocol === protocol)) return undefined;
  const byNode = new Map<string, KubeProxyChoice>();
  return (client) => {
    const node = client.nodeName ?? '';
    let choice = byNode.get(node);
    if (!choice) {
      choice = choose(model, svc, port, client);
      byNode.set(node, choice);
    }
    return choice;
  };
}

function choose(model: ClusterModel, svc: Service, port: number, client: Pod): KubeProxyChoice {
  const path = servicePath(model, {
    service: `${svc.namespace}/${svc.name}`,
    port,
    client: { kind: 'pod', pod: `${client.namespace}/${client.name}` },
  });
  if (typeof path === 'string') return { uses: () => true };
  if (path.verdict === 'dropped')
    return {
      dropped: `Service ${svc.namespace}/${svc.name} has internalTrafficPolicy Local and no ready endpoint on ${client.nodeName ?? 'the client node (not scheduled)'}: kube-proxy drops the connection, with no fallback to other nodes`,
    };
  const used = new Set(path.endpoints.filter((e) => e.used).map((e) => e.ip));
  return {
    uses: (e) => (e.party.kind === 'pod' ? e.party.pod.ips.some((ip) => used.has(ip)) : used.has(e.party.ip)),
    ...(path.topologyUnknown ? { unknown: path.topologyUnknown } : {}),
  };
}

/** The note for pairs left out because kube-proxy never sends their client to that endpoint. */
export function unusedPairsNote(svc: Service, skipped: number): string {
  const local = svc.internalTrafficPolicy === 'Local';
  const why = local
    ? 'has internalTrafficPolicy Local: kube-proxy sends each client only to the endpoints on its own node'
    : "has topology hints: kube-proxy sends each client only to the endpoints hinted for its node or its node's zone";
  const other = local ? 'on another node' : 'hinted for another node or zone';
  return `Service ${svc.namespace}/${svc.name} ${why}; ${skipped} pair(s) with an endpoint ${other} are never connected and not judged`;
}

/**
 * Why a reach verdict is unknown when kubetwin does not know which endpoints a client's node uses (topology-mode
 * Auto) and the client's pairs disagree; undefined when every client's pairs agree (then any subset answers alike).
 */
export function topologyUnknownReason(
  pairs: readonly { readonly from: string; readonly allowed: boolean }[],
  unknownFor: ReadonlyMap<string, string>,
): string | undefined {
  for (const [from, why] of unknownFor) {
    const own = pairs.filter((p) => p.from === from);
    if (own.some((p) => p.allowed) && own.some((p) => !p.allowed)) return why;
  }
  return undefined;
}
