import type { EntryProblem } from './types.ts';

const isMap = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);
/** `ns/service` or `ns/service:port`. */
const splitKey = /^[^/:\s]+\/[^/:\s]+(?::(\d+))?$/;

/**
 * Checks `expect.split` of a `route:` entry: a map `{"ns/service[:port]": weight}` whose keys either all name the
 * Service port or none does (a key without a port stands for every port of that Service, weights summed).
 */
export function parseSplit(v: unknown): Readonly<Record<string, number>> | EntryProblem | undefined {
  if (v === undefined) return undefined;
  const problem = {
    error:
      'expect.split must map NS/SERVICE or NS/SERVICE:PORT to a whole weight (all keys with a port, or none)',
    path: ['expect', 'split'],
  };
  if (!isMap(v) || !Object.keys(v).length) return problem;
  const entries = Object.entries(v);
  if (entries.some(([k, w]) => !splitKey.test(k) || !Number.isInteger(w) || (w as number) < 0))
    return problem;
  const withPort = entries.filter(([k]) => k.includes(':')).length;
  if (withPort !== 0 && withPort !== entries.length) return problem;
  return v as Record<string, number>;
}

/** `actual` at the granularity of `expected`: ports dropped (weights summed) when the expected keys name none. */
export function splitAsExpected(
  actual: Readonly<Record<string, number>> | undefined,
  expected: Readonly<Record<string, number>>,
): Record<string, number> | undefined {
  if (!actual) return undefined;
  const ports = Object.keys(expected).some((k) => k.includes(':'));
  return sumByKey(Object.entries(actual).map(([k, w]) => [ports ? k : k.replace(/:\d+$/, ''), w]));
}

/** Sums weights per key; keys sorted so two splits compare as JSON. */
function sumByKey(pairs: readonly (readonly [string, number])[]): Record<string, number> {
  const out = new Map<string, number>();
  for (const [k, w] of pairs) out.set(k, (out.get(k) ?? 0) + w);
  return Object.fromEntries([...out].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export const sameSplit = (
  a: Readonly<Record<string, number>> | undefined,
  b: Readonly<Record<string, number>>,
) => a !== undefined && JSON.stringify(a) === JSON.stringify(sumByKey(Object.entries(b)));
