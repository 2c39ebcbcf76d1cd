/**
 * Three-and-a-half-valued matching for mesh authorization: a condition holds (`yes`), does not (`no`), depends
 * on an HTTP request that was not given (`l7`), or depends on something kubetwin does not know (`unknown`).
 */
export type Tri = 'yes' | 'no' | 'l7' | 'unknown';

const andRank: Record<Tri, number> = { no: 0, unknown: 1, l7: 2, yes: 3 };
const orRank: Record<Tri, number> = { yes: 0, unknown: 1, l7: 2, no: 3 };

/** All must hold: one `no` decides; else `unknown`, then `l7`, then `yes`. Empty: `yes`. */
export function all(xs: Iterable<Tri>): Tri {
  let out: Tri = 'yes';
  for (const x of xs) if (andRank[x] < andRank[out]) out = x;
  return out;
}

/** One must hold: one `yes` decides; else `unknown`, then `l7`, then `no`. Empty: `no`. */
export function any(xs: Iterable<Tri>): Tri {
  let out: Tri = 'no';
  for (const x of xs) if (orRank[x] < orRank[out]) out = x;
  return out;
}

export const not = (x: Tri): Tri => (x === 'yes' ? 'no' : x === 'no' ? 'yes' : x);
export const tri = (b: boolean): Tri => (b ? 'yes' : 'no');
