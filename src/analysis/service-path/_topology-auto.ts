/**
 * `service.kubernetes.io/topology-mode: Auto` (or the deprecated `topology-aware-hints`): the EndpointSlice
 * controller's topology cache writes the hints. It allocates endpoints to zones in proportion to the allocatable CPU
 * of each zone's ready nodes, moves hints from zones with more than their share to zones with fewer, and writes none
 * at all when a node lacks a zone or CPU, the nodes span one zone, there are fewer endpoints than zones or the
 * allocation would overload an endpoint by more than 20 % (topologycache.go `AddHints`, `getAllocations`).
 * kubetwin does not model node CPU, so for slices it computes the hints, and the endpoints a client uses, are unknown
 * — slices given in the input (a dump) carry the controller's hints, and those are followed.
 * https://kubernetes.io/docs/concepts/services-networking/topology-aware-routing/#safeguards
 */
import { topologyAutoAnnotation } from '../../model/service-topology.ts';
import type { EndpointSlice, Service } from '../../model/types.ts';
import type { Candidate } from './_select.ts';

export function topologyAutoUnknown(
  svc: Service,
  candidates: readonly Candidate[],
  slices: readonly EndpointSlice[],
): string | undefined {
  const key = topologyAutoAnnotation(svc);
  if (!key) return undefined;
  // Slices from the input hold the hints the controller wrote; only computed ones (no source) lack them.
  if (!slices.some((s) => s.serviceName === svc.name && !s.source)) return undefined;
  // One ready endpoint is used whatever the hints (kube-proxy falls back to every ready endpoint).
  if (candidates.filter((c) => c.endpoint.conditions.ready).length < 2) return undefined;
  return `${key}: ${svc.annotations[key]} on Service ${svc.namespace}/${svc.name}: the EndpointSlice controller hints endpoints to zones in proportion to each zone's allocatable CPU, or gives no hints when the nodes or endpoints do not allow a safe allocation; kubetwin does not model node CPU, so which endpoints kube-proxy uses for this client is unknown (give the cluster's EndpointSlices, with their hints, to follow them)`;
}
