/** A sorted array kept sorted under single inserts and removals (binary search, one splice each). */
import { byNamespaceName } from '../../model/keys.ts';

type Keyed = { namespace?: string; name: string; key: string };

/** Index of the first element not before `item` in `list` (sorted by `byNamespaceName`). */
function lowerBound<T extends Keyed>(list: readonly T[], item: Keyed): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (byNamespaceName(list[mid], item) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts `item` where `byNamespaceName` puts it (after equal ones, as a stable sort of the whole would). */
export function insertSorted<T extends Keyed>(list: T[], item: T): void {
  let at = lowerBound(list, item);
  while (at < list.length && byNamespaceName(list[at], item) === 0) at++;
  list.splice(at, 0, item);
}

/** Removes `item` (by identity); false when it is not there. */
export function removeSorted<T extends Keyed>(list: T[], item: T): boolean {
  for (let at = lowerBound(list, item); at < list.length && byNamespaceName(list[at], item) === 0; at++)
    if (list[at] === item) {
      list.splice(at, 1);
      return true;
    }
  return false;
}
