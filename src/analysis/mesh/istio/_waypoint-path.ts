/**
 * The connections NetworkPolicies see when an Istio ambient connection passes a waypoint. The client's ztunnel
 * does not reach the server: it tunnels over HBONE to port 15008 of a waypoint pod ("Send HBONE traffic to port
 * 15008", istio/istio architecture/networking/waypoint.md), and the waypoint opens its own HBONE connection to
 * the server pod's address on 15008 (its inbound VIP endpoints: "tunnel to ip:15008", istio/istio
 * pilot/pkg/xds/endpoints/endpoint_builder.go). NetworkPolicy is enforced outside the pod on each of them, so
 * it judges two connections on 15008 — client → waypoint pod, waypoint pod → server — and never client → server
 * (https://istio.io/latest/docs/ambient/usage/networkpolicy/: ambient "does not and will never bypass
 * Kubernetes NetworkPolicy enforcement"; HBONE traffic arrives on 15008). The waypoint pods are not captured by
 * ztunnel (istiod's waypoint template labels them `istio.io/dataplane-mode: none`: istio/istio
 * manifests/charts/istio-control/istio-discovery/files/waypoint.yaml), so their own addresses are the peers. Pure.
 */
import type { ClusterModel, Namespace, Pod, Service } from '../../../model/types.ts';
import { describeSide, type Party, type Verdict } from '../../policy/index.ts';
import type { Sidecar } from '../types.ts';
import { ambientUnknowns, istioAmbient } from './_ambient.ts';
import { hbonePort } from './_hbone.ts';
import { serviceWaypointOf } from './_waypoint.ts';

/** Through the waypoint `waypoint` (`ns/name`), on one of its `pods`; or a waypoint kubetwin cannot lay out. */
export type WaypointPath =
  | { readonly waypoint: string; readonly pods: readonly Pod[]; readonly why: string }
  | { readonly unknown: string };

const label = (p: Pod) => `${p.namespace}/${p.name}`;

/** Whether any NetworkPolicy-like layer is in the input (else the hops through a waypoint need no judging). */
const policyLayers = (m: ClusterModel) =>
  m.networkPolicies.length > 0 ||
  (m.adminPolicies?.length ?? 0) > 0 ||
  (m.ciliumPolicies?.length ?? 0) > 0 ||
  m.others.some((o) => /NetworkPolicy$|NetworkPolicySet$/.test(o.kind));

/**
 * The waypoint a connection from `client` to `server`, addressed to `service`, passes (undefined: it goes
 * straight, see `istioArrival`). Laid out where the waypoint is modeled (`ztunnelInbound`): an ambient client,
 * an ambient server not bound to a waypoint of its own, a Service bound to a waypoint whose Gateway is in the
 * input. Other connections that pass a waypoint are `unknown`.
 */
export function istioWaypointPath(
  model: ClusterModel,
  sidecar: (p: Pod) => Sidecar,
): (client: Pod, server: Pod, service?: Service) => WaypointPath | undefined {
  const namespaces = new Map<string, Namespace>(model.namespaces.map((n) => [n.name, n]));
  const ambient = (p: Pod) => (sidecar(p).meshed ? undefined : istioAmbient(p, namespaces.get(p.namespace)));
  const layers = policyLayers(model);
  // One lookup per Service (it scans the pods for the waypoint's), not per pair.
  const waypoints = new Map<string, ReturnType<typeof serviceWaypointOf>>();
  const waypointOf = (svc: Service) => {
    if (!waypoints.has(svc.key))
      waypoints.set(svc.key, serviceWaypointOf(model, svc, namespaces.get(svc.namespace)));
    return waypoints.get(svc.key);
  };
  const judged = (path: WaypointPath | undefined) =>
    path && 'unknown' in path && !layers ? undefined : path;
  return (client, server, service) => judged(lay(client, server, service));
  function lay(client: Pod, server: Pod, service?: Service): WaypointPath | undefined {
    if (client === server) return undefined;
    const fromAmbient = ambient(client);
    if (!fromAmbient && !sidecar(client).meshed) return undefined;
    const serverAmbient = ambient(server);
    const w = service ? waypointOf(service) : undefined;
    const own = server.labels['istio.io/use-waypoint'];
    const podBound = own !== undefined && own !== 'none';
    if (w?.gateway && fromAmbient && serverAmbient && !podBound) {
      const name = `${w.namespace}/${w.name}`;
      if (!w.pods.length)
        return {
          unknown: `the connection passes the waypoint ${name} (${w.boundBy}), whose pods are not in the input: NetworkPolicies judge client → waypoint pod and waypoint pod → server on port ${hbonePort}, which kubetwin cannot judge without them`,
        };
      return {
        waypoint: name,
        pods: w.pods,
        why: `${service!.namespace}/${service!.name} is bound to the waypoint ${name} (${w.boundBy}): the client's ztunnel tunnels over HBONE to port ${hbonePort} of a waypoint pod, which opens its own HBONE connection to port ${hbonePort} of ${label(server)}, so NetworkPolicies judge those two connections, not client → server`,
      };
    }
    if (w)
      return {
        unknown: `${service!.namespace}/${service!.name} is bound to the waypoint ${w.namespace}/${w.name} (${w.boundBy}) and the connection ${fromAmbient ? (serverAmbient ? 'is addressed to a pod bound to a waypoint of its own' : `goes to ${label(server)}, which is not in ambient mode`) : 'comes from a sidecar'}: which connections NetworkPolicies see on the way is not modeled by kubetwin`,
      };
    if (!fromAmbient || !serverAmbient) return undefined;
    const gaps = ambientUnknowns(
      {
        pod: server,
        ns: namespaces.get(server.namespace),
        services: model.services.filter((s) => s.namespace === server.namespace),
      },
      serverAmbient,
    );
    return gaps.length
      ? {
          unknown: `${gaps[0]}: a waypoint on the way changes which connections NetworkPolicies see`,
        }
      : undefined;
  }
}

