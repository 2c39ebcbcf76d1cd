import type { SourceRef } from '../model/diagnostic.ts';
import type { WorkloadKind } from '../model/types.ts';
import { objectKey } from '../model/keys.ts';
import type { Envelope } from './_envelope.ts';

/**
 * The controllers whose pod templates are expanded into pods; as owners of pods, they are workloads of their own
 * when nothing above them is known.
 */
export const workloadKinds: readonly WorkloadKind[] = [
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Rollout',
];

/** The kinds that own ReplicaSets: the Deployment controller's, and Argo Rollouts' (a ReplicaSet per revision). */
const replicaSetOwners: readonly string[] = ['Deployment', 'Rollout'];

/**
 * The label each ReplicaSet owner puts on its pods, with the template's hash: the ReplicaSet is `<owner>-<hash>`.
 * https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#pod-template-hash-label;
 * Argo Rollouts' `rollouts-pod-template-hash` (DefaultRolloutUniqueLabelKey, pkg/apis/rollouts/v1alpha1/types.go).
 */
const hashLabels: readonly (readonly [string, string])[] = [
  ['pod-template-hash', 'Deployment'],
  ['rollouts-pod-template-hash', 'Rollout'],
];

/** A workload named by ownerReferences whose own object may be absent from the input. */
export interface ObservedWorkload {
  readonly key: string;
  readonly kind: WorkloadKind;
  readonly namespace: string;
  readonly name: string;
  /** Keys of the pods in the input that it owns, in input order. */
  readonly podKeys: string[];
  /** Where the first of its pods was read, for workloads absent from the input. */
  readonly source: SourceRef;
}

/** How the input's objects own each other, read from `metadata.ownerReferences`. */
export interface Ownership {
  /** Pod key → the workload it belongs to, as a user names it (`Deployment/ns/name`, not its ReplicaSet). */
  readonly ownerOf: ReadonlyMap<string, string>;
  /** Workloads that have pods in the input, by key: their controllers are never expanded again. */
  readonly observed: ReadonlyMap<string, ObservedWorkload>;
  /**
   * ReplicaSets and Jobs of a Deployment or CronJob in the input or owning pods: part of it, not workloads of their
   * own. Key → the key of the Deployment or CronJob it is folded into.
   */
  readonly folded: ReadonlyMap<string, string>;
}

interface Ref {
  readonly kind: string;
  readonly name: string;
}

/**
 * Reads the owner chain of every object as the garbage collector and `kubectl` do: the ownerReference marked
 * `controller: true` (else the first of a workload kind). A Pod owned by a ReplicaSet belongs to the ReplicaSet's
 * Deployment or Argo Rollout: the ReplicaSet's own ownerReference when it is in the input, else its name
 * `<deployment>-<pod-template-hash>` when the pod carries that `pod-template-hash` label (only the Deployment
 * controller sets it), or `<rollout>-<rollouts-pod-template-hash>` (only the Argo Rollouts controller sets it). A Job belongs to its CronJob the same way (`<cronjob>-<scheduled minutes>`).
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/owners-dependents/
 * https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#pod-template-hash-label
 */
export function readOwnership(envs: readonly Envelope[]): Ownership {
  const byKey = new Map(envs.map((e) => [e.key, e]));
  const topOf = (env: Envelope): Ref | undefined => {
    const ref = controllerRef(env);
    if (!ref || !workloadKinds.includes(ref.kind as WorkloadKind)) return undefined;
    const ns = env.namespace as string;
    if (ref.kind !== 'ReplicaSet' && ref.kind !== 'Job') return ref;
    const middle = byKey.get(objectKey(ref.kind, ns, ref.name));
    const above = middle ? controllerRef(middle) : undefined;
    if (above && ownsKind(above.kind, ref.kind)) return above;
    if (middle) return ref;
    if (ref.kind === 'ReplicaSet') {
      for (const [label, kind] of hashLabels) {
        const hash = env.labels[label];
        if (hash && ref.name.endsWith(`-${hash}`)) return { kind, name: ref.name.slice(0, -hash.length - 1) };
      }
      return ref;
    }
    const cron = /^(.+)-\d+$/.exec(ref.name)?.[1];
    return cron && byKey.has(objectKey('CronJob', ns, cron)) ? { kind: 'CronJob', name: cron } : ref;
  };
  const folded = new Map<string, string>();
  const ownerOf = new Map<string, string>();
  const observed = new Map<string, ObservedWorkload>();
  for (const env of envs) {
    if (env.kind !== 'Pod') continue;
    const top = topOf(env);
    if (!top) continue;
    const namespace = env.namespace as string;
    const key = objectKey(top.kind, namespace, top.name);
    ownerOf.set(env.key, key);
    const entry = observed.get(key) ?? {
      key,
      kind: top.kind as WorkloadKind,
      namespace,
      name: top.name,
      podKeys: [],
      source: env.raw.source,
    };
    entry.podKeys.push(env.key);
    observed.set(key, entry);
  }
  for (const env of envs) {
    if (env.kind !== 'ReplicaSet' && env.kind !== 'Job') continue;
    const above = controllerRef(env);
    const parent =
      above && ownsKind(above.kind, env.kind) ? objectKey(above.kind, env.namespace, above.name) : undefined;
    if (parent && (byKey.has(parent) || observed.has(parent))) folded.set(env.key, parent);
  }
  return { ownerOf, observed, folded };
}

/** Whether `owner` is a kind that owns objects of kind `middle` (a ReplicaSet's Deployment or Rollout, a Job's CronJob). */
const ownsKind = (owner: string, middle: string): boolean =>
  middle === 'ReplicaSet' ? replicaSetOwners.includes(owner) : middle === 'Job' && owner === 'CronJob';

/** The workload an object belongs to, when its controlling ownerReference names a workload kind. */
export function controllerRef(env: Envelope): Ref | undefined {
  const f = env.f;
  const refs = f.list(['metadata', 'ownerReferences']).map((_, i) => ({
    kind: f.str(['metadata', 'ownerReferences', i, 'kind']) ?? '',
    name: f.str(['metadata', 'ownerReferences', i, 'name']) ?? '',
    controller: f.bool(['metadata', 'ownerReferences', i, 'controller']) === true,
  }));
  const hit =
    refs.find((r) => r.controller && r.name) ??
    refs.find((r) => r.name && workloadKinds.includes(r.kind as WorkloadKind));
  return hit ? { kind: hit.kind, name: hit.name } : undefined;
}
