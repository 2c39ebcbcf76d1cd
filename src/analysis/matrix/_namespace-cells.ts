import type { PolicyEngine } from '../policy/index.ts';
import { matrixSlots } from './_class-verdicts.ts';
import type { Layout } from './_layout.ts';
import { OwnNodePairs } from './_own-node.ts';
import type { PortClass } from './_port-classes.ts';
import { buildReachPlan, type ReachPlan } from './_reach-plan.ts';
import { ReachScratch, rowSources } from './_reach-kernel.ts';
import type { MatrixEntry, MatrixRow } from './index.ts';

/** Tables of more cells (source namespace × destination namespace × port) than this take the class-triples path. */
const MAX_CELLS = 1 << 24;

/**
 * The matrix by namespace read from the class-level reachability once (NetworkPolicy alone, enforced): each
 * destination row of the reachability kernel (`buildReachPlan`, `rowSources`: the rows of `computeReachability`
 * over flat typed arrays, up to 30 port classes per pass) adds its allowed pod pairs straight into (source
 * namespace, destination namespace, port) cells, so no class triple is kept (`ClassVerdicts`) and no row
 * re-reads them (`RowBuilder`). Per row of destination class d: its allowed sources' pods are summed by
 * (namespace, port class), and each sum adds (those pods × d's pods in a namespace with a port of that class);
 * the pods every open source reaches (`everyone`) are summed per (namespace, port) and multiplied by each
 * namespace's open pods at the end; a pod with itself is taken out where d reaches itself. Counts are those of
 * `RowBuilder` (https://kubernetes.io/docs/concepts/services-networking/network-policies/: a connection is
 * allowed when the source's egress and the destination's ingress both allow it).
 * Pairs of a hostNetwork pod and a pod on its own node (node mode) are corrected as `RowBuilder` does
 * (`OwnNodePairs`). Not used (`of` returns undefined, the caller takes the triples path) under other tiers, when
 * NetworkPolicy is not enforced, when a class spans two groups (never by namespace), or when the table would
 * pass `MAX_CELLS`. The rows can be added in parts, on several threads (`addRows`, `finish`;
 * `src/workers/matrix-pool.ts`).
 */
export class NamespaceCells {
  readonly #layout: Layout;
  /** `allowed[(G * N + H) * X + x]`: allowed pod pairs from namespace G to namespace H on port x. */
  readonly #allowed: Float64Array;

  private constructor(layout: Layout, allowed: Float64Array) {
    this.#layout = layout;
    this.#allowed = allowed;
  }

  static of(engine: PolicyEngine, layout: Layout, destinations?: Uint8Array): NamespaceCells | undefined {
    const input = cellsInput(engine, layout, destinations);
    if (!input) return undefined;
    const plan = input.slots.length ? buildReachPlan(engine, { ports: input.slots }).plan : undefined;
    const sums = cellSums(layout);
    if (plan) addRows(plan, flatCells(layout, input, plan, false), 0, plan.C, sums, input.ownNode(plan));
    return NamespaceCells.finish(layout, input, plan, [sums]);
  }

  /**
   * The cells from the sums of the rows (`addRows` over every destination, in any number of parts): the pods
   * every open source reaches times each namespace's open pods, and the own-node pairs corrected.
   */
  static finish(
    layout: Layout,
    input: CellsInput,
    plan: ReachPlan | undefined,
    parts: readonly CellSums[],
  ): NamespaceCells {
    const N = layout.groups.length;
    const X = layout.ports.length;
    const { allowed, byAll } = parts[0];
    for (const part of parts.slice(1)) {
      for (let i = 0; i < allowed.length; i++) allowed[i] += part.allowed[i];
      for (let i = 0; i < byAll.length; i++) byAll[i] += part.byAll[i];
    }
    for (let G = 0; G < N; G++) {
      if (!input.openPods[G]) continue;
      const at = G * N * X;
      for (let i = 0; i < N * X; i++) if (byAll[i]) allowed[at + i] += input.openPods[G] * byAll[i];
    }
    const ownNode = plan && input.ownNode(plan);
    ownNode?.corrections(input.slotOf, input.isOpen, (a, b, x, delta) => {
      allowed[(layout.groupOf.get(a)! * N + layout.groupOf.get(b)!) * X + x] += delta;
    });
    return new NamespaceCells(layout, allowed);
  }

