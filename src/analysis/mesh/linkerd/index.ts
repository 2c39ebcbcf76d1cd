/**
 * Linkerd as a mesh profile: proxy injection; east-west routes come from GAMMA HTTPRoutes (shared layer);
 * ServiceProfile routes give the timeout and retries shown on answers.
 * https://linkerd.io/2.15/features/httproute/
 */
import type { ClusterModel } from '../../../model/types.ts';
import type { MeshProfile } from '../_profile.ts';
import { linkerdSidecar } from './_injection.ts';
import { profilePolicy } from './_profiles.ts';

export { linkerdSidecar } from './_injection.ts';

export function linkerdProfile(model: ClusterModel): MeshProfile {
  const domain = model.profile.clusterDomain;
  const profiles = model.mesh?.serviceProfiles ?? [];
  return {
    name: 'linkerd',
    sidecar: (pod, ns) => linkerdSidecar(pod, ns, domain),
    table: () => undefined,
    subset: (svc, subset) => `subset ${subset} of ${svc.namespace}/${svc.name}: Linkerd has no subsets`,
    policy: (svc, client, req) => profilePolicy(profiles, svc, client.namespace, req, domain),
  };
}
