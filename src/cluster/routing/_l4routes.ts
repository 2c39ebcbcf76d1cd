import type { L4Route } from '../../model/routing.ts';
import type { Envelope } from '../_envelope.ts';
import { namespacedMetaOf } from '../_envelope.ts';
import { readBackendRef, readParentRefs } from './_routes.ts';

/**
 * TLSRoute, TCPRoute and UDPRoute: parentRefs, hostnames (TLSRoute: matched against the SNI) and rules that
 * hold only backendRefs (kind Service, weight 1 by default), as the v1alpha2/v1alpha3 types define them.
 * https://gateway-api.sigs.k8s.io/reference/spec/#tlsroutespec
 * https://gateway-api.sigs.k8s.io/reference/spec/#tcproutespec
 */
export function readL4Route(e: Envelope): L4Route {
  const f = e.f;
  const meta = f.map(['metadata']);
  return {
    kind: e.kind as L4Route['kind'],
    ...namespacedMetaOf(e),
    parentRefs: readParentRefs(f),
    hostnames:
      e.kind === 'TLSRoute'
        ? f.list(['spec', 'hostnames']).map((_, i) => (f.str(['spec', 'hostnames', i]) ?? '').toLowerCase())
        : [],
    rules: f.list(['spec', 'rules']).map((_, i) => {
      const at = ['spec', 'rules', i];
      return {
        index: i,
        name: f.str([...at, 'name']),
        backendRefs: f
          .list([...at, 'backendRefs'])
          .map((__, j) => readBackendRef(f, [...at, 'backendRefs', j])),
        source: f.raw.locate(at),
      };
    }),
    creationTimestamp: typeof meta?.creationTimestamp === 'string' ? meta.creationTimestamp : undefined,
  };
}
