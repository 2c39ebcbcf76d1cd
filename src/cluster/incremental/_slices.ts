/**
 * One Service's EndpointSlices, recomputed alone: what `buildEndpointSlices` gives for the whole cluster,
 * restricted to that Service, is what it gives for that Service, the pods of its namespace and the
 * EndpointSlice and Endpoints objects that name it (the controller works Service by Service, and so does the
 * builder: computed slices from the selected pods, observed slices kept in their place, Endpoints mirrored).
 * https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/
 */
import type { Diagnostic } from '../../model/diagnostic.ts';
import type { EndpointSlice, Node, Pod, Service } from '../../model/types.ts';
import { objectKey } from '../../model/keys.ts';
import { matches, selectorFromMap } from '../../lib/labels.ts';
import type { Envelope } from '../_envelope.ts';
import { buildEndpointSlices } from '../_endpointslices.ts';

/** The Service an EndpointSlice or Endpoints object belongs to; undefined for an orphan slice. */
export function ownerOfSliceObject(env: Envelope): string | undefined {
  if (env.kind === 'Endpoints') return objectKey('Service', env.namespace, env.name);
  const name = env.labels['kubernetes.io/service-name'];
  return name ? objectKey('Service', env.namespace, name) : undefined;
}

/** The owner key of a model slice (the Service it names). */
export const ownerOfSlice = (s: EndpointSlice): string => objectKey('Service', s.namespace, s.serviceName);

/** Whether a change of a pod from `before` labels to `after` labels can change `svc`'s slices. */
export function selects(svc: Service, labels: Record<string, string> | undefined): boolean {
  if (!labels || !svc.selector || svc.type === 'ExternalName') return false;
  return matches(selectorFromMap(svc.selector), labels);
}

/** `svc`'s slices from the pods of its namespace (any order) and the slice objects that name it. */
export function slicesOfService(
  svc: Service,
  podsOfNamespace: Iterable<Pod>,
  nodes: readonly Node[],
  sliceObjects: readonly Envelope[],
): EndpointSlice[] {
  const selected: Pod[] = [];
  if (svc.selector && svc.type !== 'ExternalName') {
    const sel = selectorFromMap(svc.selector);
    for (const p of podsOfNamespace) if (matches(sel, p.labels)) selected.push(p);
    // The builder hands pods over in key order (placement's order).
    selected.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  // Drift findings go to the diagnostics of the next full build, not here.
  const ignore = (_d: Diagnostic) => undefined;
  return buildEndpointSlices([svc], selected, nodes, sliceObjects, ignore);
}
