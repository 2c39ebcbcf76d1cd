import type { ObjectMeta } from '../../model/types.ts';
import type { DoctorRule, Finding } from './types.ts';

/**
 * Mesh objects in a cluster that does not run that mesh (no `mesh.name` in the profile, no control plane in the
 * input, or the other mesh): nothing applies them, so the routing, mTLS and authorization they describe do not
 * happen — or kubetwin was not told the mesh runs. https://istio.io/latest/docs/reference/config/
 */
export const meshObjectsWithoutMesh: DoctorRule = {
  code: 'mesh-objects-without-mesh',
  severity: 'warning',
  summary:
    'Istio objects (VirtualService, DestinationRule, Gateway, PeerAuthentication, AuthorizationPolicy) or Linkerd ones (ServiceProfile and the policy.linkerd.io kinds) in a cluster where that mesh is not known to run',
  check({ model }) {
    const m = model.mesh;
    if (!m) return [];
    const istio = [
      ...m.virtualServices,
      ...m.destinationRules,
      ...m.peerAuthentications,
      ...m.authorizationPolicies,
      ...m.istioGateways,
    ];
    const groups: { mesh: 'istio' | 'linkerd'; objects: readonly ObjectMeta[] }[] = [
      { mesh: 'istio', objects: istio },
      {
        mesh: 'linkerd',
        objects: [
          ...m.serviceProfiles,
          ...m.linkerd.servers,
          ...m.linkerd.serverAuthorizations,
          ...m.linkerd.authorizationPolicies,
          ...m.linkerd.meshTLSAuthentications,
          ...m.linkerd.networkAuthentications,
          ...m.linkerd.httpRoutes,
        ],
      },
    ];
    return groups.flatMap(({ mesh, objects }): Finding[] => {
      if (m.name === mesh || !objects.length) return [];
      const sorted = [...objects].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      return [
        {
          code: 'mesh-objects-without-mesh',
          severity: 'warning',
          message: `${sorted.length} ${mesh === 'istio' ? 'Istio' : 'Linkerd'} object(s) (${sorted.map((o) => o.key).join(', ')}) but ${m.name ? `the cluster runs ${m.name}` : 'no service mesh is known to run'}`,
          objects: sorted.map((o) => ({ key: o.key, source: o.source })),
          breaks: `no ${mesh} control plane applies them: the routes, mTLS modes and authorization they describe do not happen, and kubetwin answers without them`,
          fix: m.name
            ? `Remove them, or run ${mesh}.`
            : `If ${mesh} runs, say so in the profile (mesh: {name: ${mesh}}); otherwise remove them.`,
        },
      ];
    });
  },
};
