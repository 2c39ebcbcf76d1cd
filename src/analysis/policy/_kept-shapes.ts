/**
 * One object of each shape the compile makes and drops, kept for the life of the process.
 *
 * V8 reaches an object's final map (its hidden class) from its constructor's initial map only by a transition it
 * holds weakly, and type feedback and optimized code hold maps weakly too. A compile's own objects (its walk
 * state, the index's count) die when it returns, and the engine's (its classes, index, lists) when a newer engine
 * replaces it; the next full collection then drops their maps, clears the feedback that named them and
 * deoptimizes the code that knew them, so the next compile in the process runs its passes unoptimized again and
 * each is sent back ("insufficient type feedback") at its first property read (design note 0008, seventeenth and
 * eighteenth sessions). An object of the same shape, made by the same code and kept here, keeps each map. A
 * process's first compile is unchanged; later ones (the bench's rounds, `serve` and the watch modes, the web UI)
 * start with their passes' optimized code and feedback.
 *
 * Samples are small (empty lists, no pods): a few kilobytes for the process.
 */
const kept: object[] = [];

/** Keeps the samples for the life of the process (never read: holding them is the point). */
export function keepShapes(...samples: readonly object[]): void {
  kept.push(...samples);
}

/** The kept samples (tests check that each has the map of the compile's own objects). */
export function keptShapes(): readonly object[] {
  return kept;
}
