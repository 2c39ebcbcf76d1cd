import type { DecisionBackend } from '../../model/routing.ts';

/**
 * The `split` of a route decision, as `route --via mesh` gives it for a mesh rule: every backend the winning rule
 * names with its weight (zero and unusable ones too), keyed `ns/service:port` and sorted; undefined for a single
 * backend or none. The same Service port named twice has its weights summed.
 */
export function routeSplit(backends: readonly DecisionBackend[]): Record<string, number> | undefined {
  if (backends.length < 2) return undefined;
  const out = new Map<string, number>();
  for (const b of backends) {
    const k = `${b.namespace}/${b.name}${b.port !== undefined ? `:${b.port}` : ''}`;
    out.set(k, (out.get(k) ?? 0) + b.weight);
  }
  return Object.fromEntries([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
