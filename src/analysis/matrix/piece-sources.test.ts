/**
 * The rows meet an egress rule's sources piece by piece (`_piece-sources.ts`): in a namespace its ingress peers
 * hold only in part, a destination admits exactly the sources that its rules' peer sets hold there
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors), so
 * the list a (rule, piece) pair gives must be the rule's sources inside the piece's set — whichever plan asked last,
 * and however often the cache started over.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { buildCluster } from '../../cluster/index.ts';
import { PolicyEngine } from '../policy/index.ts';
import { clusterArb, toYaml } from '../policy/_cluster-arb.ts';
import { generateCluster } from '../../../bench/generate.ts';
import { PieceSources } from './_piece-sources.ts';
import { buildReachPlan, type ReachPlan } from './index.ts';

/** Egress rule e's sources inside piece y's set, by the definition: each source looked up in the set's ids. */
function expected(plan: ReachPlan, e: number, y: number): number[] {
  const k = plan.pieceSet[y];
  const members = new Set(plan.setIds.subarray(plan.setStart[k], plan.setStart[k + 1]));
  return [...plan.egSrc.subarray(plan.egSrcStart[e], plan.egSrcStart[e + 1])].filter((s) => members.has(s));
}

/** Every (egress rule, piece of the rule's namespace) of `plan` asked of `sources` and checked, twice over. */
function checkAll(plan: ReachPlan, sources: PieceSources, label: string): number {
  let asked = 0;
  for (let round = 0; round < 2; round++)
    for (let e = 0; e < plan.egNs.length; e++)
      for (let y = 0; y < plan.setNs.length; y++) {
        if (plan.setNs[y] !== plan.egNs[e]) continue;
        const at = sources.list(plan, e, y);
        const got = [...sources.lists.subarray(at + 1, at + 1 + sources.lists[at])];
        assert.deepEqual(got, expected(plan, e, y), `${label}: rule ${e} piece ${y} round ${round}`);
        asked++;
      }
  return asked;
}

test('PieceSources — an egress rule meets in a piece exactly the sources the piece’s set holds (big sets, small sets, asked again, after starting over)', () => {
  fc.assert(
    fc.property(clusterArb, (c) => {
      const engine = new PolicyEngine(buildYaml(toYaml(c)).model);
      // bigAt 1: every set is a big one (bit tests); the default: every set of these small clusters is small (marks).
      for (const bigAt of [undefined, 1]) {
        const { plan } = buildReachPlan(engine, { bigAt });
        checkAll(plan, new PieceSources(), `bigAt ${bigAt}`);
        // A budget of a few entries: the cache starts over all the time.
        checkAll(plan, new PieceSources(4), `bigAt ${bigAt}, budget 4`);
      }
    }),
    { numRuns: 150, seed: 41 },
  );
  const { objects, profile } = generateCluster({ family: 'random-labels', pods: 3000, policies: 1500 });
  const { plan } = buildReachPlan(new PolicyEngine(buildCluster(objects, { profile }).model), { bigAt: 64 });
  assert.ok(checkAll(plan, new PieceSources(), 'random labels, 3,000 pods') > 10_000);
});

test('PieceSources — a cache asked about a second plan answers for that plan, not with the first plan’s lists', () => {
  fc.assert(
    fc.property(clusterArb, clusterArb, (a, b) => {
      const first = buildReachPlan(new PolicyEngine(buildYaml(toYaml(a)).model)).plan;
      const second = buildReachPlan(new PolicyEngine(buildYaml(toYaml(b)).model)).plan;
      const sources = new PieceSources();
      checkAll(first, sources, 'first plan');
      checkAll(second, sources, 'second plan, same cache');
    }),
    { numRuns: 150, seed: 43 },
  );
});
