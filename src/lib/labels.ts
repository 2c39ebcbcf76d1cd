/**
 * Labels and label selectors, with the semantics of apimachinery's `labels` package.
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
 */
export type Labels = Readonly<Record<string, string>>;

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface Requirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  /** Sorted, for In and NotIn; empty for Exists and DoesNotExist. */
  readonly values: readonly string[];
}

/**
 * A compiled `metav1.LabelSelector`. An empty requirement list selects everything (`{}`); `nothing`
 * is the null selector, which selects nothing.
 */
export interface Selector {
  readonly requirements: readonly Requirement[];
  readonly nothing?: boolean;
}

export const everything: Selector = { requirements: [] };
export const nothing: Selector = { requirements: [], nothing: true };

/** Does `labels` satisfy every requirement? (A requirement on a missing key fails In and Exists, passes NotIn.) */
export function matches(selector: Selector, labels: Labels): boolean {
  if (selector.nothing) return false;
  for (const r of selector.requirements) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    switch (r.operator) {
      case 'In':
        if (!has || !r.values.includes(labels[r.key])) return false;
        break;
      case 'NotIn':
        if (has && r.values.includes(labels[r.key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
    }
  }
  return true;
}

/** A selector built from a plain map (Service `spec.selector`, `matchLabels`). */
export function selectorFromMap(map: Labels): Selector {
  return {
    requirements: Object.keys(map)
      .sort()
      .map((key) => ({ key, operator: 'In' as const, values: [map[key]] })),
  };
}

/** Prints as kubectl does: `app=web,tier in (a,b),!legacy`; `<none>` for nothing, `` for everything. */
export function formatSelector(selector: Selector): string {
  if (selector.nothing) return '<none>';
  return selector.requirements
    .map((r) => {
      switch (r.operator) {
        case 'In':
          return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
        case 'NotIn':
          return r.values.length === 1
            ? `${r.key}!=${r.values[0]}`
            : `${r.key} notin (${r.values.join(',')})`;
        case 'Exists':
          return r.key;
        case 'DoesNotExist':
          return `!${r.key}`;
      }
    })
    .join(',');
}

/** Labels as kubectl prints them in `--show-labels`: sorted `k=v` joined by commas, `<none>` when empty. */
export function formatLabels(labels: Labels): string {
  const keys = Object.keys(labels).sort();
  return keys.length ? keys.map((k) => `${k}=${labels[k]}`).join(',') : '<none>';
}
