import type { PolicyEngine } from '../policy/index.ts';
import { CHUNK, matrixSlots } from './_class-verdicts.ts';
import type { Layout } from './_layout.ts';
import { OwnNodePairs } from './_own-node.ts';
import { computeReachability } from './_reachability.ts';
import type { MatrixEntry, MatrixRow } from './index.ts';

/** Tables of more cells (source namespace × destination namespace × port) than this take the class-triples path. */
const MAX_CELLS = 1 << 24;

/**
 * The matrix by namespace read from the class-level reachability once (NetworkPolicy alone, enforced): each
 * destination row of `computeReachability` adds its allowed pod pairs straight into (source namespace,
 * destination namespace, port) cells, so no class triple is kept (`ClassVerdicts`) and no row re-reads them
 * (`RowBuilder`). Per row of destination class d: its allowed sources are summed by (namespace, port mask) —
 * their pods — and each sum adds (those pods × d's pods in a namespace with a port of the mask); the pods every
 * open source reaches (`everyone`) are summed per (namespace, port) and multiplied by each namespace's open
 * pods at the end; a pod with itself is taken out where d reaches itself. Counts are those of `RowBuilder`
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/: a connection is allowed when the
 * source's egress and the destination's ingress both allow it).
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
    const ownNode = OwnNodePairs.of(engine, layout, Math.max(1, Math.ceil(slots.length / CHUNK)));
    const src = { slots, slotOf, groupOf, weight, isOpen, openPods, ownNode };
    if (slots.length) addReachable(engine, layout, src, allowed, destinations);
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
  readonly slots: ReturnType<typeof matrixSlots>['slots'];
  readonly slotOf: Int32Array;
  /** Per class: its group (-1: no pod in the matrix) and its pods in the matrix. */
  readonly groupOf: Int32Array;
  readonly weight: Float64Array;
  readonly isOpen: Uint8Array;
  readonly openPods: Float64Array;
  /** The own-node pairs of hostNetwork pods, whose class verdicts are recorded as the rows pass. */
  readonly ownNode: OwnNodePairs | undefined;
}

/** Runs the reachability over the matrix's port classes and adds every allowed pod pair into `allowed`. */
function addReachable(
  engine: PolicyEngine,
  layout: Layout,
  src: Sources,
  allowed: Float64Array,
  destinations?: Uint8Array,
): void {
  const N = layout.groups.length;
  const X = layout.ports.length;
  const { slotOf, groupOf, weight, isOpen, openPods, ownNode } = src;
  // Per row: the pods of its allowed sources summed by (namespace, mask), and the (namespace, mask) keys touched.
  const sum = new Float64Array(N * 256);
  const touched: number[] = [];
  // Per (destination namespace, port): the pods every open source reaches.
  const byAll = new Float64Array(N * X);
  const wanted = new Uint8Array(engine.classes.length);
  computeReachability(engine, {
    portClasses: src.slots,
    chunk: CHUNK,
    destinations,
    onRow: (d, base, row) => {
      const m = layout.members[d];
      if (!m.length) return;
      const k = base / CHUNK;
      const bit = (q: number) => {
        const slot = slotOf[m[q + 1]];
        return slot >> 3 === k ? 1 << (slot & 7) : 0;
      };
      let self = isOpen[d] ? row.everyone : 0;
      // The sources whose verdict towards d an own-node pair reads, marked for the pass (a byte per class).
      const needs = ownNode?.needs(d);
      if (needs) {
        ownNode!.recordEveryone(d, k, row.everyone);
        for (let j = 0; j < needs.length; j++) wanted[needs[j]] = 1;
      }
      row.forEach((s, mask) => {
        if (wanted[s] === 1) ownNode!.record(s, d, k, mask);
        const w = weight[s];
        if (!w) return;
        if (s === d) self |= mask;
        const key = groupOf[s] * 256 + mask;
        if (sum[key] === 0) touched.push(key);
        sum[key] += w;
      });
      for (const key of touched) {
        const rowAt = (key >> 8) * N;
        const mask = key & 255;
        const w = sum[key];
        sum[key] = 0;
        for (let q = 0; q < m.length; q += 3)
          if (bit(q) & mask) allowed[(rowAt + m[q]) * X + m[q + 1]] += w * m[q + 2];
      }
      touched.length = 0;
      if (needs) for (let j = 0; j < needs.length; j++) wanted[needs[j]] = 0;
      for (let q = 0; q < m.length; q += 3) {
        const b = bit(q);
        if (b & row.everyone) byAll[m[q] * X + m[q + 1]] += m[q + 2];
        if (b & self) allowed[(m[q] * N + m[q]) * X + m[q + 1]] -= m[q + 2];
      }
    },
  });
  for (let G = 0; G < N; G++) {
    if (!openPods[G]) continue;
    const at = G * N * X;
    for (let i = 0; i < N * X; i++) if (byAll[i]) allowed[at + i] += openPods[G] * byAll[i];
  }
}
