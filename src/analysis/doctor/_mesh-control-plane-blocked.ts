import type { Pod } from '../../model/types.ts';
import { controlPlaneTargets, meshedWorkloadPods } from '../mesh/index.ts';
import type { DoctorRule, Finding } from './types.ts';

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
    const clients = meshedWorkloadPods(model);
    const out: Finding[] = [];
    for (const {
      namespace: ns,
      entry: cp,
      service: svc,
      servicePort: sp,
      pods: targets,
    } of controlPlaneTargets(model)) {
      if (!svc || !sp || !targets.length) continue;
      for (const c of clients) {
        const allowed = targets.some(({ pod: t, port }) =>
          engine.allows({ kind: 'pod', pod: c }, { kind: 'pod', pod: t }, port, 'TCP'),
        );
        if (allowed) continue;
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
