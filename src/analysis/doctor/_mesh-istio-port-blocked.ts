import { matches, selectorFromMap } from '../../lib/labels.ts';
import type { NetworkPolicy, Pod } from '../../model/types.ts';
import type { DoctorRule, Finding } from './types.ts';
import { admitsPort } from './_admits-port.ts';

/**
 * Istio ports that callers outside the mesh must reach on Istio's own pods
 * (https://istio.io/latest/docs/ops/deployment/application-requirements/#ports-used-by-istio):
 * - 15017 on istiod: the Kubernetes API server calls the sidecar-injection and config-validation webhooks
 *   there (the `istiod` Service's port 443 targets it);
 * - 15021 on the ingress gateway: the health check (`/healthz/ready`) load balancers probe.
 * The API server and the load balancer are not pods and their addresses are not in the input, so a finding
 * is raised only when Ingress NetworkPolicies select the pod and no ingress rule admits the port from any
 * peer at all: then nothing can reach it. (15008, the HBONE tunnel port, is used by ambient mode, which is
 * not modeled; 15012 from the sidecars is `mesh-control-plane-blocked`.)
 */
const ports = [
  {
    port: 15017,
    role: 'istiod',
    severity: 'error' as const,
    breaks:
      "the API server cannot call istiod's webhooks: pods are created without the sidecar (or refused, with failurePolicy Fail) and Istio objects fail validation",
  },
  {
    port: 15021,
    role: 'the Istio ingress gateway',
    severity: 'warning' as const,
    breaks:
      "the load balancer's health checks on /healthz/ready fail: it marks the gateway unhealthy and stops sending it traffic",
  },
];

const who = (p: Pod) => (p.owner ? p.owner.split('/').slice(1).join('/') : `${p.namespace}/${p.name}`);

export const meshIstioPortBlocked: DoctorRule = {
  code: 'mesh-istio-port-blocked',
  reportsPolicyDenial: true,
  severity: 'error',
  summary:
    "Ingress NetworkPolicies on Istio's own pods that admit nothing on istiod's webhook port 15017 or the ingress gateway's health port 15021",
  check({ model }) {
    if (model.mesh?.name !== 'istio') return [];
    const root = model.mesh.rootNamespace;
    const istiod = model.services.find((s) => s.namespace === root && s.name === 'istiod');
    const gateways = (model.mesh.istioGateways ?? []).filter((g) => Object.keys(g.selector).length);
    const roleOf = (p: Pod): number | undefined => {
      if (istiod?.selector && p.namespace === root && matches(selectorFromMap(istiod.selector), p.labels))
        return 15017;
      if (gateways.some((g) => matches(selectorFromMap(g.selector), p.labels))) return 15021;
      return undefined;
    };
    const out: Finding[] = [];
    const seen = new Set<string>();
    for (const pod of model.pods) {
      const port = pod.ip && !pod.hostNetwork ? roleOf(pod) : undefined;
      if (port === undefined || seen.has(pod.owner ?? pod.key)) continue;
      seen.add(pod.owner ?? pod.key);
      const p = ports.find((x) => x.port === port)!;
      if (port === 15021 && !pod.ports.some((c) => c.containerPort === 15021)) continue;
      const selecting: NetworkPolicy[] = model.networkPolicies.filter(
        (n) =>
          n.namespace === pod.namespace &&
          n.policyTypes.includes('Ingress') &&
          matches(n.podSelector, pod.labels),
      );
      if (!selecting.length || selecting.some((n) => n.ingress.some((r) => admitsPort(r, port, pod))))
        continue;
      out.push({
        code: 'mesh-istio-port-blocked',
        severity: p.severity,
        message: `${selecting.map((n) => n.key).join(', ')} select${selecting.length > 1 ? '' : 's'} ${who(pod)} (${p.role}) for Ingress, and no rule admits TCP ${port} from anywhere`,
        objects: [
          { key: selecting[0].key, source: selecting[0].source },
          { key: pod.owner ?? pod.key, source: pod.source },
        ],
        breaks: p.breaks,
        fix: `Allow ingress to ${who(pod)} on TCP ${port} from ${port === 15017 ? "the API server's addresses (an ipBlock)" : "the load balancer's health-check ranges (an ipBlock)"}.`,
      });
    }
    return out;
  },
};
