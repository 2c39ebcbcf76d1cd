import { matches, selectorFromMap } from '../../lib/labels.ts';
import type { DoctorRule, Finding } from './types.ts';

/**
 * A PeerAuthentication `portLevelMtls` key that is no container port of the pods its selector picks but is the
 * `port` of a Service in front of them: "the port refers to the port of the workload, not the port of the
 * Kubernetes service", so the entry never applies and the workload keeps its other mode
 * (https://istio.io/latest/docs/reference/config/security/peer_authentication/#PeerAuthentication; the httpbin
 * case of istio/istio#49098: `portLevelMtls: {8000: STRICT}` for Service port 8000 → 80 let plaintext through,
 * `80` applied).
 */
export const meshPortLevelMtlsServicePort: DoctorRule = {
  code: 'mesh-port-level-mtls-service-port',
  severity: 'warning',
  summary:
    'A PeerAuthentication portLevelMtls key names a Service port, not a port of the workload: the entry never applies',
  check({ model }) {
    const mesh = model.mesh;
    if (mesh?.name !== 'istio') return [];
    const out: Finding[] = [];
    for (const pa of mesh.peerAuthentications) {
      if (!pa.selector || !pa.portLevel.length) continue;
      const sel = selectorFromMap(pa.selector);
      const pods = model.pods.filter((p) => p.namespace === pa.namespace && matches(sel, p.labels));
      if (!pods.length) continue;
      const containerPorts = new Set(pods.flatMap((p) => p.ports.map((c) => c.containerPort)));
      const services = model.services.filter(
        (s) =>
          s.namespace === pa.namespace &&
          s.selector &&
          pods.some((p) => matches(selectorFromMap(s.selector!), p.labels)),
      );
      for (const pl of pa.portLevel) {
        if (containerPorts.has(pl.port)) continue;
        const via = services.flatMap((s) =>
          s.ports.filter((sp) => sp.port === pl.port).map((sp) => ({ s, sp })),
        )[0];
        if (!via) continue;
        const target =
          typeof via.sp.targetPort === 'number' ? String(via.sp.targetPort) : `${via.sp.targetPort} (named)`;
        out.push({
          code: 'mesh-port-level-mtls-service-port',
          severity: 'warning',
          message: `${pa.key} portLevelMtls ${pl.port} is Service ${via.s.namespace}/${via.s.name}'s port, not a port of the selected pods (the Service sends it to ${target}): Istio keys portLevelMtls by workload port, so this ${pl.mode} entry never applies`,
          objects: [{ key: pa.key, source: pl.source ?? pa.source }],
          breaks: `the workload port keeps the policy's other mode (${pa.mode === 'UNSET' ? 'inherited' : pa.mode}), not ${pl.mode}`,
          fix: `Key the entry by the workload port: portLevelMtls: {${typeof via.sp.targetPort === 'number' ? via.sp.targetPort : '<container port>'}: {mode: ${pl.mode}}}.`,
        });
      }
    }
    return out;
  },
};
