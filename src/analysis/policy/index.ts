/**
 * The NetworkPolicy engine: NetworkPolicy (networking.k8s.io/v1) and the admin tiers of the Network Policy API,
 * compiled once over equivalence classes of pods, answering "is this connection allowed, and which rule decided".
 *
 * @example
 * const engine = new PolicyEngine(model);
 * engine.explain({ kind: 'pod', pod: a }, { kind: 'pod', pod: b }, 80, 'TCP').allowed;
 */
export { PolicyEngine } from './_engine.ts';
export type { PodClass } from './_classes.ts';
export type {
  EngineOptions,
  ExplainOptions,
  HttpRequest,
  L7Verdict,
  HostNetworkMode,
  Miss,
  Party,
  RuleRef,
  SideReason,
  SideVerdict,
  Tier,
  Verdict,
} from './types.ts';
export { describeSide, formatRule } from './_describe.ts';
export { AddressSegments, compileBlock, type CompiledBlock } from './_ip-blocks.ts';
export { portMatches } from './_ports.ts';
export { namespacesNotInInput, readsOtherLabels, unknownNamespaceLabels } from './_namespace-labels.ts';
export { unheldPodAddress } from './_unheld-address.ts';
export { enforcementUnknown, unknownEnforcement } from './_enforcement.ts';
export type { PeerSets } from './_peer-sets.ts';
export type { PolicyLists } from './_policy-lists.ts';
export { identityLabels as ciliumIdentityLabels, dnsMatches as ciliumDnsMatches } from './_cilium-match.ts';
export {
  computeTierReachability,
  hostAddress,
  quietSources,
  type TierReachability,
  type TierReachOptions,
  type TierRow,
} from './_tier-reach.ts';
export {
  ciliumIngressPath,
  type IngressClient as CiliumIngressClient,
  type IngressPathVerdict as CiliumIngressPathVerdict,
  type IngressPointVerdict as CiliumIngressPointVerdict,
} from './_cilium-ingress-identity.ts';
