/**
 * Which certificate a listener or an Ingress controller serves for an SNI name, and what is wrong with it.
 * Certificates are parsed at the rim (`src/sources/x509.ts`) and passed in; this module is pure.
 */
import type { Certificate, RoutingModel } from '../../model/routing.ts';

/** What kubetwin needs of an X.509 certificate. Dates are ISO 8601. */
export interface CertInfo {
  readonly subject: string;
  readonly issuer: string;
  readonly sans: readonly string[];
  readonly notBefore: string;
  readonly notAfter: string;
}

/** Parsed certificates by Secret `namespace/name`; a string is the parse error. */
export type CertTable = ReadonlyMap<string, CertInfo | string>;

/**
 * RFC 6125 §6.4.3: a DNS SAN `*.example.com` matches exactly one left-most label (`a.example.com`, not
 * `a.b.example.com` nor `example.com`); names compare case-insensitively. https://www.rfc-editor.org/rfc/rfc6125#section-6.4.3
 */
export function sanMatches(san: string, host: string): boolean {
  const s = san.toLowerCase();
  const h = host.toLowerCase();
  if (!s.startsWith('*.')) return s === h;
  const rest = s.slice(1);
  return h.endsWith(rest) && h.length > rest.length && !h.slice(0, h.length - rest.length).includes('.');
}

export interface CertificateChoice {
  /** Secret `namespace/name` the router would serve, or undefined when none is configured for the name. */
  readonly secret?: string;
  /** Where the reference comes from (`Ingress/ns/name spec.tls[0]`, `Gateway/ns/name listener https`). */
  readonly from?: string;
  readonly status:
    | 'ok'
    | 'not-configured'
    /** The router's own default certificate (OpenShift: a wildcard for the ingress domain), not in the input. */
    | 'router-default'
    | 'secret-missing'
    /** A Gateway listener's certificateRef to another namespace that no ReferenceGrant there allows. */
    | 'ref-not-permitted'
    /** A Gateway `TLS` listener in Passthrough mode takes the SNI: the backend, not the gateway, presents one. */
    | 'passthrough'
    | 'unparsable'
    | 'host-not-covered'
    | 'expired'
    | 'not-yet-valid';
  readonly cert?: CertInfo;
  /** The cert-manager Certificate that would issue the Secret, and whether its issuer is among the manifests. */
  readonly certManager?: {
    readonly certificate: string;
    readonly issuer: string;
    readonly issuerDeclared: boolean;
    readonly implied: boolean;
  };
  readonly message: string;
}

/**
 * What a missing certificate Secret means until it exists. A Gateway API listener whose certificateRefs do not
 * resolve is `ResolvedRefs=False(InvalidCertificateRef)` and not programmed (GatewayTLSConfig.certificateRefs;
 * https://gateway-api.sigs.k8s.io/reference/spec/#listenerconditionreason): it is not served. An Ingress
 * controller serves its default certificate instead (ingress-nginx: "Default SSL Certificate",
 * https://kubernetes.github.io/ingress-nginx/user-guide/tls/#default-ssl-certificate).
 */
function untilItExists(from: string): string {
  return /^(Gateway|X?ListenerSet)\//.test(from)
    ? 'Until it exists the listener is not programmed (ResolvedRefs=False, InvalidCertificateRef): a conformant gateway does not serve it.'
    : 'Until it exists the controller serves its default certificate.';
}

/**
 * Judges the certificate a reference points at for `host`: Secret present and parsable, SANs covering the
 * name, valid at `now`; for a missing Secret, the cert-manager Certificate (declared, or implied by the
 * ingress-shim annotations) that would create it and whether its Issuer/ClusterIssuer is declared.
 */
export function judgeCertificate(
  routing: RoutingModel,
  ref: { namespace: string; name: string; from: string; notPermitted?: string; passthrough?: boolean },
  host: string,
  certs: CertTable,
  now: string,
): CertificateChoice {
  const secret = `${ref.namespace}/${ref.name}`;
  const cm = certManagerFor(routing, ref.namespace, ref.name);
  const base = { secret, from: ref.from, certManager: cm };
  // GatewayTLSConfig.certificateRefs: a Secret of another namespace is used only when a ReferenceGrant there
  // allows it; otherwise the listener is ResolvedRefs=False(RefNotPermitted) and serves nothing, whatever the
  // Secret holds. https://gateway-api.sigs.k8s.io/reference/spec/#gatewaytlsconfig
  if (ref.notPermitted) return { ...base, status: 'ref-not-permitted', message: ref.notPermitted };
  if (ref.passthrough)
    return {
      from: ref.from,
      status: 'passthrough',
      message: `TLS passthrough: the gateway presents no certificate for ${host}; the backend behind the TLSRoute does (kubetwin does not know it)`,
    };
  const present = routing.tlsSecrets.some((s) => s.namespace === ref.namespace && s.name === ref.name);
  if (!present) {
    const how = cm
      ? ` cert-manager would create it through ${cm.certificate}${cm.implied ? ' (implied by ingress-shim annotations)' : ''} from ${cm.issuer}${cm.issuerDeclared ? '' : ', which is NOT among the manifests, so it would never be issued'}.`
      : ' Nothing among the manifests creates it.';
    return {
      ...base,
      status: 'secret-missing',
      message: `Secret ${secret} is not among the manifests.${how} ${untilItExists(ref.from)}`,
    };
  }
  const info = certs.get(secret);
  if (info === undefined || typeof info === 'string')
    return {
      ...base,
      status: 'unparsable',
      message: `Secret ${secret} holds no parsable tls.crt${typeof info === 'string' ? `: ${info}` : ''}`,
    };
  const withCert = { ...base, cert: info };
  if (!info.sans.some((s) => sanMatches(s, host)))
    return {
      ...withCert,
      status: 'host-not-covered',
      message: `the certificate in ${secret} does not cover ${host} (SANs: ${info.sans.join(', ') || 'none'}); clients reject it`,
    };
  if (now > info.notAfter)
    return {
      ...withCert,
      status: 'expired',
      message: `the certificate in ${secret} expired on ${info.notAfter}`,
    };
  if (now < info.notBefore)
    return {
      ...withCert,
      status: 'not-yet-valid',
      message: `the certificate in ${secret} is valid only from ${info.notBefore}`,
    };
  return {
    ...withCert,
    status: 'ok',
    message: `serves ${secret} (subject ${info.subject}, issuer ${info.issuer}, valid until ${info.notAfter})`,
  };
}

function certManagerFor(
  routing: RoutingModel,
  namespace: string,
  secretName: string,
): CertificateChoice['certManager'] {
  const c: Certificate | undefined = routing.certificates.find(
    (x) => x.namespace === namespace && x.secretName === secretName,
  );
  if (!c) return undefined;
  const issuerKey =
    c.issuerRef.kind === 'ClusterIssuer'
      ? `ClusterIssuer/${c.issuerRef.name}`
      : `Issuer/${namespace}/${c.issuerRef.name}`;
  return {
    certificate: c.key,
    issuer: issuerKey,
    issuerDeclared: routing.issuers.includes(issuerKey),
    implied: !!c.impliedBy,
  };
}
