/**
 * Linkerd as a mesh profile: proxy injection; east-west routes come from GAMMA HTTPRoutes (shared layer).
 * ServiceProfiles are not modeled yet and are named on the answers they could change.
 * https://linkerd.io/2.15/features/httproute/
 */
import type { ClusterModel } from '../../../model/types.ts';
import type { MeshProfile } from '../_profile.ts';
import { linkerdSidecar } from './_injection.ts';

export { linkerdSidecar } from './_injection.ts';

export function linkerdProfile(model: ClusterModel): MeshProfile {
  const domain = model.profile.clusterDomain;
  const profiles = model.others.filter(
    (o) => o.kind === 'ServiceProfile' && o.apiVersion.startsWith('linkerd.io/'),
  );
  return {
    name: 'linkerd',
    sidecar: (pod, ns) => linkerdSidecar(pod, ns, domain),
    table: () => undefined,
    subset: (svc, subset) => `subset ${subset} of ${svc.namespace}/${svc.name}: Linkerd has no subsets`,
    notes(svc) {
      const fqdn = `${svc.name}.${svc.namespace}.svc.${domain}`;
      return profiles
        .filter((p) => p.name === fqdn)
        .map(
          (p) =>
            `${p.key}: ServiceProfile routes, timeouts and retries are not modeled yet; this answer does not account for them`,
        );
    },
  };
}
