/**
 * `matrix`: the connectivity matrix between pods, workloads or namespaces, over every declared container port
 * (or the ports asked for). Computed once per (group, pod class, declared ports) bucket, never per pod pair.
 */
import type { Pod, Protocol } from '../../model/types.ts';
import type { PolicyEngine } from '../policy/index.ts';

export { computeReachability, type Reachability } from './_reachability.ts';
export { portClasses, type PortClass } from './_port-classes.ts';

export type MatrixBy = 'pod' | 'workload' | 'namespace';

export interface MatrixOptions {
  readonly by: MatrixBy;
  /** Ports to check at every destination; undefined: each destination pod's declared container ports. */
  readonly ports?: readonly { readonly port: number; readonly protocol: Protocol }[];
  /** Namespaces to include; undefined: every namespace. */
  readonly namespaces?: readonly string[];
}

export interface MatrixGroup {
  readonly name: string;
  readonly namespace: string;
}

/** One (source group, destination group, port) with pod-pair counts. Pairs of a pod with itself are left out. */
export interface MatrixEntry {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly pairs: number;
  readonly allowedPairs: number;
}

export interface Matrix {
  readonly by: MatrixBy;
  readonly groups: readonly MatrixGroup[];
  /** Sorted by from, to, protocol, port; only (from, to, port) combinations that have pod pairs. */
  readonly entries: readonly MatrixEntry[];
  readonly warnings: readonly string[];
}

interface Bucket {
  readonly group: string;
  readonly pods: Pod[];
  readonly ports: readonly { port: number; protocol: Protocol }[];
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function computeMatrix(engine: PolicyEngine, options: MatrixOptions): Matrix {
  const model = engine.model;
  const nsSet = options.namespaces ? new Set(options.namespaces) : undefined;
  const pods = model.pods.filter((p) => p.ip && (!nsSet || nsSet.has(p.namespace)));
  const workloadOf = new Map<string, string>();
  for (const w of model.workloads) for (const k of w.podKeys) workloadOf.set(k, `${w.namespace}/${w.name}`);
  const groupOf = (p: Pod) =>
    options.by === 'namespace'
      ? p.namespace
      : options.by === 'workload'
        ? (workloadOf.get(p.key) ?? `${p.namespace}/${p.name}`)
        : `${p.namespace}/${p.name}`;
  const buckets = new Map<string, Bucket>();
  const groups = new Map<string, MatrixGroup>();
  for (const pod of pods) {
    const group = groupOf(pod);
    groups.set(group, { name: group, namespace: pod.namespace });
    const ports = options.ports ?? uniquePorts(pod);
    // hostNetwork pods are judged one by one: traffic to and from their own node is special.
    const cls = pod.hostNetwork ? `pod:${pod.key}` : `class:${engine.classOf(pod)?.id}`;
    const key = `${group}\u0000${cls}\u0000${ports.map((p) => `${p.port}/${p.protocol}`).join(',')}`;
    const b = buckets.get(key) ?? buckets.set(key, { group, pods: [], ports }).get(key)!;
    b.pods.push(pod);
  }
  const totals = new Map<
    string,
    { pairs: number; allowed: number; e: Omit<MatrixEntry, 'pairs' | 'allowedPairs'> }
  >();
  const list = [...buckets.values()];
  for (const s of list)
    for (const d of list) {
      const pairs = s === d ? s.pods.length * (s.pods.length - 1) : s.pods.length * d.pods.length;
      if (!pairs) continue;
      const src = s.pods[0];
      const dst = s === d ? d.pods[1] : d.pods[0];
      for (const { port, protocol } of d.ports) {
        const ok = engine.allows({ kind: 'pod', pod: src }, { kind: 'pod', pod: dst }, port, protocol);
        const key = `${s.group}\u0000${d.group}\u0000${protocol}\u0000${port}`;
        const t =
          totals.get(key) ??
          totals
            .set(key, { pairs: 0, allowed: 0, e: { from: s.group, to: d.group, port, protocol } })
            .get(key)!;
        t.pairs += pairs;
        if (ok) t.allowed += pairs;
      }
    }
  const entries = [...totals.values()].map((t) => ({ ...t.e, pairs: t.pairs, allowedPairs: t.allowed }));
  entries.sort(
    (a, b) => cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.protocol, b.protocol) || a.port - b.port,
  );
  const warnings = [
    ...(engine.enforced
      ? []
      : [
          `CNI ${model.profile.cni.name} does not enforce NetworkPolicy: every connection is allowed, whatever the policies say`,
        ]),
    ...engine.tierWarnings,
  ];
  return {
    by: options.by,
    groups: [...groups.values()].sort((a, b) => cmp(a.name, b.name)),
    entries,
    warnings,
  };
}

function uniquePorts(pod: Pod): { port: number; protocol: Protocol }[] {
  const seen = new Map<string, { port: number; protocol: Protocol }>();
  for (const p of pod.ports)
    seen.set(`${p.protocol}/${p.containerPort}`, { port: p.containerPort, protocol: p.protocol });
  return [...seen.values()].sort((a, b) => cmp(a.protocol, b.protocol) || a.port - b.port);
}
