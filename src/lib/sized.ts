/**
 * A short array copied to its length. An array grown by `push` (and the result of `filter`) reserves 17 slots
 * for its first item: the parsed bodies and the model keep many short arrays (a container's ports, a rule's peers,
 * a policy's rules), ~15 MB of empty slots each at 150k pods, all live until the answer and copied by the
 * young-generation collector on the way (design note 0006, Decision 14). Long arrays are kept as they are (their
 * slack is at most half their length), so the copy stays cheap.
 */
export function sized<T>(items: T[]): T[] {
  return items.length < 64 ? items.slice() : items;
}
