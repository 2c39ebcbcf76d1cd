import type { ClusterModel, Pod } from '../../model/types.ts';
import { enforcementUnknown, type PolicyEngine } from '../policy/index.ts';
import { isCiliumDefaultDeny, isDefaultDeny } from '../doctor/index.ts';
import type { DirectionPosture, NamespacePosture } from './types.ts';

const system = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

/** Items by namespace, in their order: one pass instead of a filter per namespace. */
export function byNamespace<T extends { readonly namespace: string }>(items: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of items) (out.get(x.namespace) ?? out.set(x.namespace, []).get(x.namespace)!).push(x);
  return out;
}

/** The namespaces the posture table lists, in model order: not the system ones, and with pods or policies. */
export function shownNamespaces(model: ClusterModel): string[] {
  const pods = new Set(model.pods.map((p) => p.namespace));
  const policies = new Set([
    ...model.networkPolicies.map((p) => p.namespace),
    ...(model.ciliumPolicies ?? []).flatMap((p) => (p.namespace ? [p.namespace] : [])),
  ]);
  return model.namespaces
    .filter((n) => !system.has(n.name) && (pods.has(n.name) || policies.has(n.name)))
    .map((n) => n.name);
}

/**
 * The posture rows of the namespaces named (each must be in `reach`, from `reachPosture`): isolation counts,
 * default denies and the rating by what is reachable, in the order given.
 */
export function namespacePostures(
  model: ClusterModel,
  engine: PolicyEngine,
  names: readonly string[],
  reach: ReadonlyMap<string, { ingress: DirectionPosture; egress: DirectionPosture }>,
): NamespacePosture[] {
  const podsIn = byNamespace(model.pods);
  const policiesIn = byNamespace(model.networkPolicies);
  const ciliumIn = byNamespace(
    (model.ciliumPolicies ?? []).flatMap((p) => (p.namespace ? [{ ...p, namespace: p.namespace }] : [])),
  );
  const workloadsIn = byNamespace(model.workloads);
  const servicesIn = byNamespace(model.services);
  const narrow = (d: { reach: string; openRules: readonly unknown[] }) =>
    (d.reach === 'peers' || d.reach === 'none') && !d.openRules.length;
  const wide = (d: { reach: string }) => d.reach === 'internet' || d.reach === 'cluster';
  // What isolates a pod is its class's (NetworkPolicies and Cilium policies select classes): asked once per class
  // (-1: not yet), and a class a NetworkPolicy isolates is isolated without listing every policy (`isolatedBy`).
  const C = engine.classes.length;
  const isolation = { Ingress: new Int8Array(C).fill(-1), Egress: new Int8Array(C).fill(-1) };
  const isolated = (p: Pod, direction: 'Ingress' | 'Egress') => {
    const c = engine.classOf(p);
    if (!c) return engine.isolatedBy(p, direction).length > 0;
    const memo = isolation[direction];
    if (memo[c.id] < 0)
      memo[c.id] =
        engine.policiesOf(c, direction).length > 0 || engine.isolatedBy(p, direction).length > 0 ? 1 : 0;
    return memo[c.id] === 1;
  };
  // Under an unknown CNI what the policies hold back is unknown: "Creating a NetworkPolicy resource without a
  // controller that implements it will have no effect"
  // (https://kubernetes.io/docs/concepts/services-networking/network-policies/#prerequisites).
  const unsure = enforcementUnknown(model);
  const rated = (p: NamespacePosture['posture']): Pick<NamespacePosture, 'posture' | 'ifEnforced'> =>
    unsure && (p === 'zero-trust' || p === 'partial')
      ? { posture: 'unknown', ifEnforced: p }
      : { posture: p };
  return names.map((name) => {
    const pods = podsIn.get(name) ?? [];
    const policies = policiesIn.get(name) ?? [];
    const cilium = ciliumIn.get(name) ?? [];
    const { ingress, egress } = reach.get(name)!;
    return {
      namespace: name,
      pods: pods.length,
      readyPods: pods.filter((p) => p.ready).length,
      workloads: workloadsIn.get(name)?.length ?? 0,
      services: servicesIn.get(name)?.length ?? 0,
      policies: policies.length,
      // Only when the input has Cilium policies, so that outputs without them keep their shape.
      ...(model.ciliumPolicies ? { ciliumPolicies: cilium.length } : {}),
      ingressIsolated: pods.filter((p) => isolated(p, 'Ingress')).length,
      egressIsolated: pods.filter((p) => isolated(p, 'Egress')).length,
      defaultDenyIngress:
        policies.some((p) => isDefaultDeny(p, 'Ingress')) ||
        cilium.some((p) => isCiliumDefaultDeny(p, 'Ingress')),
      defaultDenyEgress:
        policies.some((p) => isDefaultDeny(p, 'Egress')) ||
        cilium.some((p) => isCiliumDefaultDeny(p, 'Egress')),
      ingress,
      egress,
      // By what is reachable: a default deny undone by an allow-everything rule is not zero trust.
      ...rated(
        !pods.length
          ? 'open'
          : narrow(ingress) && narrow(egress)
            ? 'zero-trust'
            : wide(ingress) && wide(egress)
              ? 'open'
              : 'partial',
      ),
    };
  });
}
