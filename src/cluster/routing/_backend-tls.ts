import type { BackendTLSPolicy, PolicyTargetRef } from '../../model/routing.ts';
import type { Envelope } from '../_envelope.ts';
import { namespacedMetaOf } from '../_envelope.ts';

const refuse = 'The API server would refuse this object; kubetwin leaves it out.';
/** Gateway API `PreciseHostname`: an RFC 1123 subdomain in lower case, no wildcard. */
const preciseHostname = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const ipv4 = /^\d+\.\d+\.\d+\.\d+$/;

/**
 * BackendTLSPolicy (gateway.networking.k8s.io/v1, and the v1alpha3 it graduated from) with the CRD's validation:
 * 1–16 targetRefs whose repeated targets differ by sectionName; `validation.hostname` a precise hostname; exactly
 * one of `caCertificateRefs` (local references with group, kind and name) and `wellKnownCACertificates` (`System`); subjectAltNames typed Hostname or URI with the matching value.
 * https://gateway-api.sigs.k8s.io/reference/spec/#backendtlspolicy
 * https://gateway-api.sigs.k8s.io/api-types/backendtlspolicy/
 */
export function readBackendTLSPolicy(e: Envelope): BackendTLSPolicy {
  const f = e.f;
  const targetRefs: PolicyTargetRef[] = f.list(['spec', 'targetRefs']).map((_, i) => {
    const at = ['spec', 'targetRefs', i];
    const name = f.str([...at, 'name']) ?? '';
    const kind = f.str([...at, 'kind']) ?? '';
    if (!name || !kind)
      f.report('invalid-backend-tls-policy', 'error', at, `targetRefs[${i}] needs kind and name`, refuse);
    const section = f.str([...at, 'sectionName']);
    return { group: f.str([...at, 'group']) ?? '', kind, name, ...(section ? { sectionName: section } : {}) };
  });
  if (!targetRefs.length)
    f.report(
      'invalid-backend-tls-policy',
      'error',
      ['spec', 'targetRefs'],
      'spec.targetRefs needs at least one target',
      refuse,
    );
  if (targetRefs.length > 16)
    f.report(
      'invalid-backend-tls-policy',
      'error',
      ['spec', 'targetRefs'],
      'spec.targetRefs holds at most 16 targets',
      refuse,
    );
  const seen = new Set<string>();
  targetRefs.forEach((t, i) => {
    const k = `${t.group}/${t.kind}/${t.name}#${t.sectionName ?? ''}`;
    if (seen.has(k))
      f.report(
        'invalid-backend-tls-policy',
        'error',
        ['spec', 'targetRefs', i],
        `targetRefs[${i}] repeats a target: two references to the same target must name different sectionNames`,
        refuse,
      );
    seen.add(k);
  });
  const v = ['spec', 'validation'];
  const hostname = f.str([...v, 'hostname']) ?? '';
  if (!hostname)
    f.report(
      'invalid-backend-tls-policy',
      'error',
      [...v, 'hostname'],
      'spec.validation.hostname is required',
      refuse,
    );
  else if (!preciseHostname.test(hostname) || hostname.length > 253)
    f.report(
      'invalid-backend-tls-policy',
      'error',
      [...v, 'hostname'],
      `spec.validation.hostname "${hostname}" must be a lower-case DNS name without a wildcard`,
      refuse,
    );
  else if (ipv4.test(hostname))
    f.report(
      'invalid-backend-tls-policy',
      'warning',
      [...v, 'hostname'],
      `spec.validation.hostname "${hostname}" is an IP address; the Gateway API says the SNI hostname must be a DNS name`,
      'Use the DNS name the backend certificate is issued for.',
    );
  const caCertificateRefs = f.list([...v, 'caCertificateRefs']).map((_, j) => {
    const at = [...v, 'caCertificateRefs', j];
    const ref = {
      group: f.str([...at, 'group']) ?? '',
      kind: f.str([...at, 'kind']) ?? '',
      name: f.str([...at, 'name']) ?? '',
    };
    if (!ref.kind || !ref.name)
      f.report(
        'invalid-backend-tls-policy',
        'error',
        at,
        `caCertificateRefs[${j}] needs kind and name`,
        refuse,
      );
    return ref;
  });
  const wellKnown = f.str([...v, 'wellKnownCACertificates']) || undefined;
  if (wellKnown !== undefined && wellKnown !== 'System')
    f.report(
      'invalid-backend-tls-policy',
      'error',
      [...v, 'wellKnownCACertificates'],
      `wellKnownCACertificates must be System, not "${wellKnown}"`,
      refuse,
    );
  if (caCertificateRefs.length && wellKnown)
    f.report(
      'invalid-backend-tls-policy',
      'error',
      v,
      'spec.validation must not set both caCertificateRefs and wellKnownCACertificates',
      refuse,
    );
  if (!caCertificateRefs.length && !wellKnown)
    f.report(
      'invalid-backend-tls-policy',
      'error',
      v,
      'spec.validation needs caCertificateRefs or wellKnownCACertificates',
      refuse,
    );
  const subjectAltNames = f.list([...v, 'subjectAltNames']).flatMap((_, j) => {
    const at = [...v, 'subjectAltNames', j];
    const type = f.str([...at, 'type']) ?? '';
    const value = type === 'URI' ? f.str([...at, 'uri']) : f.str([...at, 'hostname']);
    if ((type !== 'Hostname' && type !== 'URI') || !value) {
      f.report(
        'invalid-backend-tls-policy',
        'error',
        at,
        `subjectAltNames[${j}] needs type Hostname with hostname, or type URI with uri`,
        refuse,
      );
      return [];
    }
    return [`${type}:${value}`];
  });
  const options = Object.keys(f.map(['spec', 'options']) ?? {}).sort();
  const meta = f.map(['metadata']);
  return {
    ...namespacedMetaOf(e),
    targetRefs,
    hostname,
    caCertificateRefs,
    ...(wellKnown ? { wellKnownCACertificates: wellKnown } : {}),
    subjectAltNames,
    options,
    creationTimestamp: typeof meta?.creationTimestamp === 'string' ? meta.creationTimestamp : undefined,
  };
}
