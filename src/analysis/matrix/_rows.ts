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
/** The pods on each node, and those of them with hostNetwork. */
interface NodePods {
  readonly onNode: ReadonlyMap<string, readonly Pod[]>;
  readonly hostsOn: ReadonlyMap<string, readonly Pod[]>;
}

export class RowBuilder {
  readonly #layout: Layout;
  readonly #verdicts: ClassVerdicts;
  /** `[index, pods, …]`: pods (by group and port) that every open source class reaches. */
  readonly #reachedByAll: Float64Array;
  /** The pods on each node, those with hostNetwork, and per group its pods on such nodes (`#ownNode`). */
  #hostPairs?: {
    readonly engine: PolicyEngine;
    readonly onNode: ReadonlyMap<string, readonly Pod[]>;
    readonly hostsOn: ReadonlyMap<string, readonly Pod[]>;
    readonly podsOf: ReadonlyMap<number, readonly Pod[]>;
  };
  readonly #acc: Float64Array;
  readonly #mark: Uint8Array;
  /** Per destination-group mask given to `row`: what of the row's work can reach a marked group. */
  readonly #focus = new WeakMap<Uint8Array, Focus>();
  readonly #peersTowards = new WeakMap<Uint8Array, NodePods>();

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
   * other nodes, so each such pair gets `allows` minus the class verdict. Only the pods are indexed here: a row
   * asks for its own pairs (`#correctionsOf`), so rows never read cost nothing.
   */
  #ownNode(engine: PolicyEngine): void {
    const layout = this.#layout;
    const onNode = new Map<string, Pod[]>();
    const hostsOn = new Map<string, Pod[]>();
    for (const pod of layout.groupOf.keys()) {
      if (pod.nodeName === undefined) continue;
      (onNode.get(pod.nodeName) ?? onNode.set(pod.nodeName, []).get(pod.nodeName)!).push(pod);
      if (pod.hostNetwork)
        (hostsOn.get(pod.nodeName) ?? hostsOn.set(pod.nodeName, []).get(pod.nodeName)!).push(pod);
    }
    if (!hostsOn.size) return;
    const podsOf = new Map<number, Pod[]>();
    for (const [pod, g] of layout.groupOf)
      if (pod.nodeName !== undefined && hostsOn.has(pod.nodeName))
        (podsOf.get(g) ?? podsOf.set(g, []).get(g)!).push(pod);
    this.#hostPairs = { engine, onNode, hostsOn, podsOf };
  }

  /**
   * `[index, delta, …]` for the pairs (a pod of group `g`, another pod on its node) with a hostNetwork pod on
   * either end whose truth differs from the class verdict; with `to`, only those to the groups it marks.
   */
  #correctionsOf(g: number, to?: Uint8Array): readonly number[] | undefined {
    const h = this.#hostPairs;
    const mine = h?.podsOf.get(g);
    if (!h || !mine) return undefined;
    const layout = this.#layout;
    const X = layout.ports.length;
    const out: number[] = [];
    const check = (a: Pod, b: Pod) => {
      const G = layout.groupOf.get(b)!;
      if (to && !to[G]) return;
      const ca = h.engine.classOf(a)!.id;
      const cb = h.engine.classOf(b)!.id;
      for (const x of layout.portsOf(b)) {
        const { port, protocol } = layout.ports[x];
        const truth = h.engine.allows({ kind: 'pod', pod: a }, { kind: 'pod', pod: b }, port, protocol);
        if (truth === this.#verdicts.allowed(ca, cb, this.#verdicts.slotOf[x])) continue;
        out.push(G * X + x, truth ? 1 : -1);
      }
    };
    const { onNode, hostsOn } = to ? this.#towards(to) : h;
    for (const a of mine) {
      // A hostNetwork pod pairs with every other pod on its node; any other pod with the node's hostNetwork pods.
      const peers = (a.hostNetwork ? onNode : hostsOn).get(a.nodeName!) ?? [];
      for (const b of peers) if (b !== a) check(a, b);
    }
    return out;
  }

  /** The pods on each node (all, hostNetwork) in the groups `to` marks: once per mask, not per row and pod. */
  #towards(to: Uint8Array): NodePods {
    let got = this.#peersTowards.get(to);
    if (!got) {
      const groupOf = this.#layout.groupOf;
      const keep = (m: ReadonlyMap<string, readonly Pod[]>) => {
        const out = new Map<string, Pod[]>();
        for (const [node, pods] of m) {
          const kept = pods.filter((b) => to[groupOf.get(b)!]);
          if (kept.length) out.set(node, kept);
        }
        return out;
      };
      got = { onNode: keep(this.#hostPairs!.onNode), hostsOn: keep(this.#hostPairs!.hostsOn) };
      this.#peersTowards.set(to, got);
    }
    return got;
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
    const focus = to && this.#focusOn(to);
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
          if (focus && !focus.classes[d]) return;
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
      const all = focus ? focus.reachedByAll : this.#reachedByAll;
      for (let j = 0; j < all.length; j += 2) add(all[j], openPods * all[j + 1]);
    }
    const fix = this.#correctionsOf(g, to);
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
      for (const G of focus ? focus.groups : layout.groupPorts.keys()) {
        const gp = layout.groupPorts[G];
        for (let j = 0; j < gp.length; j += 2) entry(G, gp[j], gp[j + 1]);
      }
    else for (const i of touched.sort((a, b) => a - b)) entry(Math.floor(i / X), i % X, layout.count[i]);
    for (const i of touched) {
      acc[i] = 0;
      mark[i] = 0;
    }
    return { from, entries };
  }

  /**
   * What a row restricted to the groups `to` marks needs: the destination classes with a member in one of them, and
   * the part of `reachedByAll` in them. Accumulating anything else only fills cells no entry is read from, so
   * skipping it leaves every marked cell as the full row has it.
   */
  #focusOn(to: Uint8Array): Focus {
    let f = this.#focus.get(to);
    if (f) return f;
    const layout = this.#layout;
    const X = layout.ports.length;
    const classes = new Uint8Array(layout.members.length);
    layout.members.forEach((m, d) => {
      for (let q = 0; q < m.length; q += 3) if (to[m[q]]) classes[d] = 1;
    });
    const all = this.#reachedByAll;
    const kept: number[] = [];
    for (let j = 0; j < all.length; j += 2) if (to[Math.floor(all[j] / X)]) kept.push(all[j], all[j + 1]);
    const groups: number[] = [];
    to.forEach((marked, G) => marked && groups.push(G));
    this.#focus.set(to, (f = { classes, reachedByAll: Float64Array.from(kept), groups }));
    return f;
  }
}

interface Focus {
  /** Per destination class: some member is in a marked group. */
  readonly classes: Uint8Array;
  readonly reachedByAll: Float64Array;
  /** The marked groups, ascending. */
  readonly groups: readonly number[];
}
