import type { Pod, Protocol } from '../../model/types.ts';
import type { PodClass, PolicyEngine } from '../policy/index.ts';

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export interface MatrixPort {
  readonly port: number;
  readonly protocol: Protocol;
}

/**
 * Who is in the matrix, counted per group and per class, never per pod pair: the groups (sorted by name), the
 * ports (sorted by protocol, then number), and for each class the pods it has in each group, with each port.
 * Flat lists of numbers, built by sorting numeric keys (no per-pair maps).
 */
export interface Layout {
  readonly groups: readonly { readonly name: string; readonly namespace: string }[];
  readonly ports: readonly MatrixPort[];
  /** Per group: its pods. */
  readonly size: Float64Array;
  /** `count[G * X + x]`: pods of group G with port x (X = ports.length). */
  readonly count: Float64Array;
  /** Per group: `[x, n, …]`, the ports its pods have (ascending) and how many pods have each. */
  readonly groupPorts: readonly Float64Array[];
  /** Per group: `[class, pods, …]`, the classes of its pods (ascending) and how many pods of each. */
  readonly sources: readonly Float64Array[];
  /** Per class id: `[G, x, n, …]`, its pods in group G with port x (by G, then x). Empty: not in the matrix. */
  readonly members: readonly Float64Array[];
  /** The classes with pods in the matrix, with those pods. */
  readonly classPods: ReadonlyMap<PodClass, Pod[]>;
  readonly groupOf: ReadonlyMap<Pod, number>;
  /** The port indices a pod is checked on as a destination. */
  portsOf(pod: Pod): readonly number[];
}

export function buildLayout(
  engine: PolicyEngine,
  pods: readonly Pod[],
  groupName: (p: Pod) => string,
  asked?: readonly MatrixPort[],
): Layout {
  // Each pod's group named once.
  const nameOf = pods.map(groupName);
  const names = new Map<string, string>();
  for (let i = 0; i < pods.length; i++) names.set(nameOf[i], pods[i].namespace);
  const groups = [...names].map(([name, namespace]) => ({ name, namespace }));
  groups.sort((a, b) => cmp(a.name, b.name));
  const gIndex = new Map(groups.map((g, i) => [g.name, i]));
  const groupOf = new Map<Pod, number>();
  for (let i = 0; i < pods.length; i++) groupOf.set(pods[i], gIndex.get(nameOf[i])!);
  const byKey = new Map<string, MatrixPort>();
  const key = (port: number, protocol: string) => `${protocol}/${port}`;
  if (asked) for (const p of asked) byKey.set(key(p.port, p.protocol), p);
  else
    for (const pod of pods)
      for (const cp of pod.ports)
        byKey.set(key(cp.containerPort, cp.protocol), { port: cp.containerPort, protocol: cp.protocol });
  const ports = [...byKey.values()].sort((a, b) => cmp(a.protocol, b.protocol) || a.port - b.port);
  const xIndex = new Map(ports.map((p, i) => [key(p.port, p.protocol), i]));
  const every = ports.map((_, i) => i);
  // Pods of one template share their ports list: each list is indexed once.
  const indexed = new Map<Pod['ports'], readonly number[]>();
  const portsOf = (pod: Pod): readonly number[] => {
    if (asked) return every;
    let xs = indexed.get(pod.ports);
    if (!xs) {
      xs = [...new Set(pod.ports.map((cp) => xIndex.get(key(cp.containerPort, cp.protocol))!))].sort(
        (a, b) => a - b,
      );
      indexed.set(pod.ports, xs);
    }
    return xs;
  };
  const G = groups.length;
  const X = ports.length;
  const C = engine.classes.length;
  const size = new Float64Array(G);
  const count = new Float64Array(G * X);
  const classPods = new Map<PodClass, Pod[]>();
  const memberKeys: number[] = [];
  const sourceKeys: number[] = [];
  for (const pod of pods) {
    const g = groupOf.get(pod)!;
    const cls = engine.classOf(pod)!;
    size[g]++;
    (classPods.get(cls) ?? classPods.set(cls, []).get(cls)!).push(pod);
    sourceKeys.push(g * C + cls.id);
    if (asked) {
      // Every pod is checked on every port asked: one key per pod, the ports spread out below.
      memberKeys.push(cls.id * G + g);
      continue;
    }
    for (const x of portsOf(pod)) {
      count[g * X + x]++;
      memberKeys.push((cls.id * G + g) * X + x);
    }
  }
  if (asked) for (let g = 0; g < G; g++) count.fill(size[g], g * X, (g + 1) * X);
  const groupPorts = Array.from({ length: G }, (_, g) => {
    const out: number[] = [];
    for (let x = 0; x < X; x++) if (count[g * X + x]) out.push(x, count[g * X + x]);
    return Float64Array.from(out);
  });
  const sources: number[][] = Array.from({ length: G }, () => []);
  runs(sourceKeys, (k, n) => sources[Math.floor(k / C)].push(k % C, n));
  const members: number[][] = Array.from({ length: C }, () => []);
  if (asked)
    runs(memberKeys, (k, n) => {
      const m = members[Math.floor(k / G)];
      for (let x = 0; x < X; x++) m.push(k % G, x, n);
    });
  else
    runs(memberKeys, (k, n) => {
      const x = k % X;
      const rest = (k - x) / X;
      members[Math.floor(rest / G)].push(rest % G, x, n);
    });
  return {
    groups,
    ports,
    size,
    count,
    groupPorts,
    sources: sources.map((s) => Float64Array.from(s)),
    members: members.map((m) => Float64Array.from(m)),
    classPods,
    groupOf,
    portsOf,
  };
}

/** Each distinct key (ascending) with how many times it occurs. */
function runs(keys: number[], fn: (key: number, n: number) => void): void {
  const sorted = Float64Array.from(keys).sort();
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    fn(sorted[i], j - i);
    i = j;
  }
}
