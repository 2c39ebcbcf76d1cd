import type { ClusterModel, Service } from '../../model/types.ts';
import { otherServiceProxy } from './_proxy-name.ts';
import { apiServerEndpointsUnknown } from './_apiserver.ts';
import { unmodeledBackersReason } from './_unmodeled-backers.ts';

/** Is this Service one kubetwin added itself (the `kubernetes` or `kube-dns` stand-in), not one of the input? */
export const isStandIn = (svc: Service): boolean => svc.source?.file === '<addon>';

/**
 * Why a stand-in Service's endpoints are unknown: every cluster runs cluster DNS behind `kube-system/kube-dns`
 * (https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/), and kubetwin stands the Service in
 * where the input lacks it. For manifests it adds stand-in CoreDNS pods too; for a dump that holds the cluster's own
 * kube-system pods it adds none (they would be invented backends). If no pod of the input then backs the stand-in,
 * what serves it in the cluster is not in the input: its connections are unknown, not rejected.
 */
export function standInEndpointsUnknown(model: ClusterModel, svc: Service): string | undefined {
  if (!isStandIn(svc) || !svc.selector) return undefined;
  const selector = Object.entries(svc.selector);
  const backed = model.pods.some(
    (p) => p.namespace === svc.namespace && selector.every(([k, v]) => p.labels[k] === v),
  );
  if (backed) return undefined;
  return `Service ${svc.namespace}/${svc.name} is not in the input (kubetwin stands it in at ${svc.clusterIPs[0] ?? 'no address'}) and no pod of the input carries ${selector.map(([k, v]) => `${k}=${v}`).join(',')}: what serves it in the cluster is unknown (add the Service and its pods to the input)`;
}

/**
 * Why kube-proxy's rules over the input's endpoints are not the answer for a Service: another proxy serves it
 * (`service.kubernetes.io/service-proxy-name`), kube-apiserver writes its endpoints (`default/kubernetes` without its
 * slice), it is a stand-in that nothing in the input backs, or a workload of a kind kubetwin does not model runs
 * pods it selects. Undefined when they are.
 */
export function servicePathUnknown(model: ClusterModel, svc: Service): string | undefined {
  return (
    otherServiceProxy(svc) ??
    apiServerEndpointsUnknown(model, svc) ??
    standInEndpointsUnknown(model, svc) ??
    unmodeledBackersReason(model, svc)
  );
}
