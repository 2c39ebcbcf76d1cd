/**
 * Gateway API: status conditions of Gateways, listeners and routes as a conformant implementation computes
 * them, and per-Gateway routing with the spec's matching, precedence and filters.
 * https://gateway-api.sigs.k8s.io/reference/spec/
 */
export { analyzeGateways, type Attachment, type GatewayAnalysis } from './_status.ts';
export { gatewayClassStatuses, knownClasses, type GatewayClassStatus } from './_class.ts';
export { gatewayAddresses, gatewayNameLabel } from './_addresses.ts';
export { compileL4Router, type L4Router } from './_l4router.ts';
export { compileGatewayRouter, type GatewayRouter } from './_router.ts';
export { certificateRefNotPermitted, listenerLabel } from './_listener.ts';
export type {
  Condition,
  GatewayStatus,
  ListenerStatus,
  RouteStatus,
  RouteParentStatus,
} from './_conditions.ts';
export { gatewayHostMatch, intersectHostnames } from './_hostnames.ts';
export { pathPrefixMatch, matchFailure, describeMatch, matchRank, fullRegex } from './_match.ts';
export { applyFilters, replacePrefix } from './_filters.ts';
export { unresolvedExtensionRef, unresolvedExtensionRefNote } from './_custom-filters.ts';
export { refPermitted, checkBackendRef } from './_refs.ts';
export { caBundle, caBundleProblem } from './_ca-bundle.ts';
export { frontendTrustAnchors, frontendValidationOf } from './_frontend.ts';
export { indexSecurityPolicies, type SecurityPolicyIndex } from './_security-index.ts';
export { securityPolicyAnswer, type SecurityAnswer } from './_security-policy.ts';
export { securityPolicyConnectionAnswer, type SecurityConnectionAnswer } from './_security-connection.ts';
