import type { Envelope } from './_envelope.ts';
import type { PodTemplate } from './_pod-spec.ts';

/**
 * The priority classes every cluster has, with the values the API server creates them with: above any user class
 * (at most 1,000,000,000). kubeadm runs CoreDNS as `system-cluster-critical` and kube-proxy as
 * `system-node-critical`.
 * https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/#priorityclass
 */
export const builtInPriorityClasses: Readonly<Record<string, number>> = {
  'system-node-critical': 2_000_001_000,
  'system-cluster-critical': 2_000_000_000,
};

/** The PriorityClasses of a cluster: their values by name, and the value of a pod that names none. */
export interface PriorityTable {
  readonly byName: ReadonlyMap<string, number>;
  /** The value of the class marked `globalDefault`, else 0. */
  readonly globalDefault: number;
}

/** The built-in classes and the PriorityClass objects of the input (`value`, `globalDefault`). */
export function readPriorityClasses(envs: readonly Envelope[]): PriorityTable {
  const byName = new Map<string, number>(Object.entries(builtInPriorityClasses));
  let globalDefault = 0;
  for (const e of envs) {
    if (e.kind !== 'PriorityClass' || e.group !== 'scheduling.k8s.io') continue;
    const value = e.f.int(['value']);
    if (value === undefined && !e.f.invalid && e.f.get(['value']) === undefined)
      e.f.report(
        'missing-field',
        'error',
        ['value'],
        `PriorityClass ${e.name} has no value; the API server requires one`,
        'Add value: (an integer up to 1000000000).',
      );
    if (value === undefined || e.f.invalid) continue;
    byName.set(e.name, value);
    if (e.f.bool(['globalDefault'])) globalDefault = value;
  }
  return { byName, globalDefault };
}

/** A pod's priority as the Priority admission plugin sets it, and the class it names when the input lacks it. */
export interface PodPriority {
  readonly value: number;
  /** `priorityClassName` when no class of that name is known: counted as the default, and said where it matters. */
  readonly unknownClass?: string;
}

/**
 * A pod's priority: its own `spec.priority` (a Pod read back from a cluster carries the value admission set),
 * else its class's value, else the global default (0 without one). A class the input does not hold (it may
 * exist in the cluster) counts as the default and is named.
 * https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/#pod-priority
 */
export function podPriority(t: PodTemplate, table: PriorityTable): PodPriority {
  if (t.priority !== undefined) return { value: t.priority };
  if (t.priorityClassName === undefined) return { value: table.globalDefault };
  const value = table.byName.get(t.priorityClassName);
  return value === undefined ? { value: table.globalDefault, unknownClass: t.priorityClassName } : { value };
}
