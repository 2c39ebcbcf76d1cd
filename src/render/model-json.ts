import { routingItems } from './get-routing.ts';
import type { ClusterModel } from '../model/types.ts';
import type { GetResource } from './get.ts';

/** The model's records of one resource as a `List`, for `-o json|yaml`. Keys keep the model's order. */
export function modelAsList(
  model: ClusterModel,
  resource: GetResource,
  namespace: string | undefined,
): { apiVersion: string; kind: 'List'; items: unknown[] } {
  const inNs = <T extends { namespace: string }>(items: readonly T[]) =>
    namespace === undefined ? items : items.filter((i) => i.namespace === namespace);
  const tag = (kind: string, items: readonly object[]) => items.map((i) => ({ kind, ...i }));
  const pick: Record<Exclude<GetResource, 'all'>, () => unknown[]> = {
    gatewayclasses: () => routingItems(model, 'gatewayclasses', namespace),
    gateways: () => routingItems(model, 'gateways', namespace),
    listenersets: () => routingItems(model, 'listenersets', namespace),
    httproutes: () => routingItems(model, 'httproutes', namespace),
    tlsroutes: () => routingItems(model, 'tlsroutes', namespace),
    tcproutes: () => routingItems(model, 'tcproutes', namespace),
    udproutes: () => routingItems(model, 'udproutes', namespace),
    backendtlspolicies: () => routingItems(model, 'backendtlspolicies', namespace),
    ingresses: () => routingItems(model, 'ingresses', namespace),
    openshiftroutes: () => routingItems(model, 'openshiftroutes', namespace),
    pods: () => tag('Pod', inNs(model.pods)),
    services: () => tag('Service', inNs(model.services)),
    endpointslices: () => tag('EndpointSlice', inNs(model.endpointSlices)),
    namespaces: () => tag('Namespace', model.namespaces),
    nodes: () => tag('Node', model.nodes),
    networkpolicies: () => tag('NetworkPolicy', inNs(model.networkPolicies)),
    // Clusterwide policies have no namespace and are listed in every one, as the table lists them.
    ciliumnetworkpolicies: () =>
      (model.ciliumPolicies ?? [])
        .filter((p) => namespace === undefined || p.namespace === undefined || p.namespace === namespace)
        .map((p) => ({ ...p })),
    workloads: () => inNs(model.workloads).map((w) => ({ ...w })),
  };
  const items =
    resource === 'all'
      ? (Object.keys(pick) as (keyof typeof pick)[]).flatMap((k) => pick[k]())
      : pick[resource]();
  return { apiVersion: 'kubetwin.dev/v1alpha1', kind: 'List', items };
}
