/**
 * Istio ambient mode, as far as kubetwin knows it: which pods ztunnel captures, and which are bound to a waypoint.
 * ztunnel's L4 authorization and PeerAuthentication are modeled (`_ztunnel.ts`), and so is a waypoint bound to a
 * Service (`_waypoint*.ts`: authorization, GAMMA routes, NetworkPolicies along its path); a pod bound to a waypoint
 * of its own is not, so a connection through one is unknown, never allowed.
 * https://istio.io/latest/docs/ambient/usage/add-workloads/
 * https://istio.io/latest/docs/ambient/usage/waypoint/
 */
import type { Namespace, Pod, Service } from '../../../model/types.ts';
import { matches, selectorFromMap, type Labels } from '../../../lib/labels.ts';

const MODE = 'istio.io/dataplane-mode';
const WAYPOINT = 'istio.io/use-waypoint';

/**
 * Why ztunnel captures `pod`, or undefined: the label `istio.io/dataplane-mode=ambient` on the pod or its
 * namespace enrolls it, the pod label `istio.io/dataplane-mode=none` opts it out, and host-network pods are
 * never captured. A pod that also has a sidecar is the sidecar's (the caller checks that first: "the sidecar
 * takes precedence over ztunnel for pods that have both").
 * https://istio.io/latest/docs/ambient/usage/add-workloads/
 * https://istio.io/latest/docs/ambient/migrate/enable-ambient-mode/
 */
export function istioAmbient(pod: Pod, ns: Namespace | undefined): string | undefined {
  if (pod.hostNetwork) return undefined;
  const own = pod.labels[MODE];
  if (own === 'none') return undefined;
  if (own === 'ambient') return `pod label ${MODE}=ambient`;
  if (ns?.labels[MODE] === 'ambient') return `namespace label ${MODE}=ambient`;
  return undefined;
}

const waypoint = (where: string, labels: Labels) =>
  labels[WAYPOINT] !== undefined && labels[WAYPOINT] !== 'none'
    ? [`${where} has ${WAYPOINT}=${labels[WAYPOINT]}`]
    : [];

export interface AmbientServer {
  readonly pod: Pod;
  readonly ns: Namespace | undefined;
  /** Services of the pod's namespace (a waypoint may be bound to one selecting it). */
  readonly services: readonly Service[];
}

/**
 * The waypoint bound to an ambient `server`, in words, or empty: `istio.io/use-waypoint` on its namespace, the pod or
 * a Service selecting it. Connections then pass the waypoint (its L7 policy and routing, and the server's ztunnel
 * sees the waypoint's identity); callers use this where kubetwin does not lay that path out (`_waypoint.ts` does
 * for Service traffic from ambient clients).
 * https://istio.io/latest/docs/ambient/usage/waypoint/#configure-a-pod-to-use-a-waypoint
 */
export function ambientUnknowns(s: AmbientServer, why: string): string[] {
  const lead = `${s.pod.namespace}/${s.pod.name} is in Istio ambient mode (${why}) and bound to a waypoint, which kubetwin does not model`;
  const gaps = [
    ...waypoint(`namespace ${s.pod.namespace}`, s.ns?.labels ?? {}),
    ...waypoint('the pod', s.pod.labels),
    ...s.services
      .filter((v) => v.selector && matches(selectorFromMap(v.selector), s.pod.labels))
      .flatMap((v) => waypoint(`Service ${v.namespace}/${v.name}`, v.labels)),
  ];
  return gaps.length ? [`${lead}: ${gaps.join('; ')}`] : [];
}

/**
 * The waypoint bound to a Service (`istio.io/use-waypoint` on it, else on its namespace; `none` opts the Service
 * out), or undefined. Requests for such a Service from ambient clients go through the waypoint, where its
 * VirtualServices and HTTPRoutes apply: not modeled.
 * https://istio.io/latest/docs/ambient/usage/waypoint/#configure-a-service-to-use-a-specific-waypoint
 */
export function serviceWaypoint(svc: Service, ns: Namespace | undefined): string | undefined {
  const own = svc.labels[WAYPOINT];
  if (own === 'none') return undefined;
  if (own !== undefined) return `Service label ${WAYPOINT}=${own}`;
  const nsLabel = ns?.labels[WAYPOINT];
  return nsLabel !== undefined && nsLabel !== 'none' ? `namespace label ${WAYPOINT}=${nsLabel}` : undefined;
}

/**
 * Why a pod runs one of ambient mode's own proxies, or undefined: a waypoint (istiod deploys it for a Gateway of
 * class `istio-waypoint` and labels its pods `gateway.istio.io/managed=istio.io-mesh-controller`, the label istiod
 * itself tells waypoints by: istio/istio pilot/pkg/serviceregistry/kube/controller/ambient, `IsWaypointWorkload`)
 * or ztunnel (the pods of the `ztunnel` DaemonSet, selected by `app: ztunnel` in istio/istio
 * manifests/charts/ztunnel/templates/daemonset.yaml). Both are Istio proxies that get configuration and
 * certificates from istiod on 15012, as sidecars do (https://istio.io/latest/docs/ambient/architecture/control-plane/).
 * Host-network pods are left out (no NetworkPolicy peer).
 */
export function ambientProxy(pod: Pod): string | undefined {
  if (pod.hostNetwork) return undefined;
  if (pod.labels['gateway.istio.io/managed'] === 'istio.io-mesh-controller')
    return `the pod runs an Istio waypoint proxy (label gateway.istio.io/managed=istio.io-mesh-controller)`;
  if (pod.labels.app === 'ztunnel') return `the pod runs Istio's ztunnel (label app=ztunnel)`;
  return undefined;
}
