import type { Cause, ObjectChange } from './types.ts';

/**
 * Ties an effect to the object changes it depends on. An effect changed, so some object it reads changed: when the
 * objects it reads hold exactly one change (or the whole diff holds one), that change is the cause (`certain`).
 * Otherwise the cause is "one of" the changed objects it reads — or, when none of them is among those the layer
 * names, one of the changes of the kinds that layer reads (heuristic, and said so).
 */
export class Attributor {
  readonly #changed: ReadonlyMap<string, ObjectChange>;

  constructor(changes: readonly ObjectChange[]) {
    this.#changed = new Map(changes.map((c) => [c.key, c]));
  }

  get size(): number {
    return this.#changed.size;
  }

  has(key: string): boolean {
    return this.#changed.has(key);
  }

  cause(deps: Iterable<string>, fallback: (c: ObjectChange) => boolean): Cause {
    if (this.#changed.size === 1) return { objects: [...this.#changed.keys()], certain: true };
    const hit = new Set<string>();
    for (const d of deps) if (this.#changed.has(d)) hit.add(d);
    if (hit.size) return { objects: [...hit].sort(), certain: hit.size === 1 };
    const wide = [...this.#changed.values()].filter(fallback).map((c) => c.key);
    return { objects: wide.sort(), certain: false };
  }
}

/** Kinds that decide who may connect to whom (every policy tier, the parties and their labels). */
export const connectivityKinds = new Set([
  'NetworkPolicy',
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
  'ClusterNetworkPolicy',
  'CiliumNetworkPolicy',
  'CiliumClusterwideNetworkPolicy',
  'Namespace',
  'Pod',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'Rollout',
  'ClusterProfile',
]);

/** Policy kinds that reach across namespaces (cluster-scoped tiers), always read by a connectivity verdict. */
export const clusterPolicyKinds = new Set([
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
  'ClusterNetworkPolicy',
  'CiliumClusterwideNetworkPolicy',
]);
