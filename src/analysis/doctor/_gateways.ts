import { gatewayAnalysisOf } from './_gateway-analysis.ts';
import type { DoctorRule, Finding } from './types.ts';

/**
 * A Gateway that is not Accepted: `Pending` while no controller acts on it (its GatewayClass is not among the
 * manifests and no known controller installs it, as in every gateway-api.sigs.k8s.io guide), or `False` with the
 * upstream reason (InvalidParameters, ListenersNotValid, UnsupportedAddress, …). Routes attached to it are not served.
 * https://gateway-api.sigs.k8s.io/reference/spec/#gatewayconditiontype
 * https://gateway-api.sigs.k8s.io/reference/spec/#gatewayconditionreason
 */
export const gatewayNotAccepted: DoctorRule = {
  code: 'gateway-not-accepted',
  severity: 'error',
  summary:
    'a Gateway that is not Accepted: no controller acts on it (its GatewayClass is missing: Pending) or the controller refuses it (Accepted=False with the upstream reason)',
  check: ({ model }) => {
    const gateways = model.routing?.gateways ?? [];
    if (!gateways.length) return [];
    const byKey = new Map(gateways.map((g) => [g.key, g]));
    const analysis = gatewayAnalysisOf(model);
    const declared = new Set(analysis.classes.map((c) => c.name));
    const out: Finding[] = [];
    for (const st of analysis.gateways) {
      const c = st.conditions.find((x) => x.type === 'Accepted');
      if (c?.status === 'True') continue;
      const gw = byKey.get(st.key);
      const classMissing = !declared.has(st.className);
      out.push({
        code: 'gateway-not-accepted',
        severity: 'error',
        message: `Gateway ${st.namespace}/${st.name} is not accepted: Accepted=${c?.status ?? 'Unknown'}(${c?.reason ?? 'Pending'})${c?.message ? ` — ${c.message}` : ''}${classMissing ? ` (GatewayClass ${st.className} is not among the manifests)` : ''}`,
        objects: [{ key: st.key, source: gw?.source }],
        breaks:
          'no controller serves this Gateway: it gets no address, and the routes attached to it get no traffic',
        fix: classMissing
          ? `Declare GatewayClass ${st.className} with the spec.controllerName of the controller you run, or use an existing class.`
          : 'Fix what the reason names (parametersRef, listeners, addresses); kubetwin get gateways -o wide shows every condition.',
      });
    }
    return out;
  },
};
