/**
 * The verdict table of `allows` stores each distinct destination row once (design note 0008, fifth session):
 * every bit it answers must still be the destination's own row, whichever destination stored the shared row.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { PolicyEngine } from '../policy/index.ts';
import { clusterArb, toYaml } from '../policy/_cluster-arb.ts';
import { buildReachPlan, ReachScratch, rowBits, VerdictTable } from './index.ts';

test('property: the verdict table with shared rows answers every (source, destination, port class) as its own row', () => {
  fc.assert(
    fc.property(clusterArb, (c) => {
      const engine = new PolicyEngine(buildYaml(toYaml(c)).model);
      if (!engine.networkPolicyOnly) return;
      const table = VerdictTable.for(engine);
      assert.ok(table, 'a small cluster always gets a table');
      const { plan, ports } = buildReachPlan(engine);
      const out = new Uint32Array(plan.P * plan.W);
      const scratch = new ReachScratch(plan);
      const distinct = new Set<string>();
      // Destinations in reverse order, so shared rows are stored by another destination than the first asked.
      for (let d = plan.C - 1; d >= 0; d--) {
        if (engine.classes[d].namedPorts.includes(-2)) continue;
        rowBits(plan, d, out, scratch);
        distinct.add(out.join(','));
        ports.forEach((pc, p) => {
          for (let s = 0; s < plan.C; s++) {
            const want = ((out[p * plan.W + (s >>> 5)] >>> (s & 31)) & 1) === 1;
            const protocol = pc.protocol === 'TCP' ? 0 : pc.protocol === 'UDP' ? 1 : 2;
            for (const [lo, hi] of pc.ranges) {
              assert.equal(table.has(s, d, lo, protocol), want, `${s} -> ${d} ${lo}/${pc.protocol}`);
              assert.equal(table.has(s, d, hi, protocol), want, `${s} -> ${d} ${hi}/${pc.protocol}`);
            }
          }
        });
      }
      assert.equal(table.distinctRows, distinct.size, 'one stored row per distinct row');
    }),
    { numRuns: 150, seed: 19 },
  );
});
