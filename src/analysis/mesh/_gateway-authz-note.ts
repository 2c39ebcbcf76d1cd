import type { ClusterModel } from '../../model/types.ts';
import { policiesFor } from './istio/_authz.ts';

/**
 * The note a routing answer through an Istio gateway carries when AuthorizationPolicies select the gateway's pods:
 * the gateway's Envoy judges each request with them (RBAC, before the router) and may answer 403 whatever the
 * route says; `trace --from internet` applies them. Undefined when none selects them.
 * https://istio.io/latest/docs/tasks/security/authorization/authz-ingress/
 */
export function gatewayAuthorizationNote(model: ClusterModel, pods: readonly string[]): string | undefined {
  const mesh = model.mesh;
  if (mesh?.name !== 'istio') return undefined;
  const keys = new Set<string>();
  for (const ref of pods) {
    const pod = model.pods.find((p) => `${p.namespace}/${p.name}` === ref);
    if (pod)
      for (const p of policiesFor(mesh.authorizationPolicies, mesh.rootNamespace, pod)) keys.add(p.key);
  }
  if (!keys.size) return undefined;
  return `${[...keys].sort().join(', ')} select${keys.size === 1 ? 's' : ''} the gateway pods: the gateway judges each request with ${keys.size === 1 ? 'it' : 'them'} before these routes and may answer 403 (not judged here: kubetwin trace --from internet applies ${keys.size === 1 ? 'it' : 'them'}, against the address the gateway sees)`;
}
