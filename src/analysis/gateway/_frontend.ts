import type { FrontendValidation, Gateway, Listener } from '../../model/routing.ts';
import type { ClusterModel } from '../../model/types.ts';
import { cond, type Condition } from './_conditions.ts';
import { group } from './_protocols.ts';
import { refPermitted } from './_refs.ts';
import { caBundle, caBundleProblem } from './_ca-bundle.ts';

/**
 * The client certificate validation in effect on a listener: `spec.tls.frontend.perPort` for its port, else
 * `default`; only listeners serving HTTPS (TLS terminated by the gateway) validate client certificates.
 * https://gateway-api.sigs.k8s.io/reference/spec/#frontendtlsconfig
 */
export function frontendValidationOf(gw: Gateway, l: Listener): FrontendValidation | undefined {
  const fv = gw.frontendValidation;
  if (!fv || l.protocol !== 'HTTPS') return undefined;
  const perPort = fv.perPort.find((p) => p.port === l.port);
  return perPort ? perPort.validation : fv.default;
}

/**
 * The conditions `caCertificateRefs` give an HTTPS listener, as FrontendTLSValidation says: a ref that does not
 * resolve (no ConfigMap, or no `ca.crt` key) → ResolvedRefs=False(InvalidCACertificateRef); a kind other than a
 * core ConfigMap → InvalidCACertificateKind; another namespace without a ReferenceGrant → RefNotPermitted; every
 * ref invalid → also Accepted=False(NoValidCACertificate). Undefined when the listener validates nothing or
 * every ref is valid.
 * https://gateway-api.sigs.k8s.io/reference/spec/#frontendtlsvalidation
 */
export function frontendConditions(
  gw: Gateway,
  l: Listener,
  model: ClusterModel,
): { resolved: Condition; accepted?: Condition } | undefined {
  const v = frontendValidationOf(gw, l);
  if (!v) return undefined;
  const problems = v.caCertificateRefs.map((ref) => caRefProblem(gw, ref, model));
  const first = problems.find((p) => p !== undefined);
  if (!first) return undefined;
  const resolved = cond('ResolvedRefs', false, first.reason, first.message);
  if (problems.every((p) => p !== undefined))
    return {
      resolved,
      accepted: cond(
        'Accepted',
        false,
        'NoValidCACertificate',
        'no caCertificateRef of spec.tls.frontend is valid: client certificates cannot be validated',
      ),
    };
  return { resolved };
}

/**
 * The PEM trust anchors a listener's client certificates are validated against: the `ca.crt` of every
 * `caCertificateRefs` entry that is valid (the others gave the listener a ResolvedRefs=False reason and anchor
 * nothing). FrontendTLSValidation: "the client certificate MUST be validated against the CA certificates".
 * https://gateway-api.sigs.k8s.io/reference/spec/#frontendtlsvalidation https://gateway-api.sigs.k8s.io/geps/gep-91/
 */
export function frontendTrustAnchors(gw: Gateway, v: FrontendValidation, model: ClusterModel): string[] {
  return v.caCertificateRefs.flatMap((ref) =>
    caRefProblem(gw, ref, model) ? [] : [caBundle(model, ref.namespace ?? gw.namespace, ref.name)],
  );
}

function caRefProblem(
  gw: Gateway,
  ref: FrontendValidation['caCertificateRefs'][number],
  model: ClusterModel,
): { reason: string; message: string } | undefined {
  const ns = ref.namespace ?? gw.namespace;
  if (ref.group !== '' || ref.kind !== 'ConfigMap')
    return {
      reason: 'InvalidCACertificateKind',
      message: `caCertificateRef ${ref.group ? `${ref.kind}.${ref.group}` : ref.kind} ${ref.name} is not a ConfigMap (the kind kubetwin and the spec's core support read)`,
    };
  if (
    !refPermitted(
      model.routing!.referenceGrants,
      { group, kind: 'Gateway', namespace: gw.namespace },
      { group: '', kind: 'ConfigMap', namespace: ns, name: ref.name },
    )
  )
    return {
      reason: 'RefNotPermitted',
      message: `caCertificateRef to ConfigMap ${ns}/${ref.name} crosses namespaces and no ReferenceGrant in ${ns} allows it`,
    };
  return caBundleProblem(model, ns, ref.name);
}
