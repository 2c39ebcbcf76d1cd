import type { Labels } from '../../lib/labels.ts';
import type { Pod } from '../../model/types.ts';
import type { AddressSegments } from './_ip-blocks.ts';
import { ClassKeys } from './_class-keys.ts';
import { ClassRecord } from './_class-record.ts';
import type { ClassInputs } from './_classes.ts';
import { LabelParts } from './_label-parts.ts';

/**
 * What the walk of the pods keeps between pods. Classes are numbered as they appear (their walk number, which is
 * their id until `renumber`).
 */
export class PodWalk {
  readonly classes: ClassRecord[] = [];
  /** Per class in the walk's order (`classes`), its label part. */
  partByWalk: Int32Array = new Int32Array(1024);
  readonly classIdOf: Int32Array;
  readonly labelParts: LabelParts;
  readonly portNames: ClassInputs['portNames'];
  readonly segments: AddressSegments;
  readonly serviceAccounts: boolean;
  readonly hostByNode: boolean;
  /** Port part key → its number. */
  readonly portIds = new Map<string, number>();
  /** Per interned port part: the resolution of every entry of `portNames` (see `PodClass.namedPorts`). */
  readonly namedOf: Int32Array[] = [];
  readonly scratch: Int32Array;
  /**
   * Per port part, per label part: the number of the (label, port) pair. Rows by port part, which are few: a row
   * per label part was an array per pod on the random-label family, where nearly every pod has its own label part.
   */
  readonly pairsOf: number[][] = [];
  pairs = 0;
  // Segment codes: 0 for no IP, segment + 2 (segmentOf answers -1 before the first boundary) for one. With no
  // boundary (no ipBlock) every IP is code 1, and the pod's IP list is not read past its length: its elements are
  // an object of their own, one more first touch per pod (design note 0008, sixteenth session).
  readonly codes: number;
  readonly noSegments: boolean;
  readonly byNamespace = new Map<string, NamespaceClasses>();
  /** Per (namespace number, numeric key): the class's number in the walk (its index in `classes`). */
  readonly byKey = new ClassKeys();
  /** The namespace of the last pod (undefined before the first). */
  ns: NamespaceClasses | undefined = undefined;
  /** True while the namespaces met so far came in ascending order, each in one run. */
  inOrder = true;
  // Replicas of one workload come one after the other and share their labels and ports objects: the previous
  // pod's parts are reused while both objects are the same.
  lastLabels: Labels | undefined = undefined;
  lastPorts: Pod['ports'] | undefined = undefined;
  /** The current run's label part, port part and their pair number (-1 before the first pod). */
  label = -1;
  portPart = -1;
  pair = -1;

  constructor(pods: number, inputs: ClassInputs) {
    this.classIdOf = new Int32Array(pods);
    this.labelParts = new LabelParts(inputs.labelKeys, inputs.labelHash);
    this.portNames = inputs.portNames;
    this.segments = inputs.segments;
    this.serviceAccounts = inputs.serviceAccounts ?? false;
    this.hostByNode = inputs.hostByNode ?? false;
    this.scratch = new Int32Array(inputs.portNames.length);
    this.codes = inputs.segments.size + 2;
    this.noSegments = inputs.segments.size === 0;
  }
}

/**
 * One walk of the pods in their order (each pod object touched once; the engine writes slot marks on first ask,
 * `_pod-slots.ts`), writing each pod's class (its walk number) into `walk.classIdOf`. A pod keyed as the previous
 * pod takes its class without a lookup.
 */
export function walkPods(pods: readonly Pod[], walk: PodWalk): void {
  const classIdOf = walk.classIdOf;
  const keyed = !walk.serviceAccounts;
  const codes = walk.codes;
  const noSegments = walk.noSegments;
  let name: string | undefined;
  let lastKey = -1;
  let lastId = -1;
  for (let at = 0; at < pods.length; at++) {
    const pod = pods[at];
    if (pod.namespace !== name) {
      name = pod.namespace;
      enterNamespace(walk, name);
      lastKey = -1;
    }
    if (pod.labels !== walk.lastLabels || pod.ports !== walk.lastPorts) readParts(walk, pod);
    const ips = pod.ips;
    if (keyed && ips.length < 2 && !(pod.hostNetwork && walk.hostByNode)) {
      const code = ips.length === 0 ? 0 : noSegments ? 1 : walk.segments.segmentOf(ips[0]) + 2;
      const key = (walk.pair * 2 + (pod.hostNetwork ? 1 : 0)) * codes + code;
      if (key !== lastKey) {
        lastKey = key;
        lastId = keyedClass(walk, pod, key);
      }
      classIdOf[at] = lastId;
    } else {
      classIdOf[at] = signedClass(walk, pod);
      lastKey = -1;
    }
  }
}

