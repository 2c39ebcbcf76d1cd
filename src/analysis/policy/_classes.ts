import type { Labels } from '../../lib/labels.ts';
import type { Pod } from '../../model/types.ts';
import type { AddressSegments } from './_ip-blocks.ts';
import { ClassKeys } from './_class-keys.ts';
import { LabelParts, type PairsHash } from './_label-parts.ts';

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
  /** The class's pods, in the order of the engine's pod list (never empty; do not write). */
  readonly pods: readonly Pod[];
  /** `pods[0]`: read it when one member stands for the class (its node, ports, address) — no list is made. */
  readonly firstPod: Pod;
  /**
   * Per entry of the engine's `portNames`: the container port that name resolves to in this class (-1: not
   * declared; -2: declared more than once, ask the pods).
   */
  readonly namedPorts: Int32Array;
}

/**
 * The classes' pods as one list ordered by class, and per class id where its run starts (`start[id]` to
 * `start[id + 1]`): two objects for every class's members instead of an array per class.
 */
class ClassPods {
  constructor(
    readonly byClass: readonly Pod[],
    readonly start: Int32Array,
  ) {}
}

/**
 * A class as `buildClasses` makes it: its pod list is made from the shared `ClassPods` on first ask and kept.
 * At the random-label family's ~100k one-pod classes a list per class was ~5.6 MB of the compile's old-generation
 * growth (an array object and its elements, 56 bytes a class), which brought V8's major collection of the model
 * into the measured phases (design note 0008, seventeenth session); most readers want one member (`firstPod`).
 */
class ClassRecord implements PodClass {
  /** The shared runs until the list is first asked for, then the class's own list. */
  #pods: ClassPods | readonly Pod[];
  constructor(
    public id: number,
    readonly namespace: string,
    readonly labels: Labels,
    readonly hostNetwork: boolean,
    readonly namedPorts: Int32Array,
  ) {
    this.#pods = NO_PODS;
  }

