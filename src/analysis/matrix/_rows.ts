import type { Pod } from '../../model/types.ts';
import type { PolicyEngine } from '../policy/index.ts';
import type { ClassVerdicts } from './_class-verdicts.ts';
import type { Layout } from './_layout.ts';
import type { MatrixEntry, MatrixRow } from './index.ts';

/**
 * The matrix rows from class-level verdicts: for a source group, each of its classes adds (its pods × the
 * destination class's pods in each group with each port) for every destination class it reaches; open classes
 * add what every open source reaches at once (`reachedByAll`). Pairs of a pod with itself are taken out, and
 * pairs of a hostNetwork pod and a pod on its own node are corrected from `engine.allows` (the only pod-level
 * exception). A row costs what its sources reach, not the number of pods squared.
 */
export class RowBuilder {
  readonly #layout: Layout;
  readonly #verdicts: ClassVerdicts;
  /** `[index, pods, …]`: pods (by group and port) that every open source class reaches. */
  readonly #reachedByAll: Float64Array;
  /** Per source group: `[index, delta, …]` for pairs with a hostNetwork pod on its own node. */
  readonly #corrections = new Map<number, number[]>();
  readonly #acc: Float64Array;
  readonly #mark: Uint8Array;

  constructor(engine: PolicyEngine, layout: Layout, verdicts: ClassVerdicts) {
    this.#layout = layout;
    this.#verdicts = verdicts;
    const X = layout.ports.length;
    this.#acc = new Float64Array(layout.groups.length * X);
    this.#mark = new Uint8Array(layout.groups.length * X);
    const all = new Float64Array(layout.groups.length * X);
    layout.members.forEach((m, d) => {
      for (let j = 0; j < m.length; j += 3) {
        const slot = verdicts.slotOf[m[j + 1]];
        if (verdicts.everyone(d, slot >> 3) & (1 << (slot & 7))) all[m[j] * X + m[j + 1]] += m[j + 2];
      }
    });
    const reached: number[] = [];
    all.forEach((n, i) => n && reached.push(i, n));
    this.#reachedByAll = Float64Array.from(reached);
    if (engine.enforced && engine.hostNetwork === 'node') this.#ownNode(engine);
  }

  /**
   * Traffic between a hostNetwork pod (its node's address) and a pod on the same node is always allowed
   * (https://kubernetes.io/docs/concepts/services-networking/network-policies/); the class verdicts are those of
   * other nodes, so each such pair gets `allows` minus the class verdict.
   */
  #ownNode(engine: PolicyEngine): void {
    const layout = this.#layout;
    const X = layout.ports.length;
    const onNode = new Map<string, Pod[]>();
    for (const pod of layout.groupOf.keys())
      if (pod.nodeName !== undefined)
        (onNode.get(pod.nodeName) ?? onNode.set(pod.nodeName, []).get(pod.nodeName)!).push(pod);
    const check = (a: Pod, b: Pod) => {
      const ca = engine.classOf(a)!.id;
      const cb = engine.classOf(b)!.id;
      for (const x of layout.portsOf(b)) {
        const { port, protocol } = layout.ports[x];
        const truth = engine.allows({ kind: 'pod', pod: a }, { kind: 'pod', pod: b }, port, protocol);
        if (truth === this.#verdicts.allowed(ca, cb, this.#verdicts.slotOf[x])) continue;
        const g = layout.groupOf.get(a)!;
        const list = this.#corrections.get(g) ?? this.#corrections.set(g, []).get(g)!;
        list.push(layout.groupOf.get(b)! * X + x, truth ? 1 : -1);
      }
    };
    const host = (p: Pod) => p.hostNetwork;
    for (const pods of onNode.values())
      for (const h of pods) {
        if (!host(h)) continue;
        for (const y of pods) {
          if (y === h) continue;
          check(h, y);
          if (!host(y)) check(y, h);
        }
      }
  }

  /**
   * One row: the entries from source group `g`, sorted by destination group, then port; with `to`, only those to
   * the destination groups it marks (by group index).
   */
  row(g: number, denied: boolean, to?: Uint8Array): MatrixRow {
    const layout = this.#layout;
    const verdicts = this.#verdicts;
    const X = layout.ports.length;
    const acc = this.#acc;
    const mark = this.#mark;
    const touched: number[] = [];
    const add = (i: number, v: number) => {
      if (mark[i] === 0) {
        mark[i] = 1;
        touched.push(i);
      }
      acc[i] += v;
    };
    const sources = layout.sources[g];
    let openPods = 0;
    for (let j = 0; j < sources.length; j += 2) {
      const s = sources[j];
      const w = sources[j + 1];
      const own = layout.members[s];
      if (verdicts.isOpen(s)) {
        openPods += w;
        // Its own pods with a port every open source reaches: not pairs with themselves.
        for (let q = 0; q < own.length; q += 3) {
          const slot = verdicts.slotOf[own[q + 1]];
          if (own[q] === g && verdicts.everyone(s, slot >> 3) & (1 << (slot & 7)))
            add(g * X + own[q + 1], -own[q + 2]);
        }
      }
      for (let k = 0; k < verdicts.chunks; k++)
        verdicts.forEachDestination(s, k, (d, mask) => {
          const m = layout.members[d];
          for (let q = 0; q < m.length; q += 3) {
            const slot = verdicts.slotOf[m[q + 1]];
            if (slot >> 3 !== k || !(mask & (1 << (slot & 7)))) continue;
            const n = m[q + 2];
            add(m[q] * X + m[q + 1], w * n - (d === s && m[q] === g ? n : 0));
          }
        });
    }
    if (openPods) {
      const all = this.#reachedByAll;
      for (let j = 0; j < all.length; j += 2) add(all[j], openPods * all[j + 1]);
    }
    const fix = this.#corrections.get(g);
    if (fix) for (let j = 0; j < fix.length; j += 2) add(fix[j], fix[j + 1]);
    const from = layout.groups[g].name;
    const size = layout.size[g];
    const entries: MatrixEntry[] = [];
    const entry = (G: number, x: number, n: number) => {
      if (to && !to[G]) return;
      const pairs = size * n - (G === g ? n : 0);
      const allowedPairs = acc[G * X + x];
      const { port, protocol } = layout.ports[x];
      if (pairs > 0 && (denied || allowedPairs > 0))
        entries.push({ from, to: layout.groups[G].name, port, protocol, pairs, allowedPairs });
    };
    if (denied)
      layout.groupPorts.forEach((gp, G) => {
        for (let j = 0; j < gp.length; j += 2) entry(G, gp[j], gp[j + 1]);
      });
    else for (const i of touched.sort((a, b) => a - b)) entry(Math.floor(i / X), i % X, layout.count[i]);
    for (const i of touched) {
      acc[i] = 0;
      mark[i] = 0;
    }
    return { from, entries };
  }
}
