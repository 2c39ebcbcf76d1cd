/**
 * Items in their order, those with the same key gathered into one group at the place of the first: one group per
 * key, in the order the keys were first met; an item whose key is undefined stands alone, in its place.
 * (Repeated diagnostics shown once, doctor findings one change fixes summarized as one.)
 */
export function groupInOrder<T>(items: readonly T[], keyOf: (item: T) => string | undefined): T[][] {
  const groups = new Map<string, T[]>();
  const out: T[][] = [];
  for (const item of items) {
    const key = keyOf(item);
    const group = key === undefined ? undefined : groups.get(key);
    if (group) group.push(item);
    else {
      const fresh = [item];
      if (key !== undefined) groups.set(key, fresh);
      out.push(fresh);
    }
  }
  return out;
}