  get pods(): readonly Pod[] {
    const p = this.#pods;
    if (!(p instanceof ClassPods)) return p;
    return (this.#pods = p.byClass.slice(p.start[this.id], p.start[this.id + 1]));
  }

  get firstPod(): Pod {
    const p = this.#pods;
    return p instanceof ClassPods ? p.byClass[p.start[this.id]] : p[0];
  }

  /** Gives the class its members: its run of `runs` (ids final). */
  setPods(runs: ClassPods): void {
    this.#pods = runs;
  }
}

/**
 * A class with the given members, as `buildClasses` would make it (tests and callers that group pods
 * themselves).
 */
export function podClass(
  fields: Omit<PodClass, 'firstPod' | 'pods'> & { readonly pods: readonly Pod[] },
): PodClass {
  const c = new ClassRecord(
    fields.id,
    fields.namespace,
    fields.labels,
    fields.hostNetwork,
    fields.namedPorts,
  );
  if (fields.pods.length) {
    const start = new Int32Array(fields.id + 2);
    start[fields.id + 1] = fields.pods.length;
    c.setPods(new ClassPods(fields.pods, start));
  }
  return c;
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
  /** The label parts' content hash (`LabelParts`; tests pass a constant one). */
  readonly labelHash?: PairsHash;
}

/**
 * Groups pods into classes; pods without an IP get classes too (they are simply unreachable). Replicas share
 * their template's labels and ports objects and come one after the other, so the label part and the named-port
 * part of a pod's signature are computed once per run of pods sharing both objects and interned by content as
 * small numbers (no object-keyed map: an object seldom comes back after another, and keying by it cost a hash of
 * every labels and ports object); a pod with at most one IP (and no service-account split) is then keyed by one
 * number — (label and port part, hostNetwork, ipBlock segment) — not a string.
 * Class ids run namespace by namespace, in the order the pods come within their namespace. `classIdOf[i]` is the
 * class id of `pods[i]` (an array, not a `Map<Pod, …>`: see `_pod-slots.ts`).
 */
export function buildClasses(pods: readonly Pod[], inputs: ClassInputs): BuiltClasses {
  const classes: MutableClass[] = [];
  /** Per class in the walk's order (`classes`), its label part. */
  let partByWalk: Int32Array = new Int32Array(1024);
  const classIdOf = new Int32Array(pods.length);
  const labelParts = new LabelParts(inputs.labelKeys, inputs.labelHash);
  const portIds = new Map<string, number>();
  /** Per interned port part: the resolution of every entry of `portNames` (see `PodClass.namedPorts`). */
  const namedOf: Int32Array[] = [];
  const scratch = new Int32Array(inputs.portNames.length);
  /**
   * The port part of a ports list: the resolution of every entry of `portNames`, interned by content. `previous`
   * is the last pod's part: a list resolving as it did takes it without a key string (every pod of the
   * random-label family has its own ports list, all resolving alike).
   */
  const portIdOf = (ports: Pod['ports'], previous: number): number => {
    // Per name: the container port it resolves to, -1 when undeclared, -2 when declared more than once.
    let same = previous >= 0;
    for (let i = 0; i < scratch.length; i++) {
      const pn = inputs.portNames[i];
      let at = -1;
      for (let k = 0; k < ports.length; k++) {
        const cp = ports[k];
        if (cp.name === pn.name && cp.protocol === pn.protocol) at = at === -1 ? cp.containerPort : -2;
      }
      scratch[i] = at;
      if (same && namedOf[previous][i] !== at) same = false;
    }
    if (same) return previous;
    let key = '';
    for (let i = 0; i < scratch.length; i++) key += `${scratch[i]},`;
    let id = portIds.get(key);
    if (id === undefined) {
      portIds.set(key, (id = portIds.size));
      namedOf.push(scratch.slice());
    }
    return id;
  };
  /**
   * Per port part, per label part: the number of the (label, port) pair. Rows by port part, which are few: a row
   * per label part was an array per pod on the random-label family, where nearly every pod has its own label part.
   */
  const pairsOf: number[][] = [];
  let pairs = 0;
  const pairIdOf = (label: number, ports: number): number => {
    const row = pairsOf[ports] ?? (pairsOf[ports] = []);
    return row[label] ?? (row[label] = pairs++);
  };
  // Segment codes: 0 for no IP, segment + 2 (segmentOf answers -1 before the first boundary) for one. With no
  // boundary (no ipBlock) every IP is code 1, and the pod's IP list is not read past its length: its elements are
  // an object of their own, one more first touch per pod (design note 0008, sixteenth session).
  const codes = inputs.segments.size + 2;
  const noSegments = inputs.segments.size === 0;
  // One walk of the pods in their order (each pod object touched once; the engine writes slot marks on first
  // ask, `_pod-slots.ts`). Classes are numbered as they appear (`q`); ids then run namespace by namespace, in the
  // order the pods come within their namespace — the walk's order unless a namespace comes back after another
  // (models list pods namespace by namespace, sorted: then q is the id and nothing is renumbered).
  const byNamespace = new Map<string, NamespaceClasses>();
  /** Per (namespace number, numeric key): the class's number in the walk (its index in `classes`). */
  const byKey = new ClassKeys();
  let ns: NamespaceClasses | undefined;
  /** True while the namespaces met so far came in ascending order, each in one run. */
  let inOrder = true;
  // Replicas of one workload come one after the other and share their labels and ports objects: the previous
  // pod's part, and its class when the numeric key is the same, are reused without a map lookup.
  let lastLabels: Labels | undefined;
  let lastPorts: Pod['ports'] | undefined;
  /** The current run's part: label part, port part and their pair number (-1 before the first pod). */
  let label = -1;
  let portPart = -1;
  let pair = -1;
  let lastKey = -1;
  let lastCls: MutableClass | undefined;
  for (let at = 0; at < pods.length; at++) {
    const pod = pods[at];
    if (ns === undefined || pod.namespace !== ns.name) {
      const name = pod.namespace;
      const seen = byNamespace.get(name);
      // A namespace met again must have been left for a later name and come back to an earlier one: the names
      // at the run changes are ascending exactly when every namespace is one run, in sorted order.
      if (ns !== undefined && name < ns.name) inOrder = false;
      ns = seen ?? { name, number: byNamespace.size, bySignature: new Map() };
      if (!seen) byNamespace.set(name, ns);
      lastKey = -1;
    }
    if (pod.labels !== lastLabels || pod.ports !== lastPorts || pair < 0) {
      // Each part only when its own object changed: bare pods have their own labels but share a ports list.
      if (pod.labels !== lastLabels || pair < 0) label = labelParts.idOf(pod.labels);
      if (pod.ports !== lastPorts || pair < 0) portPart = portIdOf(pod.ports, portPart);
      lastLabels = pod.labels;
      lastPorts = pod.ports;
      pair = pairIdOf(label, portPart);
    }
    let cls: MutableClass | undefined;
    let key = 0;
    let sig = '';
    const byNode = inputs.hostByNode && pod.hostNetwork;
    if (!inputs.serviceAccounts && pod.ips.length < 2 && !byNode) {
      const ips = pod.ips;
      const code = ips.length === 0 ? 0 : noSegments ? 1 : inputs.segments.segmentOf(ips[0]) + 2;
      key = (pair * 2 + (pod.hostNetwork ? 1 : 0)) * codes + code;
      if (key === lastKey) {
        classIdOf[at] = lastCls!.id;
        continue;
      }
      const q = byKey.get(ns.number, key);
      cls = q < 0 ? undefined : classes[q];
    } else {
      // Several IPs (dual stack) or a service-account split: a string signature.
      sig = `${pod.hostNetwork ? 'h' : 'p'}${label},${portPart}\u0000`;
      if (inputs.serviceAccounts) sig += pod.serviceAccountName;
      sig += '\u0000';
      if (byNode) sig += `${pod.nodeName ?? ''}\u0000`;
      for (const ip of pod.ips) sig += `${inputs.segments.segmentOf(ip)},`;
      cls = ns.bySignature.get(sig);
    }
    if (!cls) {
      cls = new ClassRecord(classes.length, pod.namespace, pod.labels, pod.hostNetwork, namedOf[portPart]);
      classes.push(cls);
      if (cls.id === partByWalk.length) partByWalk = grown(partByWalk);
      partByWalk[cls.id] = label;
      if (sig) ns.bySignature.set(sig, cls);
      else byKey.set(ns.number, key, cls.id);
    }
    classIdOf[at] = cls.id;
    lastKey = sig ? -1 : key;
    lastCls = cls;
  }
  const ordered = inOrder ? classes : renumber(classes, classIdOf);
  fillPods(pods, ordered, classIdOf);
  const labelPartOf = new Int32Array(classes.length);
  for (let q = 0; q < classes.length; q++) labelPartOf[classes[q].id] = partByWalk[q];
  return { classes: ordered, classIdOf, labels: { parts: labelParts, partOf: labelPartOf } };
}

/** The classes, each pod's class id, and each class's label part (`ClassIndex` posts by their pair numbers). */
export interface BuiltClasses {
  readonly classes: PodClass[];
  readonly classIdOf: Int32Array;
  readonly labels: ClassLabelParts;
}

/** The label parts of the classes' pods (`LabelParts`) and, per class id, its part. */
export interface ClassLabelParts {
  readonly parts: LabelParts;
  readonly partOf: Int32Array;
}

/** One namespace while the walk meets its pods. */
interface NamespaceClasses {
  readonly name: string;
  /** Its number in the order namespaces were met (`ClassKeys` keys classes by it). */
  readonly number: number;
  readonly bySignature: Map<string, MutableClass>;
}

type MutableClass = ClassRecord;

/** A class's pods until `fillPods` gives it its run (never written). */
const NO_PODS: readonly Pod[] = [];

/**
 * Gives the classes their ids namespace by namespace (names sorted; within a namespace, in the order they
 * appeared) when the walk met the namespaces in another order, and rewrites `classIdOf` from the walk's numbers
 * to those ids. Returns the classes in id order.
 */
function renumber(classes: readonly MutableClass[], classIdOf: Int32Array): MutableClass[] {
  const byName = new Map<string, MutableClass[]>();
  for (const cls of classes) {
    const list = byName.get(cls.namespace);
    if (list) list.push(cls);
    else byName.set(cls.namespace, [cls]);
  }
  const names = [...byName.keys()].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const ordered: MutableClass[] = [];
  const idOf = new Int32Array(classes.length);
  for (const name of names)
    for (const cls of byName.get(name)!) {
      idOf[cls.id] = ordered.length;
      ordered.push(cls);
    }
  for (const cls of ordered) cls.id = idOf[cls.id];
  for (let i = 0; i < classIdOf.length; i++) classIdOf[i] = idOf[classIdOf[i]];
  return ordered;
}

/** `a` copied into an array twice its length. */
function grown(a: Int32Array): Int32Array {
  const out = new Int32Array(a.length * 2);
  out.set(a);
  return out;
}

/**
 * Each class's pods, in the order of `pods`: ordered by class into one list (counted from `classIdOf`, then
 * filled), each class given its run of it (`ClassPods`). A list per class, even at its exact length, was an
 * array object and its elements per class — ~5.6 MB at 100k one-pod classes — made during the compile whether
 * or not anyone read it (design note 0008, fifteenth and seventeenth sessions). Within a class this is the order
 * the classes loop meets its pods (runs of one namespace, by position).
 */
function fillPods(pods: readonly Pod[], classes: readonly MutableClass[], classIdOf: Int32Array): void {
  const start = new Int32Array(classes.length + 1);
  for (let i = 0; i < classIdOf.length; i++) start[classIdOf[i] + 1]++;
  for (let c = 0; c < classes.length; c++) start[c + 1] += start[c];
  const at = start.slice(0, classes.length);
  const byClass = pods.slice();
  for (let i = 0; i < classIdOf.length; i++) byClass[at[classIdOf[i]]++] = pods[i];
  const runs = new ClassPods(byClass, start);
  for (let c = 0; c < classes.length; c++) classes[c].setPods(runs);
}