  /**
   * One row: the entries from namespace `g`, sorted by destination, then port; with `to`, only those to the
   * groups it marks. With `denied`, also the (destination, port) combinations with pod pairs but none allowed.
   */
  row(g: number, denied: boolean, to?: Uint8Array): MatrixRow {
    const layout = this.#layout;
    const N = layout.groups.length;
    const X = layout.ports.length;
    const from = layout.groups[g].name;
    const size = layout.size[g];
    const entries: MatrixEntry[] = [];
    for (let H = 0; H < N; H++) {
      if (to && !to[H]) continue;
      const gp = layout.groupPorts[H];
      const at = (g * N + H) * X;
      for (let j = 0; j < gp.length; j += 2) {
        const x = gp[j];
        const n = gp[j + 1];
        const pairs = size * n - (H === g ? n : 0);
        const allowedPairs = this.#allowed[at + x];
        const { port, protocol } = layout.ports[x];
        if (pairs > 0 && (denied || allowedPairs > 0))
          entries.push({ from, to: layout.groups[H].name, port, protocol, pairs, allowedPairs });
      }
    }
    return { from, entries };
  }
}

/** What the rows of `NamespaceCells` read besides the plan (`cellsInput`). */
export interface CellsInput {
  readonly slots: readonly PortClass[];
  readonly slotOf: Int32Array;
  /** Per class: its group (-1: no pod in the matrix) and its pods in the matrix. */
  readonly groupOf: Int32Array;
  readonly weight: Float64Array;
  readonly isOpen: Uint8Array;
  readonly openPods: Float64Array;
  /** Per class: a row is wanted (a pod in the matrix, among the destinations). */
  readonly wanted: Uint8Array;
  /** The own-node pairs of hostNetwork pods (made once per plan): their rows record class verdicts. */
  ownNode(plan: ReachPlan): OwnNodePairs | undefined;
}

/**
 * The per-class inputs of the cells, or undefined when the cells do not apply (other tiers, not enforced, a
 * class in two groups, more than `MAX_CELLS` cells).
 */
export function cellsInput(
  engine: PolicyEngine,
  layout: Layout,
  destinations?: Uint8Array,
): CellsInput | undefined {
  const N = layout.groups.length;
  const X = layout.ports.length;
  const C = engine.classes.length;
  if (!engine.enforced || !engine.networkPolicyOnly || N * N * X > MAX_CELLS) return undefined;
  // Per class: its group and its pods in the matrix; per group: the pods of its open classes.
  const groupOf = new Int32Array(C).fill(-1);
  const weight = new Float64Array(C);
  const isOpen = new Uint8Array(C);
  for (const c of engine.classes) if (!engine.policiesOf(c, 'Egress').length) isOpen[c.id] = 1;
  const openPods = new Float64Array(N);
  for (let g = 0; g < N; g++) {
    const src = layout.sources[g];
    for (let j = 0; j < src.length; j += 2) {
      const s = src[j];
      if (groupOf[s] !== -1) return undefined;
      groupOf[s] = g;
      weight[s] = src[j + 1];
      if (isOpen[s]) openPods[g] += src[j + 1];
    }
  }
  const wanted = new Uint8Array(C);
  for (let d = 0; d < C; d++)
    if (layout.members[d].length && (!destinations || destinations[d])) wanted[d] = 1;
  const { slots, slotOf } = matrixSlots(engine, layout.ports);
  let ownNode: { plan: ReachPlan; pairs: OwnNodePairs | undefined } | undefined;
  return {
    slots,
    slotOf,
    groupOf,
    weight,
    isOpen,
    openPods,
    wanted,
    ownNode(plan) {
      if (ownNode?.plan !== plan)
        ownNode = { plan, pairs: OwnNodePairs.of(engine, layout, plan.chunks, plan.width) };
      return ownNode.pairs;
    },
  };
}

/** Per (source namespace, destination namespace, port) the allowed pod pairs, and per (destination namespace, port) the pods every open source reaches. */
export interface CellSums {
  readonly allowed: Float64Array;
  readonly byAll: Float64Array;
}

export function cellSums(
  layout: Layout,
  f64: (n: number) => Float64Array = (n) => new Float64Array(n),
): CellSums {
  const N = layout.groups.length;
  const X = layout.ports.length;
  return { allowed: f64(N * N * X), byAll: f64(N * X) };
}

/**
 * The rows' inputs as flat typed arrays (over `SharedArrayBuffer`s when `shared`): what `addRows` reads, so a
 * range of rows can be added on another thread. `rows`: per class, 1 when its row is added here.
 */
export interface FlatCells {
  readonly N: number;
  readonly X: number;
  readonly slotOf: Int32Array;
  readonly groupOf: Int32Array;
  readonly weight: Float64Array;
  readonly isOpen: Uint8Array;
  readonly rows: Uint8Array;
  /** Per destination class: its members (namespace, port, pods) as `members[memberStart[d]..memberStart[d + 1])`. */
  readonly memberStart: Int32Array;
  readonly members: Float64Array;
}

/**
 * The flat inputs of `addRows` for `plan`. With `shared` (the rows go to other threads), the rows some own-node
 * pair records a verdict of are left out (`rows` 0): the calling thread adds them with the recorder.
 */
