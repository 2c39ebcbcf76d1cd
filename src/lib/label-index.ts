import { matches, type Labels, type Selector } from './labels.ts';

/**
 * An inverted index from `key=value` to items, so that selecting with a selector costs the size of its
 * rarest equality requirement instead of a scan over every item.
 */
export class LabelIndex<T> {
  readonly #byPair = new Map<string, T[]>();

  constructor(
    readonly items: readonly T[],
    private readonly labelsOf: (item: T) => Labels,
  ) {
    // Items often share one labels object (the replicas of a workload): its lists are found once per object.
    let lastLabels: Labels | undefined;
    let lastLists: T[][] = [];
    for (const item of items) {
      const labels = labelsOf(item);
      if (labels !== lastLabels) {
        lastLabels = labels;
        lastLists = [];
        for (const k in labels) {
          const pair = `${k}=${labels[k]}`;
          let list = this.#byPair.get(pair);
          if (!list) this.#byPair.set(pair, (list = []));
          lastLists.push(list);
        }
      }
      for (const list of lastLists) list.push(item);
    }
  }

  /** Items matching the selector, in the index's original order. */
  select(selector: Selector): T[] {
    if (selector.nothing) return [];
    return this.#candidates(selector).filter((item) => matches(selector, this.labelsOf(item)));
  }

  /** Does any item match the selector? Stops at the first (no list is built). */
  any(selector: Selector): boolean {
    if (selector.nothing) return false;
    return this.#candidates(selector).some((item) => matches(selector, this.labelsOf(item)));
  }

  /** The items of the selector's rarest equality requirement (every item when it has none). */
  #candidates(selector: Selector): readonly T[] {
    let candidates: readonly T[] = this.items;
    for (const r of selector.requirements) {
      if (r.operator !== 'In' || r.values.length !== 1) continue;
      const list = this.#byPair.get(`${r.key}=${r.values[0]}`) ?? [];
      if (list.length < candidates.length) candidates = list;
    }
    return candidates;
  }
}
