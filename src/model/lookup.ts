import type { ClusterModel, EndpointSlice, Node, Pod, Service } from './types.ts';

/** Indexes over a model, built once per model on first use (the model is read-only, so they never go stale). */
export interface ModelLookup {
  podByKey(key: string): Pod | undefined;
  /** A pod by `namespace/name`. */
  podByRef(ref: string): Pod | undefined;
  /** Pods of a workload, by the workload's key, in model order. */
  podsOfWorkload(key: string): readonly Pod[];
  nodeByName(name: string): Node | undefined;
  /** A Service by `namespace/name`. */
  serviceByRef(ref: string): Service | undefined;
  /** The EndpointSlices of a Service, in model order. */
  slicesOf(namespace: string, service: string): readonly EndpointSlice[];
}

const cache = new WeakMap<ClusterModel, ModelLookup>();

function group<T>(items: readonly T[], key: (t: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

export function lookup(model: ClusterModel): ModelLookup {
  let l = cache.get(model);
  if (l) return l;
  const podByKey = new Map(model.pods.map((p) => [p.key, p]));
  const podByRef = new Map(model.pods.map((p) => [`${p.namespace}/${p.name}`, p]));
  const podsByOwner = group(model.pods, (p) => p.owner);
  const nodes = new Map(model.nodes.map((n) => [n.name, n]));
  const services = new Map(model.services.map((s) => [`${s.namespace}/${s.name}`, s]));
  const slices = group(model.endpointSlices, (e) => `${e.namespace}/${e.serviceName}`);
  l = {
    podByKey: (k) => podByKey.get(k),
    podByRef: (r) => podByRef.get(r),
    podsOfWorkload: (k) => podsByOwner.get(k) ?? [],
    nodeByName: (n) => nodes.get(n),
    serviceByRef: (r) => services.get(r),
    slicesOf: (ns, name) => slices.get(`${ns}/${name}`) ?? [],
  };
  cache.set(model, l);
  return l;
}
