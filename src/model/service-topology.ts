/**
 * Which topology hints the EndpointSlice controller writes for a Service.
 *
 * - The `service.kubernetes.io/topology-mode` annotation (or the deprecated `service.kubernetes.io/topology-aware-hints`)
 *   set to `Auto` or `auto` hands the hints to the controller's topology cache, which allocates endpoints to zones in
 *   proportion to each zone's allocatable CPU and gives none at all when the nodes or endpoints do not allow a safe
 *   allocation; it takes precedence over `spec.trafficDistribution` (reconciler.go `hintsEnabled`,
 *   topologycache.go `AddHints`).
 * - Otherwise `trafficDistribution` `PreferClose` or `PreferSameZone` gives every ready endpoint with a zone a hint
 *   for its own zone, and `PreferSameNode` also a hint for its own node (trafficdist.go `preferCloseHeuristic`).
 *
 * https://kubernetes.io/docs/concepts/services-networking/topology-aware-routing/ ·
 * https://kubernetes.io/docs/reference/networking/virtual-ips/#traffic-distribution ·
 * kubernetes/kubernetes staging/src/k8s.io/endpointslice/{reconciler.go,trafficdist/trafficdist.go}
 */
import type { Service } from './types.ts';

/** The annotation that asks for the topology cache (`Auto`/`auto`), or undefined. */
export function topologyAutoAnnotation(svc: Service): string | undefined {
  for (const key of ['service.kubernetes.io/topology-mode', 'service.kubernetes.io/topology-aware-hints']) {
    const value = svc.annotations[key];
    // The first key present decides, as hintsEnabled reads it.
    if (value !== undefined) return value === 'Auto' || value === 'auto' ? key : undefined;
  }
  return undefined;
}

/** The hints `trafficDistribution` makes the controller write: own zone, own zone and node, or none. */
export function trafficDistributionHints(svc: Service): 'zone' | 'zone-and-node' | undefined {
  if (topologyAutoAnnotation(svc)) return undefined;
  const td = svc.trafficDistribution;
  if (td === 'PreferClose' || td === 'PreferSameZone') return 'zone';
  if (td === 'PreferSameNode') return 'zone-and-node';
  return undefined;
}