export interface WaypointLegs {
  /** Egress at the client (to the waypoint) and ingress at the server (from the waypoint), on 15008. */
  readonly verdict: Verdict;
  /** The waypoint pod's own two sides, in words (ingress from the client, egress to the server). */
  readonly lines: readonly string[];
  /** Which connection denied it, when one did: the client's to the waypoint, or the waypoint's to the server. */
  readonly denied?: { readonly from: Party; readonly to: Pod; readonly verdict: Verdict };
  /** Set when the waypoint's pods are judged differently (ztunnel picks one). */
  readonly unknown?: string;
}

/**
 * Both connections through the waypoint judged with `explain` (the policy engine's), on every waypoint pod: the
 * first pod's answer, unknown when its pods are judged differently. No HTTP attributes: the hops carry HBONE,
 * TLS on 15008, not the request.
 */
export function judgeWaypointLegs(
  path: { readonly waypoint: string; readonly pods: readonly Pod[] },
  client: Pod,
  server: Pod,
  explain: (from: Party, to: Party, port: number) => Verdict,
): WaypointLegs {
  const legs = path.pods.map((wp) => {
    const toWaypoint = explain({ kind: 'pod', pod: client }, { kind: 'pod', pod: wp }, hbonePort);
    const toServer = explain({ kind: 'pod', pod: wp }, { kind: 'pod', pod: server }, hbonePort);
    return { wp, toWaypoint, toServer, allowed: toWaypoint.allowed && toServer.allowed };
  });
  const first = legs[0];
  const { wp, toWaypoint, toServer } = first;
  const at = `${label(wp)} (waypoint ${path.waypoint})`;
  const differ = legs.find((l) => l.allowed !== first.allowed);
  const verdict: Verdict = {
    allowed: first.allowed,
    port: hbonePort,
    protocol: 'TCP',
    egress: toWaypoint.egress,
    ingress: toServer.ingress,
    warnings: [...new Set([...toWaypoint.warnings, ...toServer.warnings])],
  };
  const denied = !toWaypoint.allowed
    ? { from: { kind: 'pod', pod: client } as Party, to: wp, verdict: toWaypoint }
    : !toServer.allowed
      ? { from: { kind: 'pod', pod: wp } as Party, to: server, verdict: toServer }
      : undefined;
  return {
    verdict,
    lines: [
      `through the waypoint: ${label(client)} → ${label(wp)}:${hbonePort}, then ${label(wp)} → ${label(server)}:${hbonePort}`,
      ...describeSide(toWaypoint.ingress, at),
      ...describeSide(toServer.egress, at),
    ],
    ...(denied ? { denied } : {}),
    ...(differ
      ? {
          unknown: `the pods of the waypoint ${path.waypoint} are judged differently by the NetworkPolicies (${label(wp)} ${first.allowed ? 'admitted' : 'refused'}, ${label(differ.wp)} ${differ.allowed ? 'admitted' : 'refused'}), and ztunnel picks one per connection`,
        }
      : {}),
  };
}
