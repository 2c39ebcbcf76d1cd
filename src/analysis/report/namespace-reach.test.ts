import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { buildCluster } from '../../cluster/index.ts';
import type { ClusterModel } from '../../model/types.ts';
import { PolicyEngine } from '../policy/index.ts';
import { clusterArb, toYaml } from '../policy/_cluster-arb.ts';
import { generateCluster } from '../../../bench/generate.ts';
import { namespaceReach, type NamespaceReach } from './index.ts';
import { manyPortsArb } from '../matrix/_test-many-ports.ts';

const flat = (r: NamespaceReach) =>
  (['from', 'to'] as const).flatMap((side) =>
    [...r[side]].flatMap(([k, vs]) => [...vs].map((v) => `${side} ${k} ${v}`)),
  );

/** The class-level namespace reach against the matrix by namespace it replaces (every row asked, same pods). */
function sameAsMatrix(model: ClusterModel): number {
  const engine = new PolicyEngine(model);
  const fast = namespaceReach(model, engine, { shareEngine: true });
  const rows = new Set(model.namespaces.map((n) => n.name));
  const viaMatrix = namespaceReach(model, engine, { shareEngine: true, part: { rows, columns: new Set() } });
  assert.deepEqual(flat(fast), flat(viaMatrix));
  return flat(fast).length;
}

test('property: namespace reach read from the class-level reachability equals the matrix by namespace (allowedPairs > 0), insertion order included', () => {
  let pairs = 0;
  fc.assert(
    fc.property(clusterArb, (c) => {
      pairs += sameAsMatrix(buildYaml(toYaml(c)).model);
    }),
    { numRuns: 150, seed: 19 },
  );
  assert.ok(
    pairs > 100,
    `only ${pairs} namespace pairs reached in all runs: the comparison would prove little`,
  );
});

test('namespace reach equals the matrix by namespace on generated clusters (random labels, realistic)', () => {
  for (const family of ['random-labels', 'realistic'] as const) {
    const { objects, profile } = generateCluster({ family, pods: 600, seed: 3 });
    assert.ok(sameAsMatrix(buildCluster(objects, { profile }).model) > 0, family);
  }
});

test('property: with more port classes than one kernel pass decides (30), namespace reach still equals the matrix by namespace', () => {
  fc.assert(
    fc.property(manyPortsArb, (yaml) => {
      sameAsMatrix(buildYaml(yaml).model);
    }),
    { numRuns: 40, seed: 31 },
  );
});
