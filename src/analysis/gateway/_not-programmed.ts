import type { ListenerStatus } from './_conditions.ts';

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
