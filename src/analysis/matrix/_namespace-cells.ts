import type { PolicyEngine } from '../policy/index.ts';
import { matrixSlots } from './_class-verdicts.ts';
import type { Layout } from './_layout.ts';
import { OwnNodePairs } from './_own-node.ts';
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
 * pass `MAX_CELLS`.
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
    const allowed = new Float64Array(N * N * X);
    const { slots, slotOf } = matrixSlots(engine, layout.ports);
    const plan = slots.length ? buildReachPlan(engine, { ports: slots }).plan : undefined;
    const ownNode = plan && OwnNodePairs.of(engine, layout, plan.chunks, plan.width);
    const src = { slotOf, groupOf, weight, isOpen, openPods, ownNode };
    if (plan) addReachable(plan, layout, src, allowed, destinations);
    ownNode?.corrections(slotOf, isOpen, (a, b, x, delta) => {
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

interface Sources {
  readonly slotOf: Int32Array;
  /** Per class: its group (-1: no pod in the matrix) and its pods in the matrix. */
  readonly groupOf: Int32Array;
  readonly weight: Float64Array;
  readonly isOpen: Uint8Array;
  readonly openPods: Float64Array;
  /** The own-node pairs of hostNetwork pods, whose class verdicts are recorded as the rows pass. */
  readonly ownNode: OwnNodePairs | undefined;
}

/**
 * Runs the reachability kernel over the plan's port classes (the matrix's slots), row by row, and adds every
 * allowed pod pair into `allowed`.
 */
function addReachable(
  plan: ReachPlan,
  layout: Layout,
  src: Sources,
  allowed: Float64Array,
  destinations?: Uint8Array,
): void {
  const N = layout.groups.length;
  const X = layout.ports.length;
  const { slotOf, groupOf, weight, isOpen, openPods, ownNode } = src;
  const width = plan.width;
  // Per row: the pods of its allowed sources summed by (namespace, port class of the chunk), and the namespaces
  // touched.
  const sum = new Float64Array(N * width);
  const seen = new Uint8Array(N);
  const touched: number[] = [];
  // Per (destination namespace, port): the pods every open source reaches.
  const byAll = new Float64Array(N * X);
  const wanted = new Uint8Array(plan.C);
  const scratch = new ReachScratch(plan);
  for (let k = 0; k < plan.chunks; k++)
    for (let d = 0; d < plan.C; d++) {
      const m = layout.members[d];
      if (!m.length || (destinations && !destinations[d])) continue;
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
      // Per member (namespace H, port x, pods): the port's bit in this chunk, 0 when its slot is in another.
      const bit = (q: number) => {
        const slot = slotOf[m[q + 1]] - k * width;
        return slot >= 0 && slot < width ? slot : -1;
      };
      for (const G of touched) {
        const rowAt = G * N;
        const at = G * width;
        for (let q = 0; q < m.length; q += 3) {
          const p = bit(q);
          if (p >= 0 && sum[at + p] !== 0) allowed[(rowAt + m[q]) * X + m[q + 1]] += sum[at + p] * m[q + 2];
        }
        sum.fill(0, at, at + width);
        seen[G] = 0;
      }
      touched.length = 0;
      for (let q = 0; q < m.length; q += 3) {
        const p = bit(q);
        if (p < 0) continue;
        if ((everyone >>> p) & 1) byAll[m[q] * X + m[q + 1]] += m[q + 2];
        if ((self >>> p) & 1) allowed[(m[q] * N + m[q]) * X + m[q + 1]] -= m[q + 2];
      }
    }
  for (let G = 0; G < N; G++) {
    if (!openPods[G]) continue;
    const at = G * N * X;
    for (let i = 0; i < N * X; i++) if (byAll[i]) allowed[at + i] += openPods[G] * byAll[i];
  }
}
