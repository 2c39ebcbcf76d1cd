import type { Pod, Protocol } from '../../model/types.ts';
import type { PodClass, PolicyEngine } from '../policy/index.ts';
import { portClasses, type PortClass } from './_port-classes.ts';
import { computeReachability } from './_reachability.ts';
import { representatives } from './_pairs.ts';
import { tierVerdicts, type ChunkVerdicts } from './_tier-verdicts.ts';
import { Triples } from './_triples.ts';

/** Slots per chunk: `computeReachability` decides 8 port classes per pass (one byte per source). */
export const CHUNK = 8;

/**
 * The slots of the matrix ports under NetworkPolicy alone: the port classes (no policy tells their ports apart)
 * that hold a matrix port, ascending, and each matrix port's slot among them.
 */
export function matrixSlots(
  engine: PolicyEngine,
  ports: readonly { readonly port: number; readonly protocol: Protocol }[],
): { readonly slots: readonly PortClass[]; readonly slotOf: Int32Array } {
  const all = portClasses(engine);
  const classOf = ports.map((p) =>
    all.findIndex(
      (pc) => pc.protocol === p.protocol && pc.ranges.some(([lo, hi]) => p.port >= lo && p.port <= hi),
    ),
  );
  const used = [...new Set(classOf)].sort((a, b) => a - b);
  return { slots: used.map((i) => all[i]), slotOf: Int32Array.from(classOf, (i) => used.indexOf(i)) };
}

/**
 * Every (source class, destination class, port) verdict the matrix needs, class-compressed: the ports asked about
 * fall into slots (port classes no policy tells apart), and a verdict is kept only where it allows something
 * beyond "every open source" (`everyone`). Pod-level exceptions (a pod and itself, a hostNetwork pod and its own
 * node) are the caller's.
 * - NetworkPolicy alone decides (`engine.networkPolicyOnly`): one `computeReachability` pass over the port
 *   classes that hold a matrix port.
 * - Not enforced: every class allowed everywhere.
 * - The Cilium tier (with NetworkPolicy, no admin tiers): `tierVerdicts`, set by set over the port classes of
 *   both tiers that hold a matrix port.
 * - Admin tiers (admin, baseline): one `engine.allows` per (class, class, matrix port) of the classes in the
 *   matrix, with pods on different nodes where a hostNetwork class is involved.
 */
export class ClassVerdicts {
  /** Per matrix port: its slot. */
  readonly slotOf: Int32Array;
  readonly chunks: number;
  readonly #chunks: ChunkVerdicts[] = [];
  /** Per class: no egress policy isolates it (an "open" source). */
  #open: Uint8Array;

  constructor(
    engine: PolicyEngine,
    ports: readonly { readonly port: number; readonly protocol: Protocol }[],
    /** The classes with pods in the matrix, each with those pods. */
    members: ReadonlyMap<PodClass, readonly Pod[]>,
    /**
     * Only the verdicts towards the destination classes it marks (by id); a verdict towards another class reads
     * as denied, so the caller reads none (a matrix restricted to some destination groups).
     */
    destinations?: Uint8Array,
  ) {
    const C = engine.classes.length;
    this.#open = new Uint8Array(C);
    if (!engine.enforced || engine.networkPolicyOnly) {
      for (const c of engine.classes) if (!engine.policiesOf(c, 'Egress').length) this.#open[c.id] = 1;
    }
    if (!engine.enforced) {
      this.slotOf = new Int32Array(ports.length);
      this.chunks = 1;
      this.#open.fill(1);
      this.#chunks.push({
        start: new Int32Array(C + 1),
        dest: new Int32Array(0),
        mask: new Uint8Array(0),
        everyone: new Uint8Array(C).fill(1),
      });
      return;
    }
    if (engine.networkPolicyOnly) {
      const { slots, slotOf } = matrixSlots(engine, ports);
      this.slotOf = slotOf;
      this.chunks = Math.max(1, Math.ceil(slots.length / CHUNK));
      const triples = Array.from({ length: this.chunks }, () => new Triples());
      const everyone = Array.from({ length: this.chunks }, () => new Uint8Array(C));
      if (slots.length)
        computeReachability(engine, {
          portClasses: slots,
          chunk: CHUNK,
          destinations,
          onRow: (d, base, row) => {
            const k = base / CHUNK;
            everyone[k][d] = row.everyone;
            row.forEach((s, m) => triples[k].push(s, d, m));
          },
        });
      triples.forEach((t, k) => this.#chunks.push({ ...t.bySource(C), everyone: everyone[k] }));
      return;
    }
    if (engine.admin.empty) {
      const t = tierVerdicts(engine, ports, members);
      this.slotOf = t.slotOf;
      this.chunks = t.chunks.length;
      this.#chunks.push(...t.chunks);
      this.#open = t.open;
      return;
    }
    // Admin tiers: each matrix port is its own slot, decided by `allows` on one pod pair per class pair.
    this.slotOf = Int32Array.from(ports, (_, i) => i);
    this.chunks = Math.max(1, Math.ceil(ports.length / CHUNK));
    const triples = Array.from({ length: this.chunks }, () => new Triples());
    const present = [...members.keys()].sort((a, b) => a.id - b.id);
    for (const s of present)
      for (const d of present) {
        if (destinations && !destinations[d.id]) continue;
        const pair = representatives(engine, members.get(s)!, members.get(d)!, s === d);
        if (!pair) continue;
        const masks = new Uint8Array(this.chunks);
        ports.forEach((p, i) => {
          const ok = engine.allows(
            { kind: 'pod', pod: pair[0] },
            { kind: 'pod', pod: pair[1] },
            p.port,
            p.protocol,
          );
          if (ok) masks[i >> 3] |= 1 << (i & 7);
        });
        masks.forEach((m, k) => m && triples[k].push(s.id, d.id, m));
      }
    triples.forEach((t) => this.#chunks.push({ ...t.bySource(C), everyone: new Uint8Array(C) }));
  }

  isOpen(s: number): boolean {
    return this.#open[s] === 1;
  }

  /** Slots (bits of chunk `k`) on which every open source class may reach `d`. */
  everyone(d: number, k: number): number {
    return this.#chunks[k].everyone[d];
  }

  /** The destinations source class `s` reaches on slots of chunk `k` beyond `everyone`, with those slots. */
  forEachDestination(s: number, k: number, fn: (d: number, mask: number) => void): void {
    const c = this.#chunks[k];
    for (let j = c.start[s]; j < c.start[s + 1]; j++) fn(c.dest[j], c.mask[j]);
  }

  /** The class-level verdict of one (source class, destination class, slot). */
  allowed(s: number, d: number, slot: number): boolean {
    const c = this.#chunks[slot >> 3];
    const bit = 1 << (slot & 7);
    if (this.#open[s] === 1 && c.everyone[d] & bit) return true;
    let lo = c.start[s];
    let hi = c.start[s + 1] - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = c.dest[mid];
      if (v === d) return (c.mask[mid] & bit) !== 0;
      if (v < d) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }
}
