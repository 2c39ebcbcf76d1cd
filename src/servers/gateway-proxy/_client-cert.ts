/**
 * Client-certificate validation on the gateway's TLS front end, as the Gateway API's FrontendTLSValidation
 * (GEP-91) asks of an HTTPS listener with `spec.tls.frontend`: the gateway requests a certificate and validates it
 * against the listener's `caCertificateRefs`; `AllowValidOnly` fails the connection of a client without a valid
 * one, `AllowInsecureFallback` admits it ("the connection is accepted even if the client certificate fails
 * validation; authorization is left to the backend").
 * https://gateway-api.sigs.k8s.io/geps/gep-91/ https://gateway-api.sigs.k8s.io/reference/spec/#frontendtlsvalidation
 *
 * The certificate is verified by OpenSSL during the handshake against the CA bundle of the SNI context (index.ts
 * puts the listener's trust anchors there); Node reports the result as the socket's `authorized`.
 */
import type { Router } from '../../analysis/route/index.ts';
import type { RoutingModel } from '../../model/routing.ts';

/**
 * Whether the served Gateway validates client certificates on any listener. Node requests a certificate for the
 * whole TLS server, not per SNI, so every client of the port is asked (and one without any still connects).
 */
export function asksClientCertificate(router: Router, routing: RoutingModel): boolean {
  const via = router.via;
  if (via.kind !== 'gateway') return false;
  const fv = routing.gateways.find(
    (g) => g.namespace === via.namespace && g.name === via.name,
  )?.frontendValidation;
  return !!fv && (!!fv.default || fv.perPort.some((p) => p.validation));
}

/**
 * Whether the listener `name` selects on `modelPort` (the SNI, or without one the Host) refuses the connection:
 * `AllowValidOnly` and no certificate valid for that listener's trust anchors. `verified` is whether OpenSSL
 * validated the certificate against those anchors; without SNI nothing was verified against them (the default
 * context knows no listener), so only a client that sends SNI can pass.
 */
export function refusesClient(router: Router, modelPort: number, name: string, verified: boolean): boolean {
  const v = router.clientValidation(modelPort, name.toLowerCase());
  if (!v || v.mode !== 'AllowValidOnly') return false;
  // No valid caCertificateRef: nothing anchors a chain (an empty `ca` would let Node fall back to its root store).
  return !(verified && v.trustAnchors.length);
}

/** The `ca` option of the secure context served for `sni`: the listener's trust anchors, when it validates clients. */
export function trustAnchorsFor(
  router: Router,
  modelPort: number,
  sni: string,
): { ca: string[] } | Record<string, never> {
  const v = router.clientValidation(modelPort, sni);
  return v?.trustAnchors.length ? { ca: [...v.trustAnchors] } : {};
}
