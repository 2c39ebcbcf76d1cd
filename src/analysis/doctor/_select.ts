import type { ClusterModel, Namespace, Pod, Service } from '../../model/types.ts';
import { LabelIndex } from '../../lib/label-index.ts';
import { matches, selectorFromMap, type Selector } from '../../lib/labels.ts';

const cache = new WeakMap<ClusterModel, Map<string, LabelIndex<Pod>>>();

/** Pods of a namespace matching a selector, through a per-namespace label index built once per model. */
export function selectPods(model: ClusterModel, namespace: string, selector: Selector): Pod[] {
  return podIndex(model, namespace)?.select(selector) ?? [];
}

/** Does any pod of the namespace match the selector? (`selectPods(…).length > 0` without the list.) */
export function selectsAnyPod(model: ClusterModel, namespace: string, selector: Selector): boolean {
  return podIndex(model, namespace)?.any(selector) ?? false;
}

function podIndex(model: ClusterModel, namespace: string): LabelIndex<Pod> | undefined {
  let byNs = cache.get(model);
  if (!byNs) {
    byNs = new Map();
    const lists = new Map<string, Pod[]>();
    for (const p of model.pods) {
      const l = lists.get(p.namespace) ?? [];
      l.push(p);
      lists.set(p.namespace, l);
    }
    for (const [ns, pods] of lists) byNs.set(ns, new LabelIndex(pods, (p) => p.labels));
    cache.set(model, byNs);
  }
  return byNs.get(namespace);
}

/** Pods a Service's selector picks in its namespace (empty without a selector). */
export function podsSelectedBy(model: ClusterModel, s: Service): Pod[] {
  return s.selector ? selectPods(model, s.namespace, selectorFromMap(s.selector)) : [];
}

/** Namespaces whose labels match a namespaceSelector. */
export function selectNamespaces(model: ClusterModel, selector: Selector): Namespace[] {
  return model.namespaces.filter((n) => matches(selector, n.labels));
}
