import type { Pod } from '../../model/types.ts';

/**
 * A pod's position in the pod list an engine was built from, kept on the pod itself under a module-private
 * symbol: pod → class is then two array reads instead of a `Map<Pod, …>` (150k inserts when the engine is built
 * and a hashed lookup per `allows` endpoint were the largest single costs of both; design note 0004). The slot
 * is only a hint: `slotOf` checks it against the list (a pod in two lists, or copied with its symbol, falls back
 * to the caller's map). Symbol-keyed, so JSON output, `Object.keys` and `for…in` never see it.
 */
const SLOT = Symbol('kubetwin.podSlot');

type Slotted = Pod & { [SLOT]?: number };

/** Writes every pod's position in `pods` (only where it differs, so a second engine on the list writes nothing). */
export function assignSlots(pods: readonly Pod[]): void {
  for (let i = 0; i < pods.length; i++) {
    const p = pods[i] as Slotted;
    if (p[SLOT] !== i) p[SLOT] = i;
  }
}

/** The pod's position in `pods`, or -1 when its slot belongs to another list (or it has none). */
export function slotOf(pods: readonly Pod[], pod: Pod): number {
  const i = (pod as Slotted)[SLOT];
  return i !== undefined && pods[i] === pod ? i : -1;
}
