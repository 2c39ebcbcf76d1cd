import { unknownCNI } from '../../model/profile.ts';
import type { ClusterModel } from '../../model/types.ts';
import type { Verdict } from './types.ts';

/** Is it unknown whether the cluster's CNI enforces NetworkPolicy (`cni.name: unknown`, enforcing as written)? */
export const enforcementUnknown = (model: ClusterModel): boolean =>
  model.profile.cni.name === unknownCNI && model.profile.cni.enforcesNetworkPolicy;

/**
 * Why a denied verdict may be wrong: "Network policies are implemented by the network plugin … Creating a
 * NetworkPolicy resource without a controller that implements it will have no effect"
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#prerequisites). When the cluster's
 * CNI is unknown (a dump whose kube-system holds no node agent kubetwin knows: minikube's bridge CNI, GKE without
 * network policy enforcement, AKS kubenet), a connection the policies deny may pass. An allowed verdict stands
 * either way: a CNI that does not enforce allows everything. Undefined when the verdict is sure.
 */
export function unknownEnforcement(model: ClusterModel, verdict: Verdict): string | undefined {
  if (verdict.allowed || !enforcementUnknown(model)) return undefined;
  return "the cluster's CNI is unknown (no node agent kubetwin knows is in the input), so whether it enforces NetworkPolicy is unknown: the policies deny this connection, but a CNI that does not enforce them lets it through (name the CNI in the profile: cni: {name: …, enforcesNetworkPolicy: …})";
}
