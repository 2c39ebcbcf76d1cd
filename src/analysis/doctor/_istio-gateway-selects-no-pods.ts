import { matches, selectorFromMap } from '../../lib/labels.ts';
import type { DoctorRule, Finding } from './types.ts';

/**
 * An Istio Gateway whose `selector` matches no pod (in any namespace, PILOT_SCOPE_GATEWAY_TO_NAMESPACE unset):
 * no gateway proxy receives its servers, so nothing listens for them (istioctl analyze reports it as IST0101
 * ReferencedResourceNotFound on the selector).
 * https://istio.io/latest/docs/reference/config/networking/gateway/#Gateway (selector)
 * https://istio.io/latest/docs/reference/config/analysis/ist0101/
 */
export const istioGatewaySelectsNoPods: DoctorRule = {
  code: 'istio-gateway-selects-no-pods',
  severity: 'warning',
  summary: 'an Istio Gateway whose selector matches no pod (no gateway proxy serves its servers)',
  check({ model }) {
    const out: Finding[] = [];
    for (const gw of model.mesh?.istioGateways ?? []) {
      const empty = !Object.keys(gw.selector).length;
      const sel = selectorFromMap(gw.selector);
      if (!empty && model.pods.some((p) => matches(sel, p.labels))) continue;
      const labels =
        Object.entries(gw.selector)
          .map(([k, v]) => `${k}=${v}`)
          .join(', ') || 'empty';
      out.push({
        code: 'istio-gateway-selects-no-pods',
        severity: 'warning',
        message: `${gw.key} selector (${labels}) matches no pod in any namespace`,
        objects: [{ key: gw.key, source: gw.source }],
        breaks: `no gateway proxy listens for its servers (${gw.servers.map((s) => `port ${s.port}`).join(', ')}): requests for them are never answered`,
        fix: 'Make the selector match the ingress gateway pods’ labels (istio=ingressgateway for the default installation).',
      });
    }
    return out;
  },
};
