import type { ClusterModel, Service } from '../../model/types.ts';
import { createDns, recordLine } from '../dns/index.ts';

/** What `endpoints` answers for an ExternalName Service: no endpoints by design, and the DNS alias it is instead. */
export interface ExternalNameResult {
  /** `namespace/name`. */
  readonly service: string;
  readonly type: 'ExternalName';
  readonly externalName: string;
  /** What cluster DNS answers for the Service's name (type A), as `kubetwin resolve NAME` does. */
  readonly dns: {
    readonly name: string;
    readonly rcode: string;
    /** Zone-file lines of the answer: the CNAME to `externalName`, then whatever follows it. */
    readonly answer: readonly string[];
    readonly notes: readonly string[];
  };
  /** EndpointSlices the input labels with the Service's name anyway (none is made for it): they carry no traffic. */
  readonly endpointSlices: readonly string[];
  readonly notes: readonly string[];
}

/**
 * An ExternalName Service has no endpoints by design: its selector is ignored (the Service API reference: selector
 * "only applies to types ClusterIP, NodePort, and LoadBalancer. Ignored if type is ExternalName"), the EndpointSlice
 * controller makes no EndpointSlice for it (kubernetes/kubernetes pkg/controller/endpointslice, syncService returns
 * early for ExternalName) and kube-proxy programs no rule for it; cluster DNS answers its name with a CNAME to
 * `spec.externalName`, and the client connects wherever that name resolves.
 * https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceSpec
 * https://kubernetes.io/docs/concepts/services-networking/service/#externalname
 */
export function externalNamePath(model: ClusterModel, svc: Service): ExternalNameResult {
  const name = `${svc.name}.${svc.namespace}.svc.${model.profile.clusterDomain}.`;
  const reply = createDns(model).answer({ name, type: 'A' });
  const slices = model.endpointSlices
    .filter((s) => s.namespace === svc.namespace && s.serviceName === svc.name)
    .map((s) => s.key)
    .sort();
  const externalName = svc.externalName ?? '';
  return {
    service: `${svc.namespace}/${svc.name}`,
    type: 'ExternalName',
    externalName,
    dns: {
      name,
      rcode: reply.rcode,
      answer: reply.answer.map((r) => recordLine(r, ' ')),
      notes: reply.notes,
    },
    endpointSlices: slices,
    notes: [
      `an ExternalName Service has no endpoints by design: the EndpointSlice controller makes none for it and kube-proxy programs no rule for it; cluster DNS answers ${name} with a CNAME to ${externalName || '(no externalName)'}, and clients connect wherever that name resolves (trace a URL on the Service name to follow it)`,
      ...(slices.length
        ? [
            `${slices.length} EndpointSlice(s) in the input carry the Service's name label (${slices.join(', ')}): kube-proxy ignores them for an ExternalName Service`,
          ]
        : []),
    ],
  };
}
