import { matches, selectorFromMap } from '../../lib/labels.ts';
import type { VirtualService } from '../../model/mesh.ts';
import type { DoctorRule, Finding } from './types.ts';

/** `ns/name#subset` → the VirtualService rules (`VirtualService/ns/name spec.http[0]`) routing to that subset. */
function routesToSubsets(vss: readonly VirtualService[], domain: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (vs: VirtualService, at: string, host: string, subset?: string) => {
    if (!subset) return;
    const [name, ns = vs.namespace] = host.replace(`.svc.${domain}`, '').split('.');
    const key = `${ns}/${name}#${subset}`;
    out.set(key, [...(out.get(key) ?? []), `${vs.key} ${at}`]);
  };
  for (const vs of vss)
    for (const kind of ['http', 'tcp', 'tls'] as const)
      for (const r of vs[kind])
        for (const d of r.route) add(vs, `spec.${kind}[${r.index}]`, d.host, d.subset);
  return out;
}

/**
 * A DestinationRule subset whose labels match none of the pods of its host's Service: a route to it finds no
 * endpoint and the sidecar answers 503 (no healthy upstream). A warning when a VirtualService routes to it
 * (those requests fail today); info when none does (Istio's samples define subsets for versions not deployed).
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
    const routed = routesToSubsets(model.mesh?.virtualServices ?? [], domain);
    for (const dr of model.mesh?.destinationRules ?? []) {
      const [name, ns = dr.namespace] = dr.host.replace(`.svc.${domain}`, '').split('.');
      const svc = model.services.find((s) => s.name === name && s.namespace === ns);
      if (!svc?.selector) continue;
      const pods = model.pods.filter(
        (p) => p.namespace === svc.namespace && matches(selectorFromMap(svc.selector!), p.labels),
      );
      for (const sub of dr.subsets) {
        if (pods.some((p) => matches(selectorFromMap(sub.labels), p.labels))) continue;
        const by = routed.get(`${svc.namespace}/${svc.name}#${sub.name}`) ?? [];
        out.push({
          code: 'destination-rule-subset-selects-no-pods',
          severity: by.length ? 'warning' : 'info',
          message: `${dr.key} subset ${sub.name} (${Object.entries(sub.labels)
            .map(([k, v]) => `${k}=${v}`)
            .join(', ')}) matches none of the ${pods.length} pod(s) of Service ${svc.namespace}/${svc.name}`,
          objects: [{ key: dr.key, source: sub.source ?? dr.source }],
          breaks: by.length
            ? `${by.join(', ')} route${by.length > 1 ? '' : 's'} to subset ${sub.name}: those requests find no endpoint and the proxy answers 503 (a connection by tcp/tls rules is closed)`
            : `no VirtualService routes to subset ${sub.name} today; a route to it would find no endpoint (503)`,
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
