import type { Labels } from '../../lib/labels.ts';
import type { Pod } from '../../model/types.ts';
import type { AddressSegments } from './_ip-blocks.ts';

/**
 * Pods that no policy can tell apart: same namespace, same values of every label key some selector reads,
 * same resolution of every named port some policy uses, same ipBlock segment, same hostNetwork (and under the
 * Cilium tier, for hostNetwork pods, the same node). Verdicts are
 * computed once per class and expanded to pods on demand.
 */
export interface PodClass {
  readonly id: number;
  readonly namespace: string;
  /** Labels of the first pod; only the keys selectors read are guaranteed shared by every member. */
  readonly labels: Labels;
  readonly hostNetwork: boolean;
  readonly pods: Pod[];
  /**
   * Per entry of the engine's `portNames`: the container port that name resolves to in this class (-1: not
   * declared; -2: declared more than once, ask the pods).
   */
  readonly namedPorts: Int32Array;
}

export interface ClassInputs {
  readonly labelKeys: ReadonlySet<string>;
  /** `name/protocol` of every named port the policies use. */
  readonly portNames: readonly { name: string; protocol: string }[];
  readonly segments: AddressSegments;
  /** Some selector reads the service account (Cilium's `io.cilium.k8s.policy.serviceaccount`): split by it. */
  readonly serviceAccounts?: boolean;
  /**
   * Split hostNetwork pods by node (the Cilium tier: a hostNetwork pod is its node's address, whose identity —
   * `host` or `remote-node`, `kube-apiserver`, the node's labels — depends on the node).
   */
  readonly hostByNode?: boolean;
}

/**
 * Up to this many selector keys, a label part (and a `ClassIndex` posting) reads each key from the labels
 * instead of walking the labels' own keys and sorting the ones selectors read. Pods carry about three labels:
 * with a few keys the lookups win; with ten (the random-label clusters) the walk does.
 */
export const FEW_KEYS = 4;

/**
 * Groups pods into classes; pods without an IP get classes too (they are simply unreachable). Replicas share
 * their template's labels and ports objects, so the label part and the named-port part of a pod's signature are
 * computed once per object and interned as small numbers; a pod with at most one IP (and no service-account
 * split) is then keyed by one number — (label and port part, hostNetwork, ipBlock segment) — not a string.
 * Class ids run namespace by namespace, in the order the pods come within their namespace. `classIdOf[i]` is the
 * class id of `pods[i]` (an array, not a `Map<Pod, …>`: see `_pod-slots.ts`).
 */
