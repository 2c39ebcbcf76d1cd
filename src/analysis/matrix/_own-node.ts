import type { Pod } from '../../model/types.ts';
import type { PolicyEngine } from '../policy/index.ts';
import type { Layout } from './_layout.ts';

/**
 * The pairs (a pod, another pod on its node) with a hostNetwork pod on either end, in node mode: traffic between a
 * hostNetwork pod (its node's address) and a pod on the same node is always allowed
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/), while the class-level verdicts are
 * those of other nodes. The class verdicts of just these pairs' classes are recorded while the reachability runs
 * (`needs`, `record`); `corrections` then names each pair and port whose truth (`engine.allows`) differs from
 * its class verdict, as `RowBuilder` corrects its rows.
 */
export class OwnNodePairs {
  readonly #engine: PolicyEngine;
  readonly #layout: Layout;
  /** Ordered pairs (a, b): a ≠ b, same node, a or b hostNetwork. */
  readonly #pairs: readonly (readonly [Pod, Pod])[];
  /** Per destination class: the source classes whose verdict towards it a pair reads. */
  readonly #needs = new Map<number, Int32Array>();
  /** `s * C + d` → per chunk, the slots on which s reaches d (beyond `everyone` for an open s). */
  readonly #masks = new Map<number, Int32Array>();
  /** Per needed destination class: per chunk, the slots on which every open source reaches it. */
  readonly #everyone = new Map<number, Int32Array>();
  /** Chunks of slots, and slots per chunk (bit p of chunk k's mask is slot `k * width + p`). */
  readonly #chunks: number;
  readonly #width: number;

  private constructor(
    engine: PolicyEngine,
    layout: Layout,
    pairs: (readonly [Pod, Pod])[],
    chunks: number,
    width: number,
  ) {
    this.#engine = engine;
    this.#layout = layout;
    this.#pairs = pairs;
    this.#chunks = chunks;
    this.#width = width;
    const needs = new Map<number, Set<number>>();
    for (const [a, b] of pairs) {
      const d = engine.classOf(b)!.id;
      (needs.get(d) ?? needs.set(d, new Set()).get(d)!).add(engine.classOf(a)!.id);
    }
    for (const [d, sources] of needs) this.#needs.set(d, Int32Array.from(sources));
  }

  /** Undefined when no laid-out hostNetwork pod shares a node with another laid-out pod (or not node mode). */
  static of(engine: PolicyEngine, layout: Layout, chunks: number, width: number): OwnNodePairs | undefined {
    if (!engine.enforced || engine.hostNetwork !== 'node') return undefined;
    const onNode = new Map<string, Pod[]>();
    for (const pod of layout.groupOf.keys())
      if (pod.nodeName !== undefined)
        (onNode.get(pod.nodeName) ?? onNode.set(pod.nodeName, []).get(pod.nodeName)!).push(pod);
    const pairs: (readonly [Pod, Pod])[] = [];
    for (const pods of onNode.values()) {
      const hosts = pods.filter((p) => p.hostNetwork);
      if (!hosts.length) continue;
      for (const a of pods) for (const b of a.hostNetwork ? pods : hosts) if (b !== a) pairs.push([a, b]);
    }
    return pairs.length ? new OwnNodePairs(engine, layout, pairs, chunks, width) : undefined;
  }

  /** The source classes whose verdict towards destination class `d` is needed, if any. */
  needs(d: number): Int32Array | undefined {
    return this.#needs.get(d);
  }

  /** Records, for chunk `k`, that source class `s` reaches `d` on the slots of `mask`. */
  record(s: number, d: number, k: number, mask: number): void {
    const key = s * this.#engine.classes.length + d;
    (this.#masks.get(key) ?? this.#masks.set(key, new Int32Array(this.#chunks)).get(key)!)[k] = mask;
  }

  /** Records, for chunk `k`, the slots on which every open source reaches `d`. */
  recordEveryone(d: number, k: number, everyone: number): void {
    (this.#everyone.get(d) ?? this.#everyone.set(d, new Int32Array(this.#chunks)).get(d)!)[k] = everyone;
  }

  /** Each (pair, port of b) whose truth differs from the class verdict: `fn(a, b, x, +1 | -1)`. */
  corrections(
    slotOf: Int32Array,
    isOpen: Uint8Array,
    fn: (a: Pod, b: Pod, x: number, delta: number) => void,
  ): void {
    const engine = this.#engine;
    const layout = this.#layout;
    const C = engine.classes.length;
    for (const [a, b] of this.#pairs) {
      const s = engine.classOf(a)!.id;
      const d = engine.classOf(b)!.id;
      const masks = this.#masks.get(s * C + d);
      const everyone = isOpen[s] ? this.#everyone.get(d) : undefined;
      for (const x of layout.portsOf(b)) {
        const k = Math.floor(slotOf[x] / this.#width);
        const bit = 1 << (slotOf[x] - k * this.#width);
        const verdict = ((masks?.[k] ?? 0) | (everyone?.[k] ?? 0)) & bit;
        const { port, protocol } = layout.ports[x];
        const truth = engine.allows({ kind: 'pod', pod: a }, { kind: 'pod', pod: b }, port, protocol);
        if (truth !== (verdict !== 0)) fn(a, b, x, truth ? 1 : -1);
      }
    }
  }
}
