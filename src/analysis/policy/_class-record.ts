import type { Labels } from '../../lib/labels.ts';
import type { Pod } from '../../model/types.ts';

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
export class ClassPods {
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
export class ClassRecord implements PodClass {
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

/** A class's pods until `fillPods` gives it its run (never written). */
const NO_PODS: readonly Pod[] = [];