export function buildClasses(
  pods: readonly Pod[],
  inputs: ClassInputs,
): { classes: PodClass[]; classIdOf: Int32Array } {
  const keySet = inputs.labelKeys;
  /** The selector keys in order when they are few (the realistic case), else undefined: the labels are read. */
  const sortedKeys = keySet.size <= FEW_KEYS ? [...keySet].sort() : undefined;
  const classes: PodClass[] = [];
  const classIdOf = new Int32Array(pods.length);
  const labelIds = new Map<string, number>();
  const portIds = new Map<string, number>();
  const intern = (ids: Map<string, number>, text: string) => {
    let id = ids.get(text);
    if (id === undefined) ids.set(text, (id = ids.size));
    return id;
  };
  const labelPart = new Map<Labels, number>();
  const portPart = new Map<Pod['ports'], number>();
  /** Per interned port part: the resolution of every entry of `portNames` (see `PodClass.namedPorts`). */
  const namedOf: Int32Array[] = [];
  const scratch = new Int32Array(inputs.portNames.length);
  const pairIds = new Map<number, number>();
  /** Scratch for the sorted keys of one labels object (`labelIdOf`). */
  const present: string[] = [];
  const labelIdOf = (labels: Labels): number => {
    let label = labelPart.get(labels);
    if (label === undefined) {
      let sig = '';
      if (sortedKeys) {
        // Few selector keys: read them in order (no key list to build and sort per labels object).
        for (const k of sortedKeys) {
          const v = labels[k];
          if (typeof v === 'string' && Object.hasOwn(labels, k)) sig += `${k}=${v}\u0001`;
        }
      } else {
        // The keys selectors read, in order: an insertion sort into one scratch list (a pod carries a few
        // labels; `Array.prototype.sort` allocated a work copy per labels object — 80 MB per compile of the
        // random-label 100k cluster, design note 0008).
        let n = 0;
        for (const k in labels) {
          if (!keySet.has(k)) continue;
          let at = n++;
          for (; at > 0 && present[at - 1] > k; at--) present[at] = present[at - 1];
          present[at] = k;
        }
        for (let i = 0; i < n; i++) sig += `${present[i]}=${labels[present[i]]}\u0001`;
      }
      labelPart.set(labels, (label = intern(labelIds, sig)));
    }
    return label;
  };
  const portIdOf = (ports: Pod['ports']): number => {
    let id = portPart.get(ports);
    if (id === undefined) {
      // Per name: the container port it resolves to, -1 when undeclared, -2 when declared more than once.
      let key = '';
      for (let i = 0; i < scratch.length; i++) {
        const pn = inputs.portNames[i];
        let at = -1;
        for (const p of ports)
          if (p.name === pn.name && p.protocol === pn.protocol) at = at === -1 ? p.containerPort : -2;
        scratch[i] = at;
        key += `${at},`;
      }
      id = portIds.get(key);
      if (id === undefined) {
        portIds.set(key, (id = portIds.size));
        namedOf.push(scratch.slice());
      }
      portPart.set(ports, id);
    }
    return id;
  };
  /** The interned (label part, port part) of a pod: one object-keyed lookup per part, no per-pod allocation. */
  const part = (pod: Pod): Part => {
    const label = labelIdOf(pod.labels);
    const ports = portIdOf(pod.ports);
    const pairKey = label * 2097152 + ports;
    let id = pairIds.get(pairKey);
    if (id === undefined) pairIds.set(pairKey, (id = pairIds.size));
    return { id, label, ports, named: namedOf[ports] };
  };
  // Segment codes: 0 for no IP, segment + 2 (segmentOf answers -1 before the first boundary) for one.
  const codes = inputs.segments.size + 2;
  // Runs of consecutive pods in one namespace (models list pods namespace by namespace, so there are about as
  // many runs as namespaces), visited by namespace and then position: the order a per-namespace list of
  // positions would give, without one.
  const runStart: number[] = [];
  for (let i = 0; i < pods.length; i++)
    if (i === 0 || pods[i].namespace !== pods[i - 1].namespace) runStart.push(i);
  runStart.push(pods.length);
  const runs = Array.from({ length: runStart.length - 1 }, (_, r) => r).sort((a, b) => {
    const x = pods[runStart[a]].namespace;
    const y = pods[runStart[b]].namespace;
    return x < y ? -1 : x > y ? 1 : a - b;
  });
  let byKey = new Map<number, PodClass>();
  let bySignature = new Map<string, PodClass>();
  // Replicas of one workload come one after the other and share their labels and ports objects: the previous
  // pod's part, and its class when the numeric key is the same, are reused without a map lookup.
  let lastLabels: Labels | undefined;
  let lastPorts: Pod['ports'] | undefined;
  let p: Part | undefined;
  let lastKey = -1;
  let lastCls: PodClass | undefined;
  for (let r = 0; r < runs.length; r++) {
    const run = runs[r];
    if (r > 0 && pods[runStart[run]].namespace !== pods[runStart[runs[r - 1]]].namespace) {
      byKey = new Map();
      bySignature = new Map();
      lastKey = -1;
    }
    for (let at = runStart[run]; at < runStart[run + 1]; at++) {
      const pod = pods[at];
      if (pod.labels !== lastLabels || pod.ports !== lastPorts || !p) {
        lastLabels = pod.labels;
        lastPorts = pod.ports;
        p = part(pod);
      }
      let cls: PodClass | undefined;
      let key = 0;
      let sig = '';
      const byNode = inputs.hostByNode && pod.hostNetwork;
      if (!inputs.serviceAccounts && pod.ips.length < 2 && !byNode) {
        const code = pod.ips.length ? inputs.segments.segmentOf(pod.ips[0]) + 2 : 0;
        key = (p.id * 2 + (pod.hostNetwork ? 1 : 0)) * codes + code;
        if (key === lastKey) {
          classIdOf[at] = lastCls!.id;
          continue;
        }
        cls = byKey.get(key);
      } else {
        // Several IPs (dual stack) or a service-account split: a string signature.
        sig = `${pod.hostNetwork ? 'h' : 'p'}${p.label},${p.ports}\u0000`;
        if (inputs.serviceAccounts) sig += pod.serviceAccountName;
        sig += '\u0000';
        if (byNode) sig += `${pod.nodeName ?? ''}\u0000`;
        for (const ip of pod.ips) sig += `${inputs.segments.segmentOf(ip)},`;
        cls = bySignature.get(sig);
      }
      if (!cls) {
        cls = {
          id: classes.length,
          namespace: pod.namespace,
          labels: pod.labels,
          hostNetwork: pod.hostNetwork,
          pods: [],
          namedPorts: p.named,
        };
        classes.push(cls);
        if (sig) bySignature.set(sig, cls);
        else byKey.set(key, cls);
      }
      classIdOf[at] = cls.id;
      lastKey = sig ? -1 : key;
      lastCls = cls;
    }
  }
  fillPods(pods, classes, classIdOf);
  return { classes, classIdOf };
}

/**
 * Each class's pods, in the order of `pods`, into arrays of their exact size: counted from `classIdOf`, then
 * filled (pushing grew every class's array by steps, which left ~3× the pod count in discarded backing stores,
 * and 16 spare slots per one-pod class). Within a class this is the order the classes loop meets its pods (runs
 * of one namespace, by position).
 */
function fillPods(pods: readonly Pod[], classes: readonly PodClass[], classIdOf: Int32Array): void {
  const counts = new Int32Array(classes.length);
  for (let i = 0; i < classIdOf.length; i++) counts[classIdOf[i]]++;
  const lists: Pod[][] = classes.map((c) => c.pods);
  for (let c = 0; c < lists.length; c++) lists[c].length = counts[c];
  counts.fill(0);
  for (let i = 0; i < classIdOf.length; i++) {
    const c = classIdOf[i];
    lists[c][counts[c]++] = pods[i];
  }
}

/** The label and named-port parts of a signature, interned: `id` numbers the (label, port) pair. */
interface Part {
  readonly id: number;
  readonly label: number;
  readonly ports: number;
  readonly named: Int32Array;
}
