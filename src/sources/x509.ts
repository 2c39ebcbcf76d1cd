/**
 * The X.509 adapter: parses the `tls.crt` of TLS Secrets with node:crypto (I/O-free, but a node:* import, so
 * it lives at the rim) into the plain records the pure TLS analysis reads.
 */
import { X509Certificate } from 'node:crypto';
import type { RoutingModel } from '../model/routing.ts';
import type { CertInfo, CertTable } from '../analysis/tls/index.ts';

/** Parses the first certificate of a PEM bundle. Throws on bad input; `parseTlsSecrets` catches. */
export function parseCertificate(pem: string): CertInfo {
  const c = new X509Certificate(pem);
  const sans = (c.subjectAltName ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.startsWith('DNS:'))
    .map((s) => s.slice(4).toLowerCase())
    .sort();
  return {
    subject: c.subject.replace(/\n/g, ', '),
    issuer: c.issuer.replace(/\n/g, ', '),
    sans,
    notBefore: new Date(c.validFrom).toISOString(),
    notAfter: new Date(c.validTo).toISOString(),
  };
}

/** Every TLS Secret's certificate by `namespace/name`, or the reason it could not be parsed. */
export function parseTlsSecrets(routing: RoutingModel | undefined): CertTable {
  const out = new Map<string, CertInfo | string>();
  for (const s of routing?.tlsSecrets ?? []) {
    if (!s.certPem) {
      out.set(`${s.namespace}/${s.name}`, 'no tls.crt');
      continue;
    }
    try {
      out.set(`${s.namespace}/${s.name}`, parseCertificate(s.certPem));
    } catch (e) {
      out.set(`${s.namespace}/${s.name}`, e instanceof Error ? e.message : String(e));
    }
  }
  return out;
}
