import { findPort } from '../../cluster/index.ts';
import { matches, selectorFromMap } from '../../lib/labels.ts';
import type { MeshName } from '../../model/mesh.ts';
import type { ClusterModel, Pod, Service, ServicePort } from '../../model/types.ts';

/** One control-plane Service port every proxy of a mesh connects to, and what the proxy gets there. */
export interface ControlPlanePort {
  readonly service: string;
  readonly port: number;
  readonly does: string;
}

/**
 * The control-plane ports every proxy must reach: Istio's sidecars and gateway proxies fetch configuration and
 * certificates from istiod on 15012 (https://istio.io/latest/docs/ops/deployment/application-requirements/#ports-used-by-istio,
 * "XDS and CA services (TLS and mTLS, recommended for production use)"); Linkerd's proxies reach the destination
 * (8086), identity (8080) and policy (8090) controllers (https://linkerd.io/2.15/reference/architecture/#control-plane).
 * The policy port is confirmed by linkerd2's charts/linkerd-control-plane/templates/destination.yaml: the headless
 * Service `linkerd-policy` (port `grpc` 8090 → targetPort 8090) selects the `linkerd-destination` pods, whose
 * `policy` container serves gRPC on `--grpc-addr=0.0.0.0:8090` (9990 is its admin port and 9443 the validating
 * webhook behind `linkerd-policy-validator`, which proxies do not use).
 */
export const meshControlPlane: Readonly<Record<MeshName, readonly ControlPlanePort[]>> = {
  istio: [{ service: 'istiod', port: 15012, does: 'configuration (xDS) and certificates' }],
  linkerd: [
    { service: 'linkerd-dst', port: 8086, does: 'service discovery' },
    { service: 'linkerd-identity', port: 8080, does: 'its mTLS certificate' },
    { service: 'linkerd-policy', port: 8090, does: 'its inbound policy' },
  ],
};

/** Where a mesh's control plane runs: Istio's root namespace, Linkerd's `linkerd`. */
export function controlPlaneNamespace(model: ClusterModel): string | undefined {
  const name = model.mesh?.name;
  return name === 'istio' ? model.mesh!.rootNamespace : name === 'linkerd' ? 'linkerd' : undefined;
}

/** A control-plane port as the input has it: its Service and the pods behind it, or the Service missing. */
export interface ControlPlaneTarget {
  readonly namespace: string;
  readonly entry: ControlPlanePort;
  /** Absent when the input holds no such Service (port) in the control-plane namespace. */
  readonly service?: Service;
  readonly servicePort?: ServicePort;
  /** The pods with an address the Service selects, each with the port its proxy connects to. */
  readonly pods: readonly { readonly pod: Pod; readonly port: number }[];
}

/** Each control-plane port of the model's mesh, resolved against the input (none without a mesh). */
export function controlPlaneTargets(model: ClusterModel): ControlPlaneTarget[] {
  const name = model.mesh?.name;
  const namespace = controlPlaneNamespace(model);
  if (!name || !namespace) return [];
  return meshControlPlane[name].map((entry) => {
    const service = model.services.find((s) => s.namespace === namespace && s.name === entry.service);
    const servicePort = service?.ports.find((p) => p.port === entry.port && p.protocol === 'TCP');
    if (!service?.selector || !servicePort) return { namespace, entry, pods: [] };
    const selector = selectorFromMap(service.selector);
    const pods: { pod: Pod; port: number }[] = [];
    for (const pod of model.pods) {
      if (!pod.ip || pod.namespace !== namespace || !matches(selector, pod.labels)) continue;
      const port = findPort(pod, servicePort.targetPort, 'TCP');
      if (port !== undefined) pods.push({ pod, port });
    }
    return { namespace, entry, service, servicePort, pods };
  });
}
