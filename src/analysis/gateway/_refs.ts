import type { BackendRef, ReferenceGrant } from '../../model/routing.ts';
import type { Service } from '../../model/types.ts';

/**
 * May an object of (fromGroup, fromKind) in `fromNs` refer to (toGroup, toKind, toName) in `toNs`? Same
 * namespace always; across namespaces only when a ReferenceGrant in the target namespace allows it.
 * https://gateway-api.sigs.k8s.io/api-types/referencegrant/
 */
export function refPermitted(
  grants: readonly ReferenceGrant[],
  from: { group: string; kind: string; namespace: string },
  to: { group: string; kind: string; namespace: string; name: string },
): boolean {
  if (from.namespace === to.namespace) return true;
  return grants.some(
    (g) =>
      g.namespace === to.namespace &&
      g.from.some((f) => f.group === from.group && f.kind === from.kind && f.namespace === from.namespace) &&
      g.to.some(
        (t) => t.group === to.group && t.kind === to.kind && (t.name === undefined || t.name === to.name),
      ),
  );
}

export type BackendProblem = {
  reason: 'InvalidKind' | 'RefNotPermitted' | 'BackendNotFound' | 'UnsupportedValue';
  message: string;
  /**
   * Set for a kind other than a core Service: whether the controller resolves it is its own choice, so InvalidKind
   * is what one that does not support the kind answers, not a certainty.
   */
  implementationSpecific?: true;
};

/** `group/Kind` as a backendRef names it, for a kind other than a core Service. */
export const refKind = (ref: { group: string; kind: string }) =>
  `${ref.group ? `${ref.group}/` : ''}${ref.kind}`;

/**
 * Checks a route's backendRef as ResolvedRefs does: kind Service (core group), a ReferenceGrant for other
 * namespaces, an existing Service, and a port (required for Service backends). Any other kind is
 * implementation-specific ("Support: Core for Kubernetes Service … Implementation-specific for any other
 * resource"; ServiceImport is Extended): a controller that does not support it sets InvalidKind ("a reference to an
 * unknown or unsupported Group and/or Kind") and answers 500, one that does forwards there — kubetwin, which models
 * Service backends only, cannot say which.
 * https://gateway-api.sigs.k8s.io/reference/spec/#httpbackendref
 * https://gateway-api.sigs.k8s.io/reference/spec/#routeconditionreason (InvalidKind)
 */
export function checkBackendRef(
  ref: BackendRef,
  route: { kind: string; namespace: string },
  grants: readonly ReferenceGrant[],
  services: ReadonlyMap<string, Service>,
): BackendProblem | undefined {
  const ns = ref.namespace ?? route.namespace;
  if (ref.group !== '' || ref.kind !== 'Service')
    return {
      reason: 'InvalidKind',
      message: `backendRef ${refKind(ref)} ${ref.name} is not a core Service: support for other kinds is implementation-specific (a controller that does not support ${ref.kind} sets InvalidKind; kubetwin models Service backends only)`,
      implementationSpecific: true,
    };
  if (
    !refPermitted(
      grants,
      { group: 'gateway.networking.k8s.io', kind: route.kind, namespace: route.namespace },
      { group: '', kind: 'Service', namespace: ns, name: ref.name },
    )
  )
    return {
      reason: 'RefNotPermitted',
      message: `backendRef to Service ${ns}/${ref.name} crosses namespaces and no ReferenceGrant in ${ns} allows it`,
    };
  const svc = services.get(`${ns}/${ref.name}`);
  if (!svc) return { reason: 'BackendNotFound', message: `Service ${ns}/${ref.name} not found` };
  if (ref.port === undefined)
    return {
      reason: 'UnsupportedValue',
      message: `backendRef to Service ${ns}/${ref.name} has no port (required for Services)`,
    };
  if (!svc.ports.some((p) => p.port === ref.port))
    return { reason: 'BackendNotFound', message: `Service ${ns}/${ref.name} has no port ${ref.port}` };
  return undefined;
}
