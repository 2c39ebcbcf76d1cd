/**
 * `matrix`: the connectivity matrix between pods, workloads or namespaces, over every declared container port
 * (or the ports asked for). Computed from class-level verdicts (`ClassVerdicts`) and per-class pod counts, never
 * per pod pair; rows are computed as they are read, one source group at a time. By namespace (NetworkPolicy alone),
 * the class-level reachability is added straight into namespace cells (`NamespaceCells`), no class triple kept.
 */
import { namespaceLabelWarnings } from './_namespace-labels.ts';
import { hostSourceWarnings } from './_host-sources.ts';
import type { ClusterModel, Pod, Protocol } from '../../model/types.ts';
import { enforcementUnknown, type PolicyEngine } from '../policy/index.ts';
import { ClassVerdicts } from './_class-verdicts.ts';
import { buildLayout, type Layout } from './_layout.ts';
import { l7Warnings } from './_l7.ts';
import { leftOutNote } from './_left-out.ts';
import { portlessNote } from './_portless.ts';
import { RowBuilder } from './_rows.ts';
import { istioAmbientPortWarnings, linkerdPortWarnings, meshCells } from './_mesh.ts';
import { NamespaceCells } from './_namespace-cells.ts';

export { computeReachability, type Reachability } from './_reachability.ts';
export { portClasses, type PortClass } from './_port-classes.ts';
export {
  buildReachPlan,
  draftReachPlan,
  finishReachPlan,
  planAlloc,
  type PlanOptions,
  type ReachPlan,
  type ReachPlanDraft,
} from './_reach-plan.ts';
export {
  egressUnits,
  invert,
  invertOffsets,
  invertPass,
  invertRanges,
  type InvertScan,
} from './_reach-invert.ts';
export { ingressRules, type ClassPolicies } from './_reach-ingress.ts';
export { planSets } from './_reach-sets.ts';
export { countRows, rowBits, rowSources, ReachScratch } from './_reach-kernel.ts';
export { computeFlatReachability } from './_reach-flat.ts';

export type MatrixBy = 'pod' | 'workload' | 'namespace';

export interface MatrixOptions {
  readonly by: MatrixBy;
  /** Ports to check at every destination; undefined: each destination pod's declared container ports. */
  readonly ports?: readonly { readonly port: number; readonly protocol: Protocol }[];
  /** Namespaces to include; undefined: every namespace. */
  readonly namespaces?: readonly string[];
  /**
   * The destination groups (by name) rows will be read towards; undefined: every group. Class verdicts are then
   * decided only towards the classes with a pod in them, and every row is restricted to them (a row's
   * `destinations` narrows further).
   */
  readonly destinations?: ReadonlySet<string>;
  /** The pods to lay out (with an address, in `namespaces`); undefined: every one. Verdicts are the engine's. */
  readonly pods?: (pod: Pod) => boolean;
}

export interface MatrixGroup {
  readonly name: string;
  readonly namespace: string;
}

/** One (source group, destination group, port) with pod-pair counts. Pairs of a pod with itself are left out. */
export interface MatrixEntry {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly pairs: number;
  readonly allowedPairs: number;
}

/** The entries of one source group. */
export interface MatrixRow {
  readonly from: string;
  /** Sorted by to, protocol, port; only (to, port) combinations that have pod pairs. */
  readonly entries: readonly MatrixEntry[];
}

/** Which rows, and which entries of each, to compute. */
export interface RowsOptions {
  /** Also list (to, port) combinations with pod pairs but none allowed (`allowedPairs` 0). */
  readonly denied?: boolean;
  /** Only the rows of these source groups (by name); undefined: every row. */
  readonly sources?: ReadonlySet<string>;
  /** Only the entries to these destination groups (by name); undefined: every destination. */
  readonly destinations?: ReadonlySet<string>;
}

export interface Matrix {
  readonly by: MatrixBy;
  readonly groups: readonly MatrixGroup[];
  readonly warnings: readonly string[];
  /**
   * One row per group, in `groups` order, each computed when the iterator reaches it (hold one at a time and
   * memory stays that of one row). `denied`: also list the (to, port) combinations with pod pairs but none
   * allowed (`allowedPairs` 0); by default a row lists only those with at least one allowed pair.
   */
  rows(options?: RowsOptions): Iterable<MatrixRow>;
  /** A group's pod with the smallest key, whose labels stand for the group (`-o hubble`). */
  representative(group: string): Pod | undefined;
}

export function computeMatrix(engine: PolicyEngine, options: MatrixOptions): Matrix {
  return matrixOf(engine, options, matrixLayout(engine, options));
}

/** The matrix's pods, groups and ports laid out (`computeMatrix`'s first step), with its destination classes. */
export interface MatrixSetup {
  readonly pods: readonly Pod[];
  readonly groupOf: (p: Pod) => string;
  readonly layout: Layout;
  /** The classes with a pod in `options.destinations`' groups (by id), when given. */
  readonly towards?: Uint8Array;
}

export function matrixLayout(engine: PolicyEngine, options: MatrixOptions): MatrixSetup {
  const model = engine.model;
  const nsSet = options.namespaces ? new Set(options.namespaces) : undefined;
  const only = options.pods;
  const pods = model.pods.filter((p) => p.ip && (!nsSet || nsSet.has(p.namespace)) && (!only || only(p)));
  const workloadOf = workloadsOf(model);
  const groupOf = (p: Pod) =>
    options.by === 'namespace'
      ? p.namespace
      : options.by === 'workload'
        ? (workloadOf.get(p.key) ?? `${p.namespace}/${p.name}`)
        : `${p.namespace}/${p.name}`;
  const layout = buildLayout(engine, pods, groupOf, options.ports);
  const towards = options.destinations && classesIn(layout, options.destinations);
  return { pods, groupOf, layout, towards };
}

