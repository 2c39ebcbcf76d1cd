/**
 * One Service's EndpointSlices, recomputed alone: what `buildEndpointSlices` gives for the whole cluster,
 * restricted to that Service, is what it gives for that Service, the pods of its namespace and the
 * EndpointSlice and Endpoints objects that name it (the controller works Service by Service, and so does the
 * builder: computed slices from the selected pods, observed slices kept in their place, Endpoints mirrored).
 * https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/
 */
import type { Diagnostic } from '../../model/diagnostic.ts';
import type { EndpointSlice, Node, Pod, Service } from '../../model/types.ts';
import { byNamespaceName, objectKey } from '../../model/keys.ts';
import { matches, selectorFromMap } from '../../lib/labels.ts';
import type { Envelope } from '../_envelope.ts';
import { buildEndpointSlices, computedSlices } from '../_endpointslices.ts';

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

/**
 * `svc`'s slices from the pods of its namespace (any order) and the slice objects that name it. Without slice
 * objects, the builder's result for one Service is the computed slices in name order (nothing observed to prefer,
 * nothing manual to add); `zoneOf` gives each node's zone.
 */
export function slicesOfService(
  svc: Service,
  podsOfNamespace: Iterable<Pod>,
  nodes: readonly Node[],
  zoneOf: ReadonlyMap<string, string | undefined>,
  sliceObjects: readonly Envelope[],
): EndpointSlice[] {
  const selected: Pod[] = [];
  if (svc.selector && svc.type !== 'ExternalName') {
    const sel = selectorFromMap(svc.selector);
    for (const p of podsOfNamespace) if (matches(sel, p.labels)) selected.push(p);
    // The builder hands pods over in key order (placement's order).
    selected.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  if (!sliceObjects.length)
    return svc.selector && svc.type !== 'ExternalName'
      ? computedSlices(svc, selected, zoneOf).sort(byNamespaceName)
      : [];
  // Drift findings go to the diagnostics of the next full build, not here.
  const ignore = (_d: Diagnostic) => undefined;
  return buildEndpointSlices([svc], selected, nodes, sliceObjects, ignore);
}

/** Whether two values of plain data (JSON-like: objects, arrays, strings, numbers, booleans) are equal. */
export function samePlain(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!samePlain(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let n = 0;
  for (const k in x) {
    if (!(k in y) || !samePlain(x[k], y[k])) return false;
    n++;
  }
  for (const _ in y) n--;
  return n === 0;
}

/**
 * `after` with each slice equal to the `before` slice of the same name replaced by that earlier object: slices a
 * change leaves alone keep their identity, so that what is derived from them (the DNS zone) is not derived again.
 */
export function keepUnchanged(before: readonly EndpointSlice[], after: EndpointSlice[]): EndpointSlice[] {
  if (!before.length) return after;
  const byKey = new Map(before.map((s) => [s.key, s]));
  return after.map((s) => {
    const old = byKey.get(s.key);
    return old && samePlain(old, s) ? old : s;
  });
}
