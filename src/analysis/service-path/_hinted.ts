import type { ClusterModel, Service } from '../../model/types.ts';
import { lookup } from '../../model/lookup.ts';
import { topologyAutoAnnotation } from '../../model/service-topology.ts';

/**
 * Can the endpoints a client uses depend on its node's topology? True when a ready endpoint of the Service's slices
 * carries a zone or node hint — kube-proxy follows hints from any slice, whatever the Service's fields say
 * (pkg/proxy/topology.go `topologyModeFromHints`) — or the Service asks the topology cache for hints
 * (topology-mode Auto), which kubetwin does not compute. Headless Services are not proxied: false.
 */
export function hintedEndpoints(model: ClusterModel, svc: Service): boolean {
  if (svc.headless || svc.type === 'ExternalName') return false;
  if (topologyAutoAnnotation(svc)) return true;
  return lookup(model)
    .slicesOf(svc.namespace, svc.name)
    .some((s) =>
      s.endpoints.some((e) => e.conditions.ready && (e.hints?.forZones.length || e.hints?.forNodes?.length)),
    );
}
