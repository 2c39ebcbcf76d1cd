import type { Pod } from '../../model/types.ts';

/**
 * A pod's position in the pod list an engine was built from, kept on the pod itself under a module-private
 * symbol: pod → class is then two array reads instead of a `Map<Pod, …>` (150k inserts when the engine is built
 * and a hashed lookup per `allows` endpoint were the largest single costs of both; design note 0004). The slot
 * is only a hint, valid for one list: the caller passes its own copy of the pod list (`assignSlots` returns one),
 * so a later mutation of the model's array cannot move a position, and the last list a pod was slotted for
 * wins — `slotOf` answers -1 for the others, which fall back to a map. Symbol-keyed and not enumerable, so JSON
 * output, `Object.keys`, `for…in`, spreads (a relabelled copy must not claim the original's slot) and
 * deep-equality checks never see it.
 */
const SLOT = Symbol('kubetwin.podSlot');
/** The list the slot is a position in (checked on the pod itself: reading `pods[slot]` would be a cache miss). */
const LIST = Symbol('kubetwin.podList');

type Slotted = Pod & { [SLOT]?: number; [LIST]?: readonly Pod[] };

/** Copies the list and writes every pod's position in the copy, which `slotOf` then takes. */
export function assignSlots(list: readonly Pod[]): readonly Pod[] {
  const pods = list.slice();
  for (let i = 0; i < pods.length; i++) {
    const p = pods[i] as Slotted;
    if (!Object.isExtensible(p)) continue; // frozen or sealed: no slot, `slotOf` answers -1
    if (p[LIST] === undefined) {
      // Not enumerable: a copy of the pod (`{ ...pod, labels }`) must not claim the original's slot.
      Object.defineProperty(p, SLOT, { value: i, writable: true });
      Object.defineProperty(p, LIST, { value: pods, writable: true });
    } else {
      p[SLOT] = i;
      p[LIST] = pods;
    }
  }
  return pods;
}

/** The pod's position in `pods` (a list `assignSlots` returned), or -1 when its slot is another list's. */
export function slotOf(pods: readonly Pod[], pod: Pod): number {
  const p = pod as Slotted;
  return p[LIST] === pods ? p[SLOT]! : -1;
}
