/**
 * Envoy Gateway's `SecurityPolicy` (gateway.envoyproxy.io/v1alpha1), slimmed to what decides whether a request
 * through its target passes: the targets (`targetRef`/`targetRefs` with their `sectionName`; `targetSelectors` are
 * resolved by the analysis over the input's labels), its IP authorization, and which credential-based features it
 * carries (their outcome depends on credentials the input does not hold).
 * https://gateway.envoyproxy.io/docs/api/extension_types/#securitypolicy
 */
import type { ObjectMeta } from './types.ts';

/** One `spec.targetRef` or `spec.targetRefs[]` entry (a LocalPolicyTargetReferenceWithSectionName). */
export interface SecurityPolicyTarget {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  /** A listener name (Gateway) or a route rule name (HTTPRoute, GRPCRoute). */
  readonly sectionName?: string;
}

/** One `spec.authorization.rules[]` entry; `undecidable` names the conditions kubetwin cannot judge from a request. */
export interface SecurityAuthorizationRule {
  readonly index: number;
  readonly name?: string;
  readonly action: 'Allow' | 'Deny';
  /** `principal.clientCIDRs` as written (ORed); empty: the rule does not look at the address. */
  readonly clientCIDRs: readonly string[];
  /** `operation.methods` (ORed); empty: any method. */
  readonly methods: readonly string[];
  /** Fields whose match depends on what a route request does not carry: `principal.jwt`, `principal.headers`… */
  readonly undecidable: readonly string[];
}

export interface SecurityAuthorization {
  /** `defaultAction`, Deny when absent (the API default). */
  readonly defaultAction: 'Allow' | 'Deny';
  /** Set when `defaultAction` holds another value than Allow or Deny (the CRD refuses it): no answer is sure. */
  readonly defaultActionInvalid?: boolean;
  readonly rules: readonly SecurityAuthorizationRule[];
}

export interface EnvoySecurityPolicy extends ObjectMeta {
  readonly namespace: string;
  readonly creationTimestamp?: string;
  readonly targets: readonly SecurityPolicyTarget[];
  readonly authorization?: SecurityAuthorization;
  /** The credential and browser features present, in API order: cors, basicAuth, jwt, oidc, apiKeyAuth, extAuth. */
  readonly features: readonly ('cors' | 'basicAuth' | 'jwt' | 'oidc' | 'apiKeyAuth' | 'extAuth')[];
}
