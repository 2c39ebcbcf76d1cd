import type { Gateway, Listener, ListenerNotServed, ReferenceGrant } from '../../model/routing.ts';
import type { Condition, ListenerStatus } from './_conditions.ts';
import { certificateRefNotPermitted, listenerLabel } from './_listener.ts';

/** How the HTTP router's note of a listener that is not programmed ends: what the answer shows past it. */
export const routingOnceFixed = '; what follows is the routing it would apply once the listener is fixed';

/** The condition that keeps a listener off, in the order its conditions list them. */
const keepsOff = (c: Condition) =>
  (c.type === 'ResolvedRefs' && c.status === 'False') ||
  (c.type === 'Accepted' && c.status === 'False') ||
  (c.type === 'Conflicted' && c.status === 'True');

/** Reasons only `spec.tls.frontend` (client certificate validation, on the Gateway) gives a listener. */
const frontendReasons = new Set([
  'InvalidCACertificateRef',
  'InvalidCACertificateKind',
  'NoValidCACertificate',
]);

/** The listener field each reason names (under the listener's own path). */
const listenerField: Readonly<Record<string, string>> = {
  InvalidCertificateRef: 'tls.certificateRefs',
  RefNotPermitted: 'tls.certificateRefs',
  InvalidRouteKinds: 'allowedRoutes.kinds',
  UnsupportedProtocol: 'protocol',
  ProtocolConflict: 'protocol',
  HostnameConflict: 'hostname',
  PortUnavailable: 'port',
};

/**
 * What to change so the listener is served, by the condition that keeps it off.
 * https://gateway-api.sigs.k8s.io/reference/spec/#listenerconditionreason (InvalidCertificateRef: a Secret that
 * does not exist or holds no valid certificate; RefNotPermitted: a reference to another namespace that no
 * ReferenceGrant there allows; Conflicted: a hostname or protocol another listener on the port uses);
 * https://gateway-api.sigs.k8s.io/reference/spec/#frontendtlsvalidation (caCertificateRefs: ConfigMaps with ca.crt).
 */
function fixFor(why: Condition | undefined, frontend: boolean): string {
  if (frontend)
    return "make every caCertificateRef of the Gateway's spec.tls.frontend name a ConfigMap holding a valid ca.crt (one in another namespace needs a ReferenceGrant there)";
  if (why?.reason === 'RefNotPermitted')
    return "add a ReferenceGrant in the Secret's namespace that allows Gateways of the Gateway's namespace to reference Secrets, or move the Secret next to the Gateway";
  if (why?.reason === 'InvalidCertificateRef')
    return "create the Secret the listener's certificateRefs name (type kubernetes.io/tls, with a valid tls.crt and tls.key), or point certificateRefs at one";
  if (why?.type === 'Conflicted')
    return 'give the listener a hostname (or port) no other listener of the Gateway uses with another protocol';
  return "fix what the listener's conditions name so that Programmed is True";
}

/**
 * Why a listener whose `Programmed` condition is not True is off, as data (undefined when it is programmed): the
 * condition that keeps it off (a `ResolvedRefs=False` certificate ref, a `Conflicted=True` hostname, …), the field
 * to fix and the fix. A listener that is not programmed is not served by a conformant gateway: the connection fails
 * before any route runs, so an answer through it is never a delivery. A `RefNotPermitted` comes from the client
 * certificate trust anchors of `spec.tls.frontend` when every certificateRef of the listener is permitted.
 * https://gateway-api.sigs.k8s.io/reference/spec/#listenerconditiontype ("Programmed": the listener has been
 * configured on the data plane; ResolvedRefs=False with InvalidCertificateRef or RefNotPermitted keeps it off)
 */
export function listenerNotServedOf(
  gateway: Gateway,
  listener: Listener,
  opts: { readonly status: ListenerStatus | undefined; readonly grants: readonly ReferenceGrant[] },
): ListenerNotServed | undefined {
  const conditions = opts.status?.conditions ?? [];
  const programmed = conditions.find((c) => c.type === 'Programmed');
  if (programmed?.status === 'True') return undefined;
  const why = conditions.find(keepsOff);
  const home = listener.set?.namespace ?? gateway.namespace;
  const certificateRefused = (listener.tls?.certificateRefs ?? []).some((r) =>
    certificateRefNotPermitted(opts.grants, listener, gateway, {
      namespace: r.namespace ?? home,
      name: r.name,
    }),
  );
  const frontend =
    !!why && (frontendReasons.has(why.reason) || (why.reason === 'RefNotPermitted' && !certificateRefused));
  const field = why && listenerField[why.reason];
  const at = listener.source?.path;
  const cause = why
    ? `; ${why.type}=${why.status}(${why.reason})${why.message ? `: ${why.message}` : ''}`
    : '';
  return {
    gateway: gateway.key,
    listener: listenerLabel(listener),
    programmed: programmed?.reason ?? 'Pending',
    ...(why
      ? {
          condition: {
            type: why.type as 'Accepted' | 'ResolvedRefs' | 'Conflicted',
            status: why.status,
            reason: why.reason,
            message: why.message,
          },
        }
      : {}),
    object: frontend ? gateway.key : (listener.set?.key ?? gateway.key),
    ...(frontend ? { path: 'spec.tls.frontend' } : at ? { path: field ? `${at}.${field}` : at } : {}),
    message: `LISTENER NOT PROGRAMMED (${programmed?.reason ?? 'Pending'}${cause}): a real gateway would not serve this listener`,
    fix: fixFor(why, frontend),
  };
}
