import type { Cluster } from '../api/index.ts';
import { BuildMemo, buildCluster, type BuildOptions } from '../cluster/index.ts';
import type { RawObject } from '../parse/index.ts';
import type { DiffInput } from '../analysis/diff/index.ts';
import { analyseCluster, type AnalyseOptions } from './index.ts';

/** One side of `analyseSides`: the raw objects it is built from, and how to build it when not `buildCluster`. */
export interface SideInput {
  /** The raw objects (with positions) of the side; the object-level diff reads them too. */
  readonly objects: readonly RawObject[];
  /**
   * Builds the side (e.g. `buildFromTexts`, which infers the profile), passing `memo` on to the build; default:
   * `buildCluster(objects, { ...options.build, memo })`.
   */
  readonly build?: (memo: BuildMemo) => Cluster;
  /** This side's analysis options, from its built cluster (certificates are read from its Secrets). */
  readonly analyse?: (cluster: Cluster) => AnalyseOptions;
}

export interface SidesOptions {
  /** Build options of both sides when they are built by `buildCluster` (the memo is `analyseSides`'s own). */
  readonly build?: Omit<BuildOptions, 'memo'>;
  /** Analysis options of both sides (a side's own `analyse` wins). */
  readonly analyse?: AnalyseOptions;
}

/** Both sides analysed, each with its raw objects: what `diffClusters` compares. */
export interface AnalysedSides {
  readonly before: DiffInput;
  readonly after: DiffInput;
}

/**
 * The two sides of a diff through the one pipeline, the after side reusing the before side's work: both builds
 * share a `BuildMemo`, so what the after side reads from the same raw objects as the before side (the pods of
 * unchanged workloads, unchanged NetworkPolicies) is taken over, and the models share those records (the pods
 * array itself when no pod input changed). The result equals analysing each side alone (`analyseCluster`).
 *
 * @example
 * const { before, after } = analyseSides({ objects: a }, { objects: b }, { analyse: { now } });
 * const d = diffClusters(before, after);
 */
export function analyseSides(before: SideInput, after: SideInput, options: SidesOptions = {}): AnalysedSides {
  const memo = new BuildMemo();
  const side = (s: SideInput): DiffInput => {
    const cluster = s.build ? s.build(memo) : buildCluster(s.objects, { ...options.build, memo });
    const analyse = { ...options.analyse, ...s.analyse?.(cluster) };
    return { analysed: analyseCluster(cluster, analyse), objects: s.objects };
  };
  // In order: the after side's build reads what the before side's kept.
  const a = side(before);
  return { before: a, after: side(after) };
}
