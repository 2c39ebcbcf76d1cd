import type { MeshDecision } from '../mesh/index.ts';
import type { L4Result, RouteResult } from './index.ts';

/**
 * Whether the request reaches a backend, for `route`'s exit code: the controller forwards it (status 200, no
 * redirect) and every backend that receives a share of it (weight > 0) is valid and has a ready endpoint. A
 * redirect, an error status, an invalid backendRef's share (500 in the Gateway API) and a Service without ready
 * endpoints (503 at the data plane) are not deliveries, nor is any answer through a Gateway listener that is not
 * programmed (a conformant gateway does not serve it).
 * https://gateway-api.sigs.k8s.io/reference/spec/#gateway.networking.k8s.io/v1.HTTPBackendRef (invalid refs: 500)
 */
export function routeDelivered(r: RouteResult): boolean {
  const d = r.decision;
  if (d.status !== 200 || d.redirect || d.notServed) return false;
  const sharing = d.backends.map((b, i) => ({ b, eps: r.endpoints[i] ?? [] })).filter((x) => x.b.weight > 0);
  return sharing.length > 0 && sharing.every((x) => !x.b.problem && x.eps.length > 0);
}

/** The same question for an east-west (`--via mesh`) decision: every weighted destination has ready endpoints. */
export function meshDelivered(d: MeshDecision): boolean {
  if (d.status !== 200 || d.redirect) return false;
  const sharing = d.destinations.filter((x) => x.weight > 0);
  return sharing.length > 0 && sharing.every((x) => !x.problem && x.endpoints.length > 0);
}

/** A Layer-4 connection is delivered when it is not refused, its listener is programmed and every weighted backend has a ready endpoint. */
export function connectionDelivered(r: L4Result): boolean {
  if (r.decision.refused || r.decision.notServed || r.decision.unknown?.length) return false;
  const sharing = r.decision.backends
    .map((b, i) => ({ b, eps: r.endpoints[i] ?? [] }))
    .filter((x) => x.b.weight > 0);
  return sharing.length > 0 && sharing.every((x) => !x.b.problem && x.eps.length > 0);
}
