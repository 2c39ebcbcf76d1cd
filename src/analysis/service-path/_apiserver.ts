import type { ClusterModel, Service } from '../../model/types.ts';

/**
 * Why the `default/kubernetes` Service's endpoints are unknown: kube-apiserver writes them itself (its endpoint
 * reconciler keeps the Endpoints and EndpointSlice named `kubernetes` listing every API server's address and
 * secure port; the Service has no selector), so when the input holds that Service but no EndpointSlice for it — a
 * dump of Services without EndpointSlices, manifests that declare the Service — the endpoints exist in the cluster
 * but not in the input. Undefined for any other Service, and when the slice is there.
 * https://kubernetes.io/docs/concepts/overview/components/#kube-apiserver ·
 * kubernetes/kubernetes pkg/controlplane/reconcilers (`lease` endpoint reconciler)
 */
export function apiServerEndpointsUnknown(model: ClusterModel, svc: Service): string | undefined {
  if (svc.namespace !== 'default' || svc.name !== 'kubernetes') return undefined;
  if (model.endpointSlices.some((s) => s.namespace === 'default' && s.serviceName === 'kubernetes'))
    return undefined;
  return "the input holds the default/kubernetes Service but no EndpointSlice for it: kube-apiserver writes its endpoints (the API servers' addresses) itself, so where a connection to it goes is unknown (add the kubernetes EndpointSlice to the input, e.g. kubectl get endpointslices -n default kubernetes -o yaml)";
}