export function flatCells(layout: Layout, input: CellsInput, plan: ReachPlan, shared: boolean): FlatCells {
  const C = plan.C;
  const buf = (bytes: number) => (shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const memberStart = new Int32Array(buf(4 * (C + 1)));
  for (let d = 0; d < C; d++) memberStart[d + 1] = memberStart[d] + layout.members[d].length;
  const members = new Float64Array(buf(8 * memberStart[C]));
  for (let d = 0; d < C; d++) members.set(layout.members[d], memberStart[d]);
  const share = <T extends Int32Array | Uint8Array | Float64Array>(a: T): T => {
    if (!shared) return a;
    const b = new (a.constructor as new (x: ArrayBufferLike) => T)(buf(a.byteLength));
    b.set(a);
    return b;
  };
  const rows = share(input.wanted);
  const ownNode = shared ? input.ownNode(plan) : undefined;
  if (ownNode) for (let d = 0; d < C; d++) if (ownNode.needs(d)) rows[d] = 0;
  return {
    N: layout.groups.length,
    X: layout.ports.length,
    slotOf: share(input.slotOf),
    groupOf: share(input.groupOf),
    weight: share(input.weight),
    isOpen: share(input.isOpen),
    rows,
    memberStart,
    members,
  };
}

/** Records the verdicts the own-node pairs read, as the rows pass. */
export interface RowRecorder {
  needs(d: number): Int32Array | undefined;
  record(s: number, d: number, k: number, mask: number): void;
  recordEveryone(d: number, k: number, everyone: number): void;
}

/**
 * Runs the reachability kernel over the plan's port classes (the matrix's slots) for the destination classes
 * [lo, hi) that `cells.rows` marks, row by row, and adds every allowed pod pair into `out`. The sums are of whole
 * numbers (pods), exact in doubles, so parts added in any order give the same cells.
 */
export function addRows(
  plan: ReachPlan,
  cells: FlatCells,
  lo: number,
  hi: number,
  out: CellSums,
  ownNode?: RowRecorder,
  scratch = new ReachScratch(plan),
): void {
  const { N, X, slotOf, groupOf, weight, isOpen, rows, memberStart, members } = cells;
  const { allowed, byAll } = out;
  const width = plan.width;
  // Per row: the pods of its allowed sources summed by (namespace, port class of the chunk), and the namespaces
  // touched.
  const sum = new Float64Array(N * width);
  const seen = new Uint8Array(N);
  const touched: number[] = [];
  const wanted = new Uint8Array(plan.C);
  for (let k = 0; k < plan.chunks; k++)
    for (let d = lo; d < hi; d++) {
      if (rows[d] !== 1) continue;
      const m0 = memberStart[d];
      const m1 = memberStart[d + 1];
      // The sources whose verdict towards d an own-node pair reads, marked for the pass (a byte per class).
      const needs = ownNode?.needs(d);
      if (needs) for (let j = 0; j < needs.length; j++) wanted[needs[j]] = 1;
      let self = 0;
      const everyone = rowSources(plan, d, k, scratch, (s, mask) => {
        if (wanted[s] === 1) ownNode!.record(s, d, k, mask);
        const w = weight[s];
        if (!w) return;
        if (s === d) self |= mask;
        const G = groupOf[s];
        if (seen[G] === 0) {
          seen[G] = 1;
          touched.push(G);
        }
        const at = G * width;
        for (let b = mask; b !== 0; b &= b - 1) sum[at + 31 - Math.clz32(b & -b)] += w;
      });
      if (needs) {
        ownNode!.recordEveryone(d, k, everyone);
        for (let j = 0; j < needs.length; j++) wanted[needs[j]] = 0;
      }
      if (isOpen[d]) self |= everyone;
      // Per member (namespace H, port x, pods): the port's bit in this chunk, -1 when its slot is in another.
      const bit = (q: number) => {
        const slot = slotOf[members[q + 1]] - k * width;
        return slot >= 0 && slot < width ? slot : -1;
      };
      for (const G of touched) {
        const rowAt = G * N;
        const at = G * width;
        for (let q = m0; q < m1; q += 3) {
          const p = bit(q);
          if (p >= 0 && sum[at + p] !== 0)
            allowed[(rowAt + members[q]) * X + members[q + 1]] += sum[at + p] * members[q + 2];
        }
        sum.fill(0, at, at + width);
        seen[G] = 0;
      }
      touched.length = 0;
      for (let q = m0; q < m1; q += 3) {
        const p = bit(q);
        if (p < 0) continue;
        if ((everyone >>> p) & 1) byAll[members[q] * X + members[q + 1]] += members[q + 2];
        if ((self >>> p) & 1) allowed[(members[q] * N + members[q]) * X + members[q + 1]] -= members[q + 2];
      }
    }
}
