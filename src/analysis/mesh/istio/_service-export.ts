/**
 * Whether Istio exports a Kubernetes Service to a client's namespace: its `networking.istio.io/exportTo`
 * annotation (comma-separated: `*`, `.`, namespace names, `~` for none), else MeshConfig's
 * `defaultServiceExportTo` (`*` when the input does not give it). A sidecar in a namespace the Service is not
 * exported to has no outbound route for it: Istio then sends the traffic to its PassthroughCluster (ALLOW_ANY) or
 * BlackHoleCluster (REGISTRY_ONLY), which kubetwin does not model, so the answer is unknown.
 * https://istio.io/latest/docs/reference/config/annotations/#NetworkingExportTo
 * https://istio.io/latest/docs/reference/config/istio.mesh.v1alpha1/#MeshConfig (defaultServiceExportTo)
 */
import type { IstioExportDefaults } from '../../../model/mesh.ts';
import type { Service } from '../../../model/types.ts';

export const exportToAnnotation = 'networking.istio.io/exportTo';

/** Why `svc` is not visible to sidecars of `clientNs`; undefined when it is. */
export function serviceNotExported(
  svc: Service,
  clientNs: string,
  defaults: IstioExportDefaults | undefined,
): string | undefined {
  const annotated = svc.annotations[exportToAnnotation];
  const list =
    annotated !== undefined
      ? annotated
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
      : (defaults?.service ?? ['*']);
  const visible = list.some((x) => x === '*' || (x === '.' ? svc.namespace : x) === clientNs);
  if (visible) return undefined;
  const from =
    annotated !== undefined
      ? `its ${exportToAnnotation} annotation is "${annotated}"`
      : `defaultServiceExportTo [${list.join(', ')}] from ${defaults?.from ?? 'the mesh config'}`;
  return `Service ${svc.namespace}/${svc.name} is not exported to namespace ${clientNs} (${from}): the client's sidecar has no route for it and sends the traffic to its PassthroughCluster (ALLOW_ANY) or BlackHoleCluster (REGISTRY_ONLY), which kubetwin does not model`;
}
