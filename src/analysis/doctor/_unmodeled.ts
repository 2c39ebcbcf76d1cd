import { unmodeledObjects } from '../unmodeled/index.ts';
import type { DoctorRule, Finding } from './types.ts';

/**
 * Objects of kinds that change connectivity or routing but that kubetwin does not model (another CNI's policies,
 * a service mesh, another router; `trafficKinds` in the catalogue): every answer they could change is unknown.
 */
export const kindChangesTrafficNotModeled: DoctorRule = {
  code: 'kind-changes-traffic-not-modeled',
  severity: 'warning',
  summary:
    'an object of a kind that changes connectivity or routing but is not modeled (Calico, Antrea, Cilium, Istio, Linkerd, OpenShift EgressNetworkPolicy, Traefik CRDs, …)',
  check: ({ model }) =>
    unmodeledObjects(model).map((o): Finding => ({
      code: 'kind-changes-traffic-not-modeled',
      severity: 'warning',
      message: `${o.kind} (${o.group}) ${o.namespace ? `${o.namespace}/` : ''}${o.name} changes ${o.affects.join(' and ')} (${o.note}), and kubetwin does not model it`,
      objects: [{ key: o.key, source: o.source }],
      breaks: `answers about ${o.scope === 'cluster' ? 'every namespace' : `namespace ${o.namespace}`} may be wrong: reach and test say unknown where it applies${o.affects.includes('routing') ? ', route and trace name it when it names the host or backend' : ''}`,
      fix: 'Check the connections it governs on the cluster itself, or express the rule as a Kubernetes NetworkPolicy, AdminNetworkPolicy or Gateway API route, which kubetwin models.',
    })),
};
