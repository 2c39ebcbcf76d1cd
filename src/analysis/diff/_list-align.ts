import { diffArrays } from 'diff';

/** A run where two lists part: `removed` elements of the before list from `before`, `added` of the after list from `after`. */
export interface ListGap {
  readonly before: number;
  readonly removed: number;
  readonly after: number;
  readonly added: number;
}

/**
 * Where two lists part once equal elements are matched (a longest common subsequence by Myers' algorithm, from the
 * `diff` package): a peer removed from the front of `from` is one removal, not every later peer shifted by one.
 * Elements are compared by their JSON text. The two lists are handed to the algorithm in a fixed order (by their
 * text), so A→B and B→A match the same elements and a diff is the mirror of its reverse.
 */
export function listGaps(before: readonly unknown[], after: readonly unknown[]): ListGap[] {
  const a = before.map((v) => JSON.stringify(v));
  const b = after.map((v) => JSON.stringify(v));
  const swapped = a.join('\n') > b.join('\n');
  const changes = swapped ? diffArrays(b, a) : diffArrays(a, b);
  const gaps: ListGap[] = [];
  let gap = { before: 0, removed: 0, after: 0, added: 0 };
  for (const c of changes) {
    const fromBefore = swapped ? c.added : c.removed;
    const fromAfter = swapped ? c.removed : c.added;
    if (fromBefore) gap.removed += c.count;
    else if (fromAfter) gap.added += c.count;
    else {
      if (gap.removed || gap.added) gaps.push(gap);
      const before = gap.before + gap.removed + c.count;
      gap = { before, removed: 0, after: gap.after + gap.added + c.count, added: 0 };
    }
  }
  if (gap.removed || gap.added) gaps.push(gap);
  return gaps;
}
