import type { ListenerStatus } from './_conditions.ts';

/** How the HTTP router's note of a listener that is not programmed ends: what the answer shows past it. */
export const routingOnceFixed = '; what follows is the routing it would apply once the listener is fixed';

/** How every answer through a listener that is not programmed starts its note (HTTP and Layer 4 alike). */
export const listenerNotProgrammedPrefix = 'LISTENER NOT PROGRAMMED';

/**
 * The note of an answer through a listener whose `Programmed` condition is not True, naming the condition that
 * keeps it off (a `ResolvedRefs=False` certificate ref, a `Conflicted=True` hostname, …) so the user sees why.
 * A listener that is not programmed is not served by a conformant gateway: the connection fails before any route
 * runs, so such an answer is never a delivery (`listenerNotServed`).
 * https://gateway-api.sigs.k8s.io/reference/spec/#listenerconditiontype ("Programmed": the listener has been
 * configured on the data plane; ResolvedRefs=False with InvalidCertificateRef or RefNotPermitted keeps it off)
 */
export function listenerNotProgrammedNote(status: ListenerStatus | undefined, tail = ''): string | undefined {
  const programmed = status?.conditions.find((c) => c.type === 'Programmed');
  if (programmed?.status === 'True') return undefined;
  const why = (status?.conditions ?? []).find(
    (c) =>
      (c.type === 'ResolvedRefs' && c.status === 'False') ||
      (c.type === 'Accepted' && c.status === 'False') ||
      (c.type === 'Conflicted' && c.status === 'True'),
  );
  const cause = why
    ? `; ${why.type}=${why.status}(${why.reason})${why.message ? `: ${why.message}` : ''}`
    : '';
  return `${listenerNotProgrammedPrefix} (${programmed?.reason ?? 'Pending'}${cause}): a real gateway would not serve this listener${tail}`;
}

/**
 * The note of an answer that says its listener is not programmed, if any: the request or connection is then not
 * delivered, whatever the routing behind the listener would do once it is fixed.
 */
export function listenerNotServed(notes: readonly string[]): string | undefined {
  return notes.find((n) => n.startsWith(listenerNotProgrammedPrefix));
}

/**
 * What to change so a listener that is not programmed is served, from its note (`listenerNotProgrammedNote`): the
 * condition it names decides. https://gateway-api.sigs.k8s.io/reference/spec/#listenerconditionreason
 * (InvalidCertificateRef: a Secret that does not exist or holds no valid certificate; RefNotPermitted: a reference
 * to another namespace that no ReferenceGrant there allows; Conflicted: a hostname or protocol another listener on
 * the port uses).
 */
export function listenerFix(note: string): string {
  if (note.includes('(RefNotPermitted)'))
    return "add a ReferenceGrant in the Secret's namespace that allows Gateways of the Gateway's namespace to reference Secrets, or move the Secret next to the Gateway";
  if (note.includes('(InvalidCertificateRef)'))
    return "create the Secret the listener's certificateRefs name (type kubernetes.io/tls, with a valid tls.crt and tls.key), or point certificateRefs at one";
  if (note.includes('Conflicted=True'))
    return 'give the listener a hostname (or port) no other listener of the Gateway uses with another protocol';
  return "fix what the listener's conditions name so that Programmed is True";
}
