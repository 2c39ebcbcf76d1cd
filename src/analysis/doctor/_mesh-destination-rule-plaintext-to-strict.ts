import { compileMesh, plaintextToStrict } from '../mesh/index.ts';
import type { DoctorRule } from './types.ts';

/**
 * A DestinationRule whose `tls.mode: DISABLE` (destination level, or the Service port's `portLevelSettings`)
 * makes meshed clients send plaintext to a Service port whose endpoints are STRICT: every such connection is
 * refused by the server's sidecar. A DestinationRule TLS setting overrides auto mTLS
 * (https://istio.io/latest/docs/ops/configuration/traffic-management/tls-configuration/#auto-mtls).
 */
export const meshDestinationRulePlaintextToStrict: DoctorRule = {
  code: 'mesh-destination-rule-plaintext-to-strict',
  severity: 'error',
  summary:
    'A DestinationRule sets tls.mode DISABLE for a Service port whose meshed endpoints are STRICT: meshed clients are refused',
  check({ model }) {
    if (model.mesh?.name !== 'istio') return [];
    const mesh = compileMesh(model);
    return plaintextToStrict(model, (p) => mesh.sidecar(p)).map((c) => {
      const svc = `${c.service.namespace}/${c.service.name}`;
      return {
        code: 'mesh-destination-rule-plaintext-to-strict',
        severity: 'error' as const,
        message: `${c.rule.key} ${c.at} is DISABLE for Service ${svc} port ${c.port}, but ${c.pod.namespace}/${c.pod.name} port ${c.targetPort} is STRICT (${c.modeBy}): ${c.clients ? `meshed ${c.clients}` : 'meshed clients'} send plaintext and are refused`,
        objects: [
          { key: c.rule.key, source: c.rule.source },
          { key: c.modeBy.split(' ')[0], source: c.modeSource },
        ],
        breaks: `every connection from a meshed client to ${svc}:${c.port} that uses ${c.rule.key} is refused by the server's sidecar`,
        fix: `Remove tls.mode DISABLE from ${c.rule.key} (auto mTLS then sends mTLS), set it to ISTIO_MUTUAL, or make the port PERMISSIVE (portLevelMtls: {${c.targetPort}: {mode: PERMISSIVE}}).`,
      };
    });
  },
};
