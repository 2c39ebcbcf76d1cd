import type { Pod } from '../../model/types.ts';

/**
 * A number per pod for one pod list an engine was built from — the pod's class id — kept on the pod itself under
 * a module-private symbol: pod → class is then one property read instead of a `Map<Pod, …>` (150k inserts when
 * the engine is built and a hashed lookup per `allows` endpoint were the largest single costs of both; design
 * note 0008). The value is only valid for one list: the caller passes its own copy of the pod list, so a later
 * mutation of the model's array cannot move a pod, and the last list a pod was tagged for wins — `slotOf`
 * answers -1 for the others, which fall back to a map. Symbol-keyed and not enumerable, so JSON output,
 * `Object.keys`, `for…in`, spreads (a relabelled copy must not claim the original's class) and deep-equality
 * checks never see it.
 */
const SLOT = Symbol('kubetwin.podSlot');
/** The list the value belongs to (checked on the pod itself: reading `pods[i]` would be a cache miss). */
const LIST = Symbol('kubetwin.podList');

type Slotted = Pod & { [SLOT]?: number; [LIST]?: readonly Pod[] };

/** Writes `values[i]` (≥ 0) on `pods[i]` for the list `pods` (the caller's own copy), which `slotOf` then reads. */
export function assignSlots(pods: readonly Pod[], values: Int32Array): void {
  for (let i = 0; i < pods.length; i++) {
    const p = pods[i] as Slotted;
    if (!Object.isExtensible(p)) continue; // frozen or sealed: no value, `slotOf` answers -1
    if (p[LIST] === undefined) {
      // Not enumerable: a copy of the pod (`{ ...pod, labels }`) must not claim the original's value.
      Object.defineProperty(p, SLOT, { value: values[i], writable: true });
      Object.defineProperty(p, LIST, { value: pods, writable: true });
    } else {
      p[SLOT] = values[i];
      p[LIST] = pods;
    }
  }
}

/** The pod's value for `pods` (a list given to `assignSlots`), or -1 when its value is another list's. */
export function slotOf(pods: readonly Pod[], pod: Pod): number {
  const p = pod as Slotted;
  return p[LIST] === pods ? p[SLOT]! : -1;
}
