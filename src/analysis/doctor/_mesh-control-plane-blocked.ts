import { matches, selectorFromMap } from '../../lib/labels.ts';
import type { Pod, Service } from '../../model/types.ts';
import { compileMesh } from '../mesh/index.ts';
import type { DoctorRule, Finding } from './types.ts';

/**
 * The control-plane ports every proxy must reach: Istio's sidecars fetch configuration and certificates from
 * istiod on 15012 (https://istio.io/latest/docs/ops/deployment/application-requirements/#ports-used-by-istio);
 * Linkerd's proxies reach the destination (8086), identity (8080) and policy (8090) controllers
 * (https://linkerd.io/2.15/reference/architecture/#control-plane). The policy port is confirmed by linkerd2's
 * charts/linkerd-control-plane/templates/destination.yaml: the headless Service `linkerd-policy` (port `grpc`
 * 8090 → targetPort 8090) selects the `linkerd-destination` pods, whose `policy` container serves gRPC on
 * `--grpc-addr=0.0.0.0:8090` (9990 is its admin port and 9443 the validating webhook behind
 * `linkerd-policy-validator`, which proxies do not use).
 */
const controlPlane: Readonly<
  Record<'istio' | 'linkerd', readonly { service: string; port: number; does: string }[]>
> = {
  istio: [{ service: 'istiod', port: 15012, does: 'configuration (xDS) and certificates' }],
  linkerd: [
    { service: 'linkerd-dst', port: 8086, does: 'service discovery' },
    { service: 'linkerd-identity', port: 8080, does: 'its mTLS certificate' },
    { service: 'linkerd-policy', port: 8090, does: 'its inbound policy' },
  ],
};

const who = (p: Pod) => (p.owner ? p.owner.split('/').slice(1).join('/') : `${p.namespace}/${p.name}`);

/**
 * NetworkPolicies that keep meshed pods from their control plane: egress from a meshed workload to the
 * control-plane Service's pods on the port the proxy uses is denied, so the proxy cannot start or gets no
 * configuration. Judged only for control-plane Services present in the input (the Istio root namespace,
 * `linkerd`); one finding per workload and port.
 */
export const meshControlPlaneBlocked: DoctorRule = {
  code: 'mesh-control-plane-blocked',
  reportsPolicyDenial: true,
  severity: 'error',
  summary:
    "NetworkPolicies that deny meshed pods egress to their control plane (istiod 15012; Linkerd's destination 8086, identity 8080, policy 8090)",
  check({ model, engine }) {
    const name = model.mesh?.name;
    if (!name || !engine) return [];
    const ns = name === 'istio' ? model.mesh!.rootNamespace : 'linkerd';
    const mesh = compileMesh(model);
    const seen = new Set<string>();
    const clients = model.pods.filter((p) => {
      if (!p.ip || !mesh.sidecar(p).meshed || seen.has(p.owner ?? p.key)) return false;
      seen.add(p.owner ?? p.key);
      return true;
    });
    const out: Finding[] = [];
    for (const cp of controlPlane[name]) {
      const svc: Service | undefined = model.services.find(
        (s) => s.namespace === ns && s.name === cp.service,
      );
      const sp = svc?.ports.find((p) => p.port === cp.port && p.protocol === 'TCP');
      if (!svc?.selector || !sp) continue;
      const targets = model.pods.filter(
        (p) => p.ip && p.namespace === ns && matches(selectorFromMap(svc.selector!), p.labels),
      );
      const port = (p: Pod) =>
        typeof sp.targetPort === 'number'
          ? sp.targetPort
          : p.ports.find((c) => c.name === sp.targetPort)?.containerPort;
      for (const c of clients) {
        const denied = targets.filter((t) => {
          const tp = port(t);
          return (
            tp !== undefined && !engine.allows({ kind: 'pod', pod: c }, { kind: 'pod', pod: t }, tp, 'TCP')
          );
        });
        if (!denied.length || denied.length < targets.length) continue;
        out.push({
          code: 'mesh-control-plane-blocked',
          severity: 'error',
          message: `the NetworkPolicies deny ${who(c)} (${name} proxy) egress to Service ${ns}/${cp.service} port ${cp.port}, where its proxy gets ${cp.does}`,
          objects: [
            { key: c.owner ?? c.key, source: c.source },
            { key: svc.key, source: svc.source },
          ],
          breaks: `the ${name} proxy of ${who(c)} cannot reach its control plane: it does not become ready, or runs without configuration`,
          fix: `Allow egress from ${c.namespace} to the ${ns} pods of ${cp.service} on port ${typeof sp.targetPort === 'number' ? sp.targetPort : sp.targetPort}.`,
        });
      }
    }
    return out;
  },
};
