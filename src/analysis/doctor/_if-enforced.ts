/** How a finding's consequence begins when it holds only if the (unknown) CNI enforces NetworkPolicy. */
export const unknownEnforcementPrefix =
  'if the CNI enforces NetworkPolicy (unknown: see cni-enforcement-unknown), ';

/**
 * A denial's consequence under an unknown CNI: "Creating a NetworkPolicy resource without a controller that
 * implements it will have no effect" (https://kubernetes.io/docs/concepts/services-networking/network-policies/#prerequisites).
 */
export const ifEnforced = (breaks: string): string => `${unknownEnforcementPrefix}${breaks}`;