/**
 * The matrix of a laid-out setup. `cells`: the namespace cells computed already (on several threads,
 * `src/workers/matrix-pool.ts`); else they are computed here on first read where they apply.
 */
export function matrixOf(
  engine: PolicyEngine,
  options: MatrixOptions,
  setup: MatrixSetup,
  cells?: NamespaceCells,
): Matrix {
  const model = engine.model;
  const nsSet = options.namespaces ? new Set(options.namespaces) : undefined;
  const { pods, groupOf, layout } = setup;
  const towards = options.destinations;
  let builder: Pick<RowBuilder, 'row'> | undefined;
  let firstPods: Map<string, Pod> | undefined;
  // By namespace, the class-level reachability is added straight into namespace cells where it can be; else
  // the class triples are kept and each row reads them.
  const rowBuilder = () =>
    (builder ??=
      cells ??
      (options.by === 'namespace' ? NamespaceCells.of(engine, layout, setup.towards) : undefined) ??
      new RowBuilder(
        engine,
        layout,
        new ClassVerdicts(engine, layout.ports, layout.classPods, setup.towards),
      ));
  const mesh = meshCells(engine, layout);
  let warnings: string[] | undefined;
  return {
    by: options.by,
    groups: layout.groups,
    // Read by the commands that print them, never by `diff` or the posture: assembled on first read.
    get warnings() {
      return (warnings ??= [
        ...(engine.notEnforced ? [engine.notEnforced] : []),
        ...(enforcementUnknown(model) && (model.networkPolicies.length || model.adminPolicies?.length)
          ? [
              `the cluster's CNI is unknown (no node agent kubetwin knows is in the input): cells the policies deny may be allowed by a CNI that does not enforce them; name the CNI in the profile (cni: {name: …, enforcesNetworkPolicy: …})`,
            ]
          : []),
        ...engine.tierWarnings,
        ...l7Warnings(engine, layout),
        ...(mesh?.warnings ?? []),
        ...linkerdPortWarnings(engine, layout),
        ...istioAmbientPortWarnings(engine, layout),
        ...namespaceLabelWarnings(model, pods),
        ...hostSourceWarnings(engine, layout, groupOf),
        ...(options.ports ? [] : portlessNote(model, pods, groupOf)),
        ...leftOutNote(model.pods, (p) => !nsSet || nsSet.has(p.namespace), groupOf, options.by),
      ]);
    },
    representative(group) {
      if (!firstPods) {
        firstPods = new Map();
        for (const [p, g] of layout.groupOf) {
          const name = layout.groups[g].name;
          const seen = firstPods.get(name);
          if (!seen || p.key < seen.key) firstPods.set(name, p);
        }
      }
      return firstPods.get(group);
    },
    *rows(rowOptions = {}) {
      const b = rowBuilder();
      const denied = rowOptions.denied ?? false;
      const { sources, destinations } = rowOptions;
      const to =
        (destinations || towards) &&
        Uint8Array.from(layout.groups, (x) =>
          (!destinations || destinations.has(x.name)) && (!towards || towards.has(x.name)) ? 1 : 0,
        );
      for (let g = 0; g < layout.groups.length; g++) {
        if (sources && !sources.has(layout.groups[g].name)) continue;
        yield mesh ? mesh.row(b.row(g, denied, to), g, denied) : b.row(g, denied, to);
      }
    },
  };
}

const workloadNames = new WeakMap<ClusterModel['workloads'], ReadonlyMap<string, string>>();

/**
 * Each pod's workload (`ns/name`) by pod key, once per workloads array (nobody mutates a model; the two sides of a
 * `diff` hold the same array when the after side's build takes the workloads over).
 */
function workloadsOf(model: ClusterModel): ReadonlyMap<string, string> {
  let got = workloadNames.get(model.workloads);
  if (!got) {
    const m = new Map<string, string>();
    for (const w of model.workloads) for (const k of w.podKeys) m.set(k, `${w.namespace}/${w.name}`);
    workloadNames.set(model.workloads, (got = m));
  }
  return got;
}

/** The classes (by id) with a pod in one of the named groups. */
function classesIn(layout: ReturnType<typeof buildLayout>, groups: ReadonlySet<string>): Uint8Array {
  const marked = layout.groups.map((g) => groups.has(g.name));
  const out = new Uint8Array(layout.members.length);
  layout.members.forEach((m, d) => {
    for (let q = 0; q < m.length; q += 3) if (marked[m[q]]) out[d] = 1;
  });
  return out;
}

/** Every entry of a matrix, in row order: for small matrices and tests (a large one is read row by row). */
export function matrixEntries(m: Matrix, options: { readonly denied?: boolean } = {}): MatrixEntry[] {
  const out: MatrixEntry[] = [];
  for (const row of m.rows(options)) for (const e of row.entries) out.push(e);
  return out;
}
export { VerdictTable, TABLE_BYTES } from './_verdict-table.ts';
export {
  addRows,
  cellSums,
  cellsInput,
  flatCells,
  NamespaceCells,
  type CellsInput,
  type CellSums,
  type FlatCells,
} from './_namespace-cells.ts';
