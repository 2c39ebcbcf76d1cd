/**
 * Port classes by a sweep over the cut points (`piecesOf`): the same classes, in the same order, as the
 * definition — pieces between consecutive cuts grouped by the exact set of ranges containing them — written here
 * as one signature per piece over every range.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { piecesOf } from './_port-classes.ts';

function reference(ranges: readonly (readonly [number, number])[]) {
  const cuts = new Set([1, 65536]);
  for (const [a, b] of ranges) cuts.add(a).add(b + 1);
  const points = [...cuts].sort((a, b) => a - b);
  const bySig = new Map<string, { protocol: 'TCP'; port: number; ranges: [number, number][] }>();
  for (let i = 0; i + 1 < points.length; i++) {
    const lo = points[i];
    const sig = ranges.map(([a, b]) => (lo >= a && lo <= b ? '1' : '0')).join('');
    const cls = bySig.get(sig) ?? bySig.set(sig, { protocol: 'TCP', port: lo, ranges: [] }).get(sig)!;
    cls.ranges.push([lo, points[i + 1] - 1]);
  }
  return [...bySig.values()];
}

// Ports cluster on a few values so ranges nest, touch and repeat; a few end before they start (endPort below
// port) or lie outside 1-65535, as unvalidated input can.
const port = fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 70000 }));
const ranges = fc.array(
  fc.tuple(port, port).map(([a, b]) => [a, b] as const),
  { maxLength: 30 },
);

test('property: port classes by the sweep equal the per-piece signatures over every range', () => {
  fc.assert(
    fc.property(ranges, (rs) => {
      const uniq = [...new Map(rs.map(([a, b]) => [a * 65537 + b, [a, b] as const])).values()];
      assert.deepEqual(piecesOf('TCP', uniq), reference(uniq));
    }),
    { numRuns: 2000, seed: 23 },
  );
});
