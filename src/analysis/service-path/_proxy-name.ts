import type { Service } from '../../model/types.ts';

/** The label that hands a Service to another proxy (KEP-2447, "Make kube-proxy service abstraction optional"). */
export const serviceProxyNameLabel = 'service.kubernetes.io/service-proxy-name';

/**
 * Why a Service's virtual IPs may not lead where kube-proxy would send them: kube-proxy watches only Services without
 * the label `service.kubernetes.io/service-proxy-name` (its informers select `DoesNotExist` on it:
 * kubernetes/kubernetes cmd/kube-proxy/app/server.go, `noProxyName`; the label's value, even empty, names the proxy
 * that serves it instead), so the ClusterIP, node ports and load-balancer addresses are whatever that proxy makes of
 * them. Headless Services have no virtual IP (DNS gives the pods) and ExternalName ones no proxy: undefined for them,
 * and for a Service without the label. https://kubernetes.io/docs/reference/labels-annotations-taints/#servicekubernetesioservice-proxy-name
 */
export function otherServiceProxy(svc: Service): string | undefined {
  if (svc.headless || svc.type === 'ExternalName') return undefined;
  if (!Object.prototype.hasOwnProperty.call(svc.labels, serviceProxyNameLabel)) return undefined;
  const name = svc.labels[serviceProxyNameLabel];
  return `Service ${svc.namespace}/${svc.name} has the label ${serviceProxyNameLabel}${name ? `=${name}` : ''}: kube-proxy ignores it and ${name ? `the proxy "${name}"` : 'another proxy'} serves its virtual IPs, which kubetwin does not model, so where a connection to them goes is unknown`;
}
