/**
 * `computeMatrix` with the matrix by namespace computed on several threads (rim module: it starts workers). The
 * namespace cells (`NamespaceCells`) are sums of the reachability's rows; here the plan's inverted index
 * (`buildReachPlanParallel`) and the rows (`cellsParallel`) run on every core, each thread adding its rows into
 * its own sums, added together at the end (whole numbers of pods, exact in doubles: the same cells, byte for
 * byte, property-tested). The rows whose verdicts an own-node pair of a hostNetwork pod reads are added on the
 * calling thread, which records them. Every other matrix (`--by workload|pod`, other tiers, a small cluster) is
 * `computeMatrix`'s.
 */
import { availableParallelism } from 'node:os';
import type { PolicyEngine } from '../analysis/policy/index.ts';
import {
  addRows,
  cellSums,
  cellsInput,
  flatCells,
  matrixLayout,
  matrixOf,
  NamespaceCells,
  type Matrix,
  type MatrixOptions,
} from '../analysis/matrix/index.ts';
import { buildReachPlanParallel, cellsParallel, MIN_CLASSES, type ParallelOptions } from './reach-pool.ts';

export async function computeMatrixParallel(
  engine: PolicyEngine,
  options: MatrixOptions,
  parallel: ParallelOptions = {},
): Promise<Matrix> {
  const setup = matrixLayout(engine, options);
  const threads = parallel.threads ?? availableParallelism();
  const many = threads > 1 && engine.classes.length >= (parallel.minClasses ?? MIN_CLASSES);
  const cells =
    options.by === 'namespace' && many
      ? await namespaceCellsParallel(engine, setup.layout, setup.towards, { ...parallel, threads })
      : undefined;
  return matrixOf(engine, options, setup, cells);
}

async function namespaceCellsParallel(
  engine: PolicyEngine,
  layout: Parameters<typeof cellsInput>[1],
  towards: Uint8Array | undefined,
  parallel: ParallelOptions & { readonly threads: number },
): Promise<NamespaceCells | undefined> {
  const input = cellsInput(engine, layout, towards);
  if (!input || !input.slots.length) return undefined;
  const { plan } = await buildReachPlanParallel(engine, { ...parallel, ports: input.slots });
  const flat = flatCells(layout, input, plan, true);
  const f64 = (n: number) => new Float64Array(new SharedArrayBuffer(8 * n));
  const parts = Array.from({ length: parallel.threads }, () => cellSums(layout, f64));
  await cellsParallel(plan, flat, parts, parallel);
  const ownNode = input.ownNode(plan);
  if (ownNode) {
    const rows = Uint8Array.from(input.wanted, (w, d) => (w && ownNode.needs(d) ? 1 : 0));
    addRows(plan, { ...flat, rows }, 0, plan.C, parts[0], ownNode);
  }
  return NamespaceCells.finish(layout, input, plan, parts);
}
