/**
 * The matrix by namespace on several threads (`computeMatrixParallel`) against `computeMatrix` on one: every row,
 * denied or not, whole, towards some groups, over some namespaces or asked ports, both hostNetwork modes (own-node
 * pairs of hostNetwork pods are added on the calling thread).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { buildYaml } from '../cluster/_test-helpers.ts';
import { buildCluster } from '../cluster/index.ts';
import type { ClusterModel } from '../model/types.ts';
import { PolicyEngine, type HostNetworkMode } from '../analysis/policy/index.ts';
import { clusterArb, toYaml } from '../analysis/policy/_cluster-arb.ts';
import { computeMatrix, matrixEntries, type MatrixOptions } from '../analysis/matrix/index.ts';
import { generateCluster } from '../../bench/generate.ts';
import { computeMatrixParallel } from './matrix-pool.ts';
import { stopReachPool } from './reach-pool.ts';

after(() => stopReachPool());

/** Threads forced on (no size threshold), one class per block so threads interleave. */
const modes = [
  { threads: 2, minClasses: 0, block: 1 },
  { threads: 3, minClasses: 0, block: 1 },
  { threads: 2, minClasses: 0, block: 1, mainThread: false },
];

/** Compares both on one model; returns the allowed entries compared. */
async function sameOnThreads(model: ClusterModel, hostNetwork: HostNetworkMode): Promise<number> {
  const engine = new PolicyEngine(model, { hostNetwork });
  const names = [...new Set(model.pods.map((p) => p.namespace))].sort();
  let allowed = 0;
  const half = names.filter((_, i) => i % 2 === 0);
  const variants: MatrixOptions[] = [
    { by: 'namespace' },
    { by: 'namespace', destinations: new Set(half) },
    { by: 'namespace', namespaces: half },
    {
      by: 'namespace',
      ports: [
        { port: 80, protocol: 'TCP' },
        { port: 53, protocol: 'UDP' },
      ],
    },
  ];
  for (const options of variants) {
    const one = computeMatrix(engine, options);
    const want = [false, true].map((denied) => matrixEntries(one, { denied }));
    allowed += want[0].filter((e) => e.allowedPairs > 0).length;
    for (const mode of modes) {
      const many = await computeMatrixParallel(engine, options, mode);
      for (const denied of [false, true])
        assert.deepEqual(
          matrixEntries(many, { denied }),
          want[denied ? 1 : 0],
          `${JSON.stringify(mode)} ${denied}`,
        );
    }
  }
  return allowed;
}

test('property: the matrix by namespace on several threads equals it on one (every row, denied, destinations, namespaces, ports, both hostNetwork modes)', async () => {
  let entries = 0;
  await fc.assert(
    fc.asyncProperty(clusterArb, fc.constantFrom<HostNetworkMode>('node', 'pod'), async (c, mode) => {
      entries += await sameOnThreads(buildYaml(toYaml(c)).model, mode);
    }),
    { numRuns: 60, seed: 29 },
  );
  assert.ok(entries > 60, `only ${entries} allowed entries in all runs: the comparison would prove little`);
});

test('the matrix by namespace on several threads equals it on one on generated clusters (random labels, realistic)', async () => {
  for (const family of ['random-labels', 'realistic'] as const) {
    const { objects, profile } = generateCluster({ family, pods: 800, seed: 3 });
    const model = buildCluster(objects, { profile }).model;
    for (const mode of ['node', 'pod'] as const)
      assert.ok((await sameOnThreads(model, mode)) > 0, `${family} ${mode}`);
  }
});
