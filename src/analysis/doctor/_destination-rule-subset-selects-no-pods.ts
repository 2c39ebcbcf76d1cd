import { matches, selectorFromMap } from '../../lib/labels.ts';
import type { DoctorRule, Finding } from './types.ts';

/**
 * A DestinationRule subset whose labels match none of the pods of its host's Service: a route to it finds no
 * endpoint and the sidecar answers 503 (no healthy upstream).
 * https://istio.io/latest/docs/reference/config/networking/destination-rule/#Subset
 */
export const destinationRuleSubsetSelectsNoPods: DoctorRule = {
  code: 'destination-rule-subset-selects-no-pods',
  severity: 'warning',
  summary:
    "a DestinationRule subset whose labels match none of its host Service's pods (requests routed to it get 503)",
  check({ model }) {
    const domain = model.profile.clusterDomain;
    const out: Finding[] = [];
    for (const dr of model.mesh?.destinationRules ?? []) {
      const [name, ns = dr.namespace] = dr.host.replace(`.svc.${domain}`, '').split('.');
      const svc = model.services.find((s) => s.name === name && s.namespace === ns);
      if (!svc?.selector) continue;
      const pods = model.pods.filter(
        (p) => p.namespace === svc.namespace && matches(selectorFromMap(svc.selector!), p.labels),
      );
      for (const sub of dr.subsets) {
        if (pods.some((p) => matches(selectorFromMap(sub.labels), p.labels))) continue;
        out.push({
          code: 'destination-rule-subset-selects-no-pods',
          severity: 'warning',
          message: `${dr.key} subset ${sub.name} (${Object.entries(sub.labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}) matches none of the ${pods.length} pod(s) of Service ${svc.namespace}/${svc.name}`,
          objects: [{ key: dr.key, source: sub.source ?? dr.source }],
          breaks: `requests a VirtualService routes to subset ${sub.name} find no endpoint: the sidecar answers 503`,
          fix: `Make the subset's labels match the version label of the pods it stands for (pods of ${svc.namespace}/${svc.name} carry: ${
            [...new Set(pods.flatMap((p) => Object.entries(p.labels).map(([k, v]) => `${k}=${v}`)))]
              .filter((l) => !l.startsWith('pod-template-hash'))
              .sort()
              .join(', ') || 'no labels'
          }).`,
        });
      }
    }
    return out;
  },
};
