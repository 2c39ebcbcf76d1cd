import type { Certificate, Gateway, Ingress, TLSSecret } from '../../model/routing.ts';
import type { Envelope } from '../_envelope.ts';
import { namespacedMetaOf } from '../_envelope.ts';

/** A Secret that carries `tls.crt` (type kubernetes.io/tls, or Opaque holding the same keys), PEM decoded. */
export function readTlsSecret(e: Envelope): TLSSecret | undefined {
  const type = e.f.str(['type']) ?? 'Opaque';
  const pick = (k: string): string | undefined => {
    const plain = e.f.str(['stringData', k]);
    if (plain !== undefined) return plain;
    const b64 = e.f.str(['data', k]);
    if (b64 === undefined) return undefined;
    try {
      return atob(b64.replace(/\s+/g, ''));
    } catch {
      e.f.report(
        'invalid-secret',
        'error',
        ['data', k],
        `data["${k}"] is not valid base64`,
        'The API server would refuse this Secret.',
      );
      return undefined;
    }
  };
  const certPem = pick('tls.crt');
  if (type !== 'kubernetes.io/tls' && certPem === undefined) return undefined;
  return {
    ...namespacedMetaOf(e),
    type,
    certPem,
    keyPem: pick('tls.key'),
  };
}

/** cert-manager Certificate: secretName, dnsNames and issuerRef (kind defaults to Issuer). https://cert-manager.io/docs/reference/api-docs/#cert-manager.io/v1.CertificateSpec */
export function readCertificate(e: Envelope): Certificate {
  const f = e.f;
  return {
    key: e.key,
    namespace: e.namespace ?? 'default',
    name: e.name,
    secretName: f.str(['spec', 'secretName']) ?? '',
    dnsNames: f
      .list(['spec', 'dnsNames'])
      .map((_, i) => (f.str(['spec', 'dnsNames', i]) ?? '').toLowerCase()),
    issuerRef: {
      kind: f.str(['spec', 'issuerRef', 'kind']) === 'ClusterIssuer' ? 'ClusterIssuer' : 'Issuer',
      name: f.str(['spec', 'issuerRef', 'name']) ?? '',
    },
    source: e.raw.source,
  };
}

function shimIssuer(annotations: Readonly<Record<string, string>>): Certificate['issuerRef'] | undefined {
  const cluster = annotations['cert-manager.io/cluster-issuer'];
  if (cluster) return { kind: 'ClusterIssuer', name: cluster };
  const ns = annotations['cert-manager.io/issuer'];
  return ns ? { kind: 'Issuer', name: ns } : undefined;
}

/**
 * The Certificates cert-manager's ingress-shim creates: one per `spec.tls` entry of an annotated Ingress,
 * named after its secretName, for its hosts; and per TLS listener certificateRef of an annotated Gateway.
 * https://cert-manager.io/docs/usage/ingress/ https://cert-manager.io/docs/usage/gateway/
 */
export function impliedCertificates(
  ingresses: readonly Ingress[],
  gateways: readonly Gateway[],
): Certificate[] {
  const out: Certificate[] = [];
  for (const ing of ingresses) {
    const issuerRef = shimIssuer(ing.annotations);
    if (!issuerRef) continue;
    for (const t of ing.tls)
      if (t.secretName)
        out.push({
          key: `Certificate/${ing.namespace}/${t.secretName}`,
          namespace: ing.namespace,
          name: t.secretName,
          secretName: t.secretName,
          dnsNames: t.hosts,
          issuerRef,
          impliedBy: ing.key,
          source: ing.source,
        });
  }
  for (const gw of gateways) {
    const issuerRef = shimIssuer(gw.annotations);
    if (!issuerRef) continue;
    const bySecret = new Map<string, string[]>();
    // The Gateway's own listeners: a ListenerSet's are not under the Gateway's annotations.
    for (const l of gw.listeners.filter((x) => !x.set))
      for (const r of l.tls?.certificateRefs ?? [])
        if (!r.namespace || r.namespace === gw.namespace)
          bySecret.set(r.name, [...(bySecret.get(r.name) ?? []), ...(l.hostname ? [l.hostname] : [])]);
    for (const [secretName, dnsNames] of bySecret)
      out.push({
        key: `Certificate/${gw.namespace}/${secretName}`,
        namespace: gw.namespace,
        name: secretName,
        secretName,
        dnsNames: [...new Set(dnsNames)].sort(),
        issuerRef,
        impliedBy: gw.key,
        source: gw.source,
      });
  }
  return out;
}
