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
import { matches, selectorFromMap, type Selector } from '../../lib/labels.ts';
import type { Envelope } from '../_envelope.ts';
import {
  buildEndpointSlices,
  computedSlices,
  controllerName,
  newSliceMemo,
  type SliceMemo,
} from '../_endpointslices.ts';

/** The Service an EndpointSlice or Endpoints object belongs to; undefined for an orphan slice. */
export function ownerOfSliceObject(env: Envelope): string | undefined {
  if (env.kind === 'Endpoints') return objectKey('Service', env.namespace, env.name);
  const name = env.labels['kubernetes.io/service-name'];
  return name ? objectKey('Service', env.namespace, name) : undefined;
}

/** The owner key of a model slice (the Service it names). */
export const ownerOfSlice = (s: EndpointSlice): string => objectKey('Service', s.namespace, s.serviceName);

/** Each Service selector map read once (records are immutable): asked per pod event of its namespace. */
const selectors = new WeakMap<Record<string, string>, Selector>();
function selectorOf(map: Record<string, string>): Selector {
  let sel = selectors.get(map);
  if (!sel) selectors.set(map, (sel = selectorFromMap(map)));
  return sel;
}

/** Whether a change of a pod from `before` labels to `after` labels can change `svc`'s slices. */
export function selects(svc: Service, labels: Record<string, string> | undefined): boolean {
  if (!labels || !svc.selector || svc.type === 'ExternalName') return false;
  return matches(selectorOf(svc.selector), labels);
}

/**
 * `svc`'s slices from the pods of its namespace (any order) and the slice objects that name it. Without slice
 * objects, the builder's result for one Service is the computed slices in name order (nothing observed to prefer,
 * nothing manual to add); `zoneOf` gives each node's zone; `memo` (this Service record's, for this `zoneOf`) keeps
 * the endpoints of unchanged pods.
 */
export function slicesOfService(
  svc: Service,
  podsOfNamespace: Iterable<Pod>,
  nodes: readonly Node[],
  zoneOf: ReadonlyMap<string, string | undefined>,
  sliceObjects: readonly Envelope[],
  memo?: SliceMemo,
): EndpointSlice[] {
  const selected: Pod[] = [];
  if (svc.selector && svc.type !== 'ExternalName') {
    const sel = selectorOf(svc.selector);
    for (const p of podsOfNamespace) if (matches(sel, p.labels)) selected.push(p);
    // The builder hands pods over in key order (placement's order).
    selected.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
  if (!sliceObjects.length)
    return svc.selector && svc.type !== 'ExternalName'
      ? computedSlices(svc, selected, zoneOf, memo).sort(byNamespaceName)
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

/**
 * The memos of a full build's computed slices: each endpoint the controller computed for a pod (through the same
 * `computedSlices` a memo serves), so that the first change of a Service after a rebuild already keeps the
 * endpoints of its other pods. Only Services whose slices are all computed (no EndpointSlice or Endpoints object
 * names them) and endpoints without topology hints (those are copies made per call) are taken, and each only when
 * it names the pod and the pod's address of the slice's family.
 */
export function builtSliceMemos(
  slices: readonly EndpointSlice[],
  serviceByKey: ReadonlyMap<string, Service>,
  podByKey: ReadonlyMap<string, Pod>,
  observed: ReadonlySet<string>,
): WeakMap<Service, SliceMemo> {
  const memos = new WeakMap<Service, SliceMemo>();
  for (const slice of slices) {
    const svc = serviceByKey.get(ownerOfSlice(slice));
    if (!svc?.selector || svc.type === 'ExternalName' || observed.has(svc.key)) continue;
    if (slice.managedBy !== controllerName || slice.addressType === 'FQDN') continue;
    let memo = memos.get(svc);
    if (!memo) memos.set(svc, (memo = newSliceMemo()));
    const v6 = slice.addressType === 'IPv6';
    for (const ep of slice.endpoints) {
      const pod = ep.targetRef ? podByKey.get(ep.targetRef) : undefined;
      if (!pod || ep.hints || ep.addresses.length !== 1) continue;
      if (ep.addresses[0] !== pod.ips.find((ip) => ip.includes(':') === v6)) continue;
      memo.endpoints[slice.addressType].set(pod, ep);
      if (!memo.resolved.has(pod.ports)) {
        const sig = JSON.stringify(slice.ports);
        const ports = memo.bySig.get(sig) ?? slice.ports;
        memo.bySig.set(sig, ports);
        memo.resolved.set(pod.ports, { ports, sig });
      }
    }
  }
  return memos;
}
