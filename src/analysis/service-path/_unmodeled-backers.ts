/**
 * Services an unmodeled workload may back: its pod template's labels satisfy the Service's selector (in the
 * Service's namespace), so its controller's pods would be endpoints kubetwin does not see — the EndpointSlice
 * controller selects pods by label whoever made them.
 * https://kubernetes.io/docs/concepts/services-networking/service/#services-in-kubernetes
 */
import { matches, selectorFromMap } from '../../lib/labels.ts';
import type { ClusterModel, Service, UnmodeledWorkload } from '../../model/types.ts';

/** The unmodeled workloads whose pods the Service would select. */
export function unmodeledBackers(model: ClusterModel, svc: Service): UnmodeledWorkload[] {
  if (!svc.selector || !model.unmodeledWorkloads?.length) return [];
  const selector = selectorFromMap(svc.selector);
  return model.unmodeledWorkloads.filter(
    (w) => w.namespace === svc.namespace && matches(selector, w.templateLabels),
  );
}

/** The reason an answer through the Service is unknown, naming the workloads; undefined when none may back it. */
export function unmodeledBackersReason(model: ClusterModel, svc: Service): string | undefined {
  const backers = unmodeledBackers(model, svc);
  if (!backers.length) return undefined;
  const named = backers.map((w) => `${w.kind} (${w.apiVersion}) ${w.namespace}/${w.name}`).join(', ');
  return `Service ${svc.namespace}/${svc.name} selects the pod template of ${named}, a kind kubetwin does not model: its controller's pods would be endpoints of the Service that the model does not hold`;
}
