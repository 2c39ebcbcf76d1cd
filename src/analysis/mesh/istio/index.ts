/**
 * Istio as a mesh profile: sidecar injection, VirtualService route tables, DestinationRule subsets.
 * https://istio.io/latest/docs/reference/config/networking/
 */
import type { ClusterModel } from '../../../model/types.ts';
import type { MeshProfile } from '../_profile.ts';
import { istioSidecar } from './_injection.ts';
import { defaultRetries, istioTables } from './_routes.ts';
import { describePolicy, destinationRuleIndex, subsetLabels } from './_subsets.ts';

export { istioSidecar } from './_injection.ts';
export { stringMatches } from './_match.ts';

export function istioProfile(model: ClusterModel): MeshProfile {
  const domain = model.profile.clusterDomain;
  const mesh = model.mesh;
  const tables = istioTables(model.services, mesh?.virtualServices ?? [], domain, mesh?.serviceEntries ?? []);
  const drFor = destinationRuleIndex(mesh?.destinationRules ?? [], domain);
  return {
    name: 'istio',
    sidecar: (pod, ns) => istioSidecar(pod, ns, domain),
    table: (svc) => tables.byService.get(`${svc.namespace}/${svc.name}`),
    hostTable: (host) => tables.forHost(host),
    subset: (svc, subset, clientNs) => subsetLabels(drFor(svc, clientNs), svc, subset),
    policy(svc, clientNs) {
      const dr = drFor(svc, clientNs);
      return {
        notes: dr?.trafficPolicy ? [`${dr.key} trafficPolicy: ${describePolicy(dr.trafficPolicy)}`] : [],
        timeout: 'none (Istio disables the HTTP route timeout by default)',
        retries: defaultRetries,
      };
    },
  };
}
