/**
 * The matrix by namespace read from the class-level reachability into namespace cells (`NamespaceCells`) against
 * the class-triples path it replaces (`ClassVerdicts` read by `RowBuilder`): every row, denied or not, whole or
 * restricted to some destinations, on random clusters and on generated ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { buildCluster } from '../../cluster/index.ts';
import type { ClusterModel } from '../../model/types.ts';
import { PolicyEngine, type HostNetworkMode } from '../policy/index.ts';
import { clusterArb, toYaml } from '../policy/_cluster-arb.ts';
import { generateCluster } from '../../../bench/generate.ts';
import { ClassVerdicts } from './_class-verdicts.ts';
import { buildLayout } from './_layout.ts';
import { NamespaceCells } from './_namespace-cells.ts';
import { RowBuilder } from './_rows.ts';
import { portClasses } from './_port-classes.ts';
import { manyPortsArb } from './_test-many-ports.ts';

/** Compares both paths on one model; returns the allowed entries compared (undefined: the cells path declined). */
function sameAsTriples(
  model: ClusterModel,
  hostNetwork: HostNetworkMode,
  towardsEvery = 2,
): number | undefined {
  const engine = new PolicyEngine(model, { hostNetwork });
  const pods = model.pods.filter((p) => p.ip);
  const layout = buildLayout(engine, pods, (p) => p.namespace);
  const G = layout.groups.length;
  // Whole, then towards every `towardsEvery`-th group (the classes with a pod there decided, as `computeMatrix`).
  const masks = [undefined, Uint8Array.from(layout.groups, (_, i) => (i % towardsEvery === 0 ? 1 : 0))];
  let allowed = 0;
  for (const to of masks) {
    const classes = to && new Uint8Array(engine.classes.length);
    if (to && classes)
      layout.members.forEach((m, d) => {
        for (let q = 0; q < m.length; q += 3) if (to[m[q]]) classes[d] = 1;
      });
    const cells = NamespaceCells.of(engine, layout, classes);
    if (!cells) return undefined;
    const rows = new RowBuilder(
      engine,
      layout,
      new ClassVerdicts(engine, layout.ports, layout.classPods, classes),
    );
    for (let g = 0; g < G; g++)
      for (const denied of [false, true]) {
        const want = rows.row(g, denied, to);
        assert.deepEqual(cells.row(g, denied, to), want, `row ${layout.groups[g].name}, denied ${denied}`);
        allowed += want.entries.filter((e) => e.allowedPairs > 0).length;
      }
  }
  return allowed;
}

test('property: the matrix by namespace read into namespace cells equals the class-triples rows (counts, order, denied, destinations)', () => {
  let compared = 0;
  let entries = 0;
  fc.assert(
    fc.property(clusterArb, fc.constantFrom<HostNetworkMode>('node', 'pod'), (c, mode) => {
      const n = sameAsTriples(buildYaml(toYaml(c)).model, mode);
      assert.ok(n !== undefined, 'the cells path declined a NetworkPolicy-only cluster');
      compared++;
      entries += n;
    }),
    { numRuns: 200, seed: 13 },
  );
  assert.equal(compared, 200);
  assert.ok(entries > 200, `only ${entries} allowed entries in all runs: the comparison would prove little`);
});

test('namespace cells equal the class-triples rows on generated clusters (random labels, realistic)', () => {
  for (const family of ['random-labels', 'realistic'] as const) {
    const { objects, profile } = generateCluster({ family, pods: 600, seed: 5 });
    for (const mode of ['node', 'pod'] as const) {
      const n = sameAsTriples(buildCluster(objects, { profile }).model, mode, 3);
      assert.ok(n !== undefined && n > 0, `${family} ${mode}`);
    }
  }
});

test('property: with more port classes than one kernel pass decides (30), namespace cells still equal the class-triples rows', () => {
  let passes = 0;
  fc.assert(
    fc.property(manyPortsArb, fc.constantFrom<HostNetworkMode>('node', 'pod'), (yaml, mode) => {
      const model = buildYaml(yaml).model;
      if (portClasses(new PolicyEngine(model)).length > 30) passes++;
      assert.ok(
        sameAsTriples(model, mode) !== undefined,
        'the cells path declined a NetworkPolicy-only cluster',
      );
    }),
    { numRuns: 40, seed: 29 },
  );
  assert.equal(passes, 40, 'every cluster must need two kernel passes');
});
