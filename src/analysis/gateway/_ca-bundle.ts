import type { ClusterModel } from '../../model/types.ts';

/**
 * Why a ConfigMap named as a CA bundle cannot serve as one, or undefined when its `ca.crt` key holds a PEM
 * certificate. Both Gateway API CA references read it this way: a listener's client-certificate validation
 * (FrontendTLSValidation) and a BackendTLSPolicy's `validation.caCertificateRefs`; a reference that does not
 * resolve, or whose data is malformed, is `InvalidCACertificateRef` in both.
 * https://gateway-api.sigs.k8s.io/reference/spec/#frontendtlsvalidation
 * https://gateway-api.sigs.k8s.io/reference/spec/#backendtlspolicyvalidation
 */
export function caBundleProblem(
  model: ClusterModel,
  namespace: string,
  name: string,
): { reason: 'InvalidCACertificateRef'; message: string } | undefined {
  const at = `ConfigMap ${namespace}/${name}`;
  const ca = caBundle(model, namespace, name);
  if (ca === 'no-configmap') return { reason: 'InvalidCACertificateRef', message: `${at} not found` };
  if (ca === 'no-key') return { reason: 'InvalidCACertificateRef', message: `${at} has no key ca.crt` };
  if (!ca.includes('-----BEGIN CERTIFICATE-----'))
    return { reason: 'InvalidCACertificateRef', message: `${at} ca.crt holds no PEM certificate` };
  return undefined;
}

/** The `ca.crt` text of ConfigMap `namespace/name`, or why there is none. */
export function caBundle(
  model: ClusterModel,
  namespace: string,
  name: string,
): string | 'no-configmap' | 'no-key' {
  const cm = model.configMaps?.find((c) => c.namespace === namespace && c.name === name);
  if (!cm) return 'no-configmap';
  return cm.entries.find((e) => e.key === 'ca.crt')?.value ?? 'no-key';
}
