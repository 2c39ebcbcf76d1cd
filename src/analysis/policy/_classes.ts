import type { Pod } from '../../model/types.ts';
import { AddressSegments } from './_ip-blocks.ts';
import { ClassPods, ClassRecord, type PodClass } from './_class-record.ts';
import { enterNamespace, PodWalk, walkPods } from './_class-walk.ts';
import { keepShapes } from './_kept-shapes.ts';
import type { LabelParts, PairsHash } from './_label-parts.ts';

export { podClass, type PodClass } from './_class-record.ts';

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
 *
 * Each pass is a function of one loop, and the walk's rare steps (a namespace met, a run of pods with new labels or
 * ports, a class made) are functions of their own: a compile calls these once, so V8 optimizes them by on-stack
 * replacement, and one function holding every loop was one large optimizing job per compile, sent back
 * ("insufficient type feedback") by each later loop it reached without feedback (design note 0008, seventeenth
 * and eighteenth sessions).
 */
export function buildClasses(pods: readonly Pod[], inputs: ClassInputs): BuiltClasses {
  const walk = new PodWalk(pods.length, inputs);
  walkPods(pods, walk);
  const classes = walk.classes;
  const ordered = walk.inOrder ? classes : renumber(classes, walk.classIdOf);
  fillPods(pods, ordered, walk.classIdOf);
  return builtOf(ordered, walk, partsById(classes, walk.partByWalk));
}

/** `buildClasses`' answer (one literal, so the kept sample below has its shape). */
function builtOf(classes: MutableClass[], walk: PodWalk, partOf: Int32Array): BuiltClasses {
  return { classes, classIdOf: walk.classIdOf, labels: { parts: walk.labelParts, partOf } };
}

/** Per class id, its label part (`partByWalk` is by walk number, `classes` by walk number with final ids). */
function partsById(classes: readonly MutableClass[], partByWalk: Int32Array): Int32Array {
  const partOf = new Int32Array(classes.length);
  for (let q = 0; q < classes.length; q++) partOf[classes[q].id] = partByWalk[q];
  return partOf;
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

type MutableClass = ClassRecord;

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

/**
 * Each class's pods, in the order of `pods`: ordered by class into one list (counted from `classIdOf`, then
 * filled), each class given its run of it (`ClassPods`). A list per class, even at its exact length, was an
 * array object and its elements per class — ~5.6 MB at 100k one-pod classes — made during the compile whether
 * or not anyone read it (design note 0008, fifteenth and seventeenth sessions). Within a class this is the order
 * the classes loop meets its pods (runs of one namespace, by position).
 */
function fillPods(pods: readonly Pod[], classes: readonly MutableClass[], classIdOf: Int32Array): void {
  const start = runStarts(classIdOf, classes.length);
  const runs = new ClassPods(podsByClass(pods, classIdOf, start), start);
  giveRuns(classes, runs);
}

/** Per class id, where its run starts in the pods ordered by class (`start[id]` to `start[id + 1]`). */
function runStarts(classIdOf: Int32Array, classes: number): Int32Array {
  const start = new Int32Array(classes + 1);
  for (let i = 0; i < classIdOf.length; i++) start[classIdOf[i] + 1]++;
  for (let c = 0; c < classes; c++) start[c + 1] += start[c];
  return start;
}

/** The pods ordered by class, each class's in the order of `pods`. */
function podsByClass(pods: readonly Pod[], classIdOf: Int32Array, start: Int32Array): Pod[] {
  const at = start.slice(0, start.length - 1);
  const byClass = pods.slice();
  for (let i = 0; i < classIdOf.length; i++) byClass[at[classIdOf[i]]++] = pods[i];
  return byClass;
}

/** Gives every class its run of `runs`. */
function giveRuns(classes: readonly MutableClass[], runs: ClassPods): void {
  for (let c = 0; c < classes.length; c++) classes[c].setPods(runs);
}

// The walk's shapes, kept for the life of the process (`_kept-shapes.ts`): a walk that has met a namespace (its
// label parts, class keys and segments with it), a class with its run, the answer and its label parts' pair lists,
// made by the same code as a compile's.
keepShapes(...sampleShapes());

function sampleShapes(): object[] {
  const walk = new PodWalk(0, { labelKeys: new Set(), portNames: [], segments: new AddressSegments([]) });
  enterNamespace(walk, '');
  const cls = new ClassRecord(0, '', {}, false, new Int32Array(0));
  cls.setPods(new ClassPods([], new Int32Array(2)));
  const built = builtOf([cls], walk, new Int32Array(1));
  return [walk, cls, built, built.labels, walk.labelParts, walk.labelParts.partPairs()];
}