/** Makes `name` the walk's namespace (numbered on first meeting). */
export function enterNamespace(walk: PodWalk, name: string): void {
  const ns = walk.ns;
  const seen = walk.byNamespace.get(name);
  // A namespace met again must have been left for a later name and come back to an earlier one: the names
  // at the run changes are ascending exactly when every namespace is one run, in sorted order.
  if (ns !== undefined && name < ns.name) walk.inOrder = false;
  if (seen) walk.ns = seen;
  else {
    const met: NamespaceClasses = { name, number: walk.byNamespace.size, bySignature: new Map() };
    walk.byNamespace.set(name, met);
    walk.ns = met;
  }
}

/** The parts of a pod whose labels or ports object differs from the previous pod's: each only when its own changed. */
function readParts(walk: PodWalk, pod: Pod): void {
  // Bare pods have their own labels but share a ports list.
  if (pod.labels !== walk.lastLabels) walk.label = walk.labelParts.idOf(pod.labels);
  if (pod.ports !== walk.lastPorts) walk.portPart = portIdOf(walk, pod.ports);
  walk.lastLabels = pod.labels;
  walk.lastPorts = pod.ports;
  walk.pair = pairIdOf(walk, walk.label, walk.portPart);
}

/**
 * The port part of a ports list: the resolution of every entry of `portNames`, interned by content. The last
 * pod's part is taken without a key string by a list resolving as it did (every pod of the random-label family
 * has its own ports list, all resolving alike).
 */
function portIdOf(walk: PodWalk, ports: Pod['ports']): number {
  const { scratch, portNames, namedOf } = walk;
  const previous = walk.portPart;
  // Per name: the container port it resolves to, -1 when undeclared, -2 when declared more than once.
  let same = previous >= 0;
  for (let i = 0; i < scratch.length; i++) {
    const pn = portNames[i];
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
  let id = walk.portIds.get(key);
  if (id === undefined) {
    walk.portIds.set(key, (id = walk.portIds.size));
    namedOf.push(scratch.slice());
  }
  return id;
}

/** The number of the (label part, port part) pair. */
function pairIdOf(walk: PodWalk, label: number, ports: number): number {
  const row = walk.pairsOf[ports] ?? (walk.pairsOf[ports] = []);
  return row[label] ?? (row[label] = walk.pairs++);
}

/** The walk number of the class of (the walk's namespace, `key`), made for `pod` when new. */
function keyedClass(walk: PodWalk, pod: Pod, key: number): number {
  const ns = walk.ns!;
  const q = walk.byKey.get(ns.number, key);
  if (q >= 0) return q;
  const id = newClass(walk, pod);
  walk.byKey.set(ns.number, key, id);
  return id;
}

/** The walk number of a pod's class by a string signature: several IPs (dual stack) or a service-account split. */
function signedClass(walk: PodWalk, pod: Pod): number {
  const ns = walk.ns!;
  let sig = `${pod.hostNetwork ? 'h' : 'p'}${walk.label},${walk.portPart}\u0000`;
  if (walk.serviceAccounts) sig += pod.serviceAccountName;
  sig += '\u0000';
  if (walk.hostByNode && pod.hostNetwork) sig += `${pod.nodeName ?? ''}\u0000`;
  for (const ip of pod.ips) sig += `${walk.segments.segmentOf(ip)},`;
  const cls = ns.bySignature.get(sig);
  if (cls) return cls.id;
  const id = newClass(walk, pod);
  ns.bySignature.set(sig, walk.classes[id]);
  return id;
}

/** A new class for `pod` (the walk's current parts); returns its walk number. */
function newClass(walk: PodWalk, pod: Pod): number {
  const id = walk.classes.length;
  walk.classes.push(
    new ClassRecord(id, pod.namespace, pod.labels, pod.hostNetwork, walk.namedOf[walk.portPart]),
  );
  if (id === walk.partByWalk.length) walk.partByWalk = grown(walk.partByWalk);
  walk.partByWalk[id] = walk.label;
  return id;
}

/** One namespace while the walk meets its pods. */
interface NamespaceClasses {
  readonly name: string;
  /** Its number in the order namespaces were met (`ClassKeys` keys classes by it). */
  readonly number: number;
  readonly bySignature: Map<string, ClassRecord>;
}

/** `a` copied into an array twice its length. */
function grown(a: Int32Array): Int32Array {
  const out = new Int32Array(a.length * 2);
  out.set(a);
  return out;
}
