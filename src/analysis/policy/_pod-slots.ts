import type { Pod } from '../../model/types.ts';

/**
 * A number per pod for one pod list an engine was built from — the pod's class id — kept on the pod itself under
 * a module-private symbol: pod → class is then one property read instead of a `Map<Pod, …>` (150k inserts when
 * the engine is built and a hashed lookup per `allows` endpoint were the largest single costs of both; design
 * note 0008). The value is only valid for one list: the caller passes its own copy of the pod list, so a later
 * mutation of the model's array cannot move a pod, and the last list a pod was marked for wins — `slotOf`
 * answers -1 for the others, which fall back to a map. Symbol-keyed and not enumerable, so JSON output,
 * `Object.keys`, `for…in`, spreads (a relabelled copy must not claim the original's class) and deep-equality
 * checks never see it.
 *
 * One property, not two: the pod holds a `SlotMark` (the value and the list), shared by every pod of the list
 * with that value. A model pod has one spare in-object field, so one added property stays in the object, while
 * a second went to a separate property array — one more cache miss, dependent on the first, per pod per
 * `allows` endpoint. The marks of one list are few (one per class) and allocated together, so reading one is a
 * cache hit (design note 0008, "allows() at 2M queries/s").
 */
const SLOT = Symbol('kubetwin.podSlot');

/** One list's value for the pods that share it (set by `SlotWriter.settle`, once every pod is marked). */
class SlotMark {
  value = -1;
  constructor(readonly list: readonly Pod[]) {}
}

type Marked = Pod & { [SLOT]?: SlotMark };

/**
 * Marks the pods of one list (the caller's own copy). A pod is put in a group — the same number for every pod
 * that will share a value — and `settle` then gives each group its value, which `slotOf` answers. Frozen or sealed
 * pods get no mark (`slotOf` answers -1 for them). The engine marks its pods on the first question about a pod,
 * not during the compile (design note 0008, twelfth session).
 */
export class SlotWriter {
  readonly #pods: readonly Pod[];
  readonly #marks: SlotMark[] = [];

  constructor(pods: readonly Pod[]) {
    this.#pods = pods;
  }

  /** Marks `pod` (an element of the list) as a member of `group` (≥ 0). */
  put(pod: Pod, group: number): void {
    const p = pod as Marked;
    if (!Object.isExtensible(p)) return;
    const mark = this.#marks[group] ?? (this.#marks[group] = new SlotMark(this.#pods));
    // Not enumerable: a copy of the pod (`{ ...pod, labels }`) must not claim the original's value.
    if (p[SLOT] === undefined) Object.defineProperty(p, SLOT, { value: mark, writable: true });
    else p[SLOT] = mark;
  }

  /** Gives every group its value: `values(group)` (≥ 0). */
  settle(values: (group: number) => number): void {
    const marks = this.#marks;
    for (let g = 0; g < marks.length; g++) if (marks[g] !== undefined) marks[g].value = values(g);
  }
}

/** The pod's value for `pods` (a list a `SlotWriter` marked), or -1 when its value is another list's. */
export function slotOf(pods: readonly Pod[], pod: Pod): number {
  const mark = (pod as Marked)[SLOT];
  return mark !== undefined && mark.list === pods ? mark.value : -1;
}
