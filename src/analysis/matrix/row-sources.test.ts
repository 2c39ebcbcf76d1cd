/**
 * `rowSources` names a row of the flat plan's kernel as `computeReachability`'s `RowView` does: `everyone` (every
 * open source) plus each source allowed beyond it, once. Held to `rowBits`, the kernel's bitset reading of the
 * same rows, bit for bit, with big peer sets tested through their bitsets and with several passes of port classes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { PolicyEngine, type HostNetworkMode } from '../policy/index.ts';
import { clusterArb, toYaml } from '../policy/_cluster-arb.ts';
import { buildReachPlan, rowBits, rowSources, ReachScratch } from './index.ts';
import { manyPortsArb } from './_test-many-ports.ts';

/** Every row's bits rebuilt from `rowSources` against `rowBits`; returns the allowed (source, port class) bits. */
function sameAsRowBits(
  yaml: string,
  hostNetwork: HostNetworkMode,
  options: { bigAt?: number; chunk?: number },
) {
  const engine = new PolicyEngine(buildYaml(yaml).model, { hostNetwork });
  const { plan } = buildReachPlan(engine, options);
  const { C, P, W, width } = plan;
  const want = new Uint32Array(P * W);
  const got = new Uint32Array(P * W);
  const scratch = new ReachScratch(plan);
  let bits = 0;
  for (let d = 0; d < C; d++) {
    rowBits(plan, d, want, scratch);
    got.fill(0);
    for (let k = 0; k < plan.chunks; k++) {
      const named = new Set<number>();
      const set = (s: number, mask: number) => {
        for (let p = 0; p < width && k * width + p < P; p++)
          if ((mask >>> p) & 1) got[(k * width + p) * W + (s >>> 5)] |= 1 << (s & 31);
      };
      const everyone = rowSources(plan, d, k, scratch, (s, mask) => {
        assert.ok(!named.has(s), `source ${s} named twice in row ${d}`);
        assert.notEqual(mask, 0);
        named.add(s);
        set(s, mask);
      });
      for (let s = 0; s < C; s++) if (plan.isOpen[s]) set(s, everyone);
    }
    assert.deepEqual(got, want, `row ${d}`);
    for (const w of want) for (let v = w; v !== 0; v &= v - 1) bits++;
  }
  return bits;
}

test('property: rowSources names the rows rowBits sets (big sets as bitsets, one or several passes)', () => {
  let bits = 0;
  fc.assert(
    fc.property(
      clusterArb,
      fc.constantFrom<HostNetworkMode>('node', 'pod'),
      fc.constantFrom(undefined, 1, 2),
      fc.constantFrom(undefined, 1, 3),
      (c, mode, bigAt, chunk) => {
        bits += sameAsRowBits(toYaml(c), mode, { bigAt, chunk });
      },
    ),
    { numRuns: 200, seed: 37 },
  );
  assert.ok(bits > 500, `only ${bits} allowed bits in all runs: the comparison would prove little`);
});

test('property: rowSources over more port classes than one pass (30) equals rowBits', () => {
  fc.assert(
    fc.property(manyPortsArb, fc.constantFrom<HostNetworkMode>('node', 'pod'), (yaml, mode) => {
      sameAsRowBits(yaml, mode, {});
    }),
    { numRuns: 30, seed: 41 },
  );
});
