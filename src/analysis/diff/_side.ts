import type { ClusterModel, Pod, Workload } from '../../model/types.ts';
import type { RawObject } from '../../parse/index.ts';
import type { AnalysedCluster } from '../../pipeline/index.ts';

/** One side of a diff as the caller gives it: the analysed cluster and the raw objects it was built from. */
export interface DiffInput {
  readonly analysed: AnalysedCluster;
  /** The raw objects (with positions) the cluster was built from, for the object-level diff. */
  readonly objects: readonly RawObject[];
}

/** A side with the lookups every layer shares, built once. */
export interface DiffSide {
  readonly analysed: AnalysedCluster;
  /** Workload groups as `matrix --by workload` names them (`ns/name`; a bare pod is its own group), sorted. */
  workloads(): readonly string[];
  podsOf(group: string): readonly Pod[];
  /** The group a pod of this side is in. */
  groupOf(pod: Pod): string;
  /** The model keys of the objects behind a group: its workloads and the pods' owners. */
  keysOf(group: string): readonly string[];
  /** NetworkPolicies isolating the group's pods in a direction (by key). */
  isolating(group: string, direction: 'Ingress' | 'Egress'): readonly string[];
}

export function sideOf(analysed: AnalysedCluster): DiffSide {
  const { model, engine } = analysed.context;
  const { groupOf, keys, pods, sorted } = groupingOf(model);
  const isolation = new Map<string, readonly string[]>();
  return {
    analysed,
    workloads: () => sorted,
    podsOf: (g) => pods.get(g) ?? [],
    groupOf: (p) => groupOf.get(p.key) ?? `${p.namespace}/${p.name}`,
    keysOf: (g) => [...(keys.get(g) ?? [])].sort(),
    isolating(g, direction) {
      const id = `${direction} ${g}`;
      let got = isolation.get(id);
      if (!got) {
        const out = new Set<string>();
        // Pods of one workload share their template's labels: their classes, hence policies, are few.
        const seen = new Set<number>();
        for (const p of pods.get(g) ?? []) {
          const c = engine.classOf(p)?.id ?? -1;
          if (seen.has(c)) continue;
          seen.add(c);
          for (const r of engine.isolatedBy(p, direction)) out.add(r.key);
        }
        isolation.set(id, (got = [...out].sort()));
      }
      return got;
    },
  };
}

/** The workload groups of a model's pods: a function of its workloads and pods alone. */
interface Grouping {
  readonly groupOf: ReadonlyMap<string, string>;
  readonly keys: ReadonlyMap<string, ReadonlySet<string>>;
  readonly pods: ReadonlyMap<string, readonly Pod[]>;
  readonly sorted: readonly string[];
}

/**
 * Per pods array, then workloads array: the grouping, computed once. Both sides of a diff share these arrays
 * when no pod input changed (the build takes the pod phases over), so the after side's grouping is the before
 * side's; nobody mutates a model.
 */
const groupings = new WeakMap<readonly Pod[], WeakMap<readonly Workload[], Grouping>>();

function groupingOf(model: ClusterModel): Grouping {
  let byWorkloads = groupings.get(model.pods);
  if (!byWorkloads) groupings.set(model.pods, (byWorkloads = new WeakMap()));
  let got = byWorkloads.get(model.workloads);
  if (!got) byWorkloads.set(model.workloads, (got = grouping(model)));
  return got;
}

function grouping(model: ClusterModel): Grouping {
  const groupOf = new Map<string, string>();
  const keys = new Map<string, Set<string>>();
  for (const w of model.workloads) for (const k of w.podKeys) groupOf.set(k, `${w.namespace}/${w.name}`);
  const pods = new Map<string, Pod[]>();
  for (const p of model.pods) {
    const g = groupOf.get(p.key) ?? `${p.namespace}/${p.name}`;
    let list = pods.get(g);
    if (!list) pods.set(g, (list = []));
    list.push(p);
    let ks = keys.get(g);
    if (!ks) keys.set(g, (ks = new Set()));
    if (!groupOf.has(p.key)) ks.add(p.key);
  }
  for (const w of model.workloads) keys.get(`${w.namespace}/${w.name}`)?.add(w.key);
  const sorted = [...pods.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { groupOf, keys, pods, sorted };
}
