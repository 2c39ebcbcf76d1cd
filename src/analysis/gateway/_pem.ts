/** One PEM block of a label: BEGIN line, base64 body, END line (RFC 7468 §2). */
const block = (label: string) =>
  new RegExp(`-----BEGIN ${label}-----\\s*([A-Za-z0-9+/=\\s]+?)\\s*-----END ${label}-----`);
const certificate = block('CERTIFICATE');
const privateKey = block('(?:RSA |EC |ENCRYPTED )?PRIVATE KEY');

/**
 * Why a TLS Secret's `tls.crt` / `tls.key` is not a PEM certificate and key, or undefined when both parse as
 * PEM blocks with a non-empty base64 body (RFC 7468). The certificate's contents are judged elsewhere (the
 * `tls` analysis, at the rim where X.509 can be parsed); this is the check the listener status needs: "a
 * CertificateRef is considered invalid when … the data within that resource is malformed".
 * https://gateway-api.sigs.k8s.io/reference/spec/#gateway.networking.k8s.io/v1.ListenerConditionReason
 */
export function pemProblem(certPem: string | undefined, keyPem: string | undefined): string | undefined {
  if (!certPem) return 'tls.crt is missing';
  const c = certificate.exec(certPem);
  if (!c || !c[1].replace(/\s+/g, '')) return 'tls.crt is not a PEM certificate';
  if (!keyPem) return 'tls.key is missing';
  const k = privateKey.exec(keyPem);
  if (!k || !k[1].replace(/\s+/g, '')) return 'tls.key is not a PEM private key';
  return undefined;
}
