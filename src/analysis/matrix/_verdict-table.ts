import type { PolicyEngine } from '../policy/index.ts';
import { buildReachPlan, type ReachPlan } from './_reach-plan.ts';
import { ReachScratch, rowBits } from './_reach-kernel.ts';

/** Largest table kept, in bytes (one bit per source class, destination class and port class). */
export const TABLE_BYTES = 256 * 1024 * 1024;

/**
 * The NetworkPolicy tier's pod-to-pod verdicts as one bit per (source class, destination class, port class):
 * `allows` becomes two class lookups, a port-class lookup and a bit test. A destination's row (P bitsets over
 * the source classes) is computed by the reachability kernel the first time it is asked about; rows are kept.
 * Only for `networkPolicyOnly` engines, and only when the whole table fits in `TABLE_BYTES`
 * (`VerdictTable.for` answers undefined otherwise). Destinations that declare a port name twice (-2) are not
 * answered here: their resolution is per pod (`has` returns undefined).
 */
export class VerdictTable {
  readonly #plan: ReachPlan;
  /** `protocol * 65536 + port` → port class (-1: none, port 0). */
  readonly #portClass: Int16Array;
  readonly #rows: Uint32Array;
  readonly #ready: Uint8Array;
  readonly #perPod: Uint8Array;
  readonly #scratch: ReachScratch;
  readonly #size: number;
  readonly #words: number;

  private constructor(plan: ReachPlan, portClass: Int16Array, perPod: Uint8Array) {
    this.#plan = plan;
    this.#portClass = portClass;
    this.#perPod = perPod;
    this.#size = plan.P * plan.W;
    this.#words = plan.W;
    this.#rows = new Uint32Array(plan.C * this.#size);
    this.#ready = new Uint8Array(plan.C);
    this.#scratch = new ReachScratch(plan);
  }

  /** The table of `engine`, or undefined when it would pass `budget` bytes. */
  static for(engine: PolicyEngine, budget = TABLE_BYTES): VerdictTable | undefined {
    const C = engine.classes.length;
    if (C * C * 3 > budget * 8) return undefined; // at least 3 port classes (one per protocol)
    const { plan, ports } = buildReachPlan(engine);
    if (plan.C * plan.P * plan.W * 4 > budget) return undefined;
    const portClass = new Int16Array(3 * 65536).fill(-1);
    ports.forEach((pc, i) => {
      const base = (pc.protocol === 'TCP' ? 0 : pc.protocol === 'UDP' ? 1 : 2) * 65536;
      for (const [lo, hi] of pc.ranges) portClass.fill(i, base + lo, base + hi + 1);
    });
    const perPod = new Uint8Array(C);
    for (const c of engine.classes) if (c.namedPorts.includes(-2)) perPod[c.id] = 1;
    return new VerdictTable(plan, portClass, perPod);
  }

  /**
   * Is source class s allowed to reach destination class d on the port (protocol 0 TCP, 1 UDP, 2 SCTP)?
   * Undefined: not answered here (port outside 1-65535, or a destination whose pods resolve names themselves).
   */
  has(s: number, d: number, port: number, protocol: number): boolean | undefined {
    const p = port > 0 && port < 65536 ? this.#portClass[protocol * 65536 + port] : -1;
    if (p < 0 || this.#perPod[d] === 1) return undefined;
    const at = d * this.#size;
    if (this.#ready[d] === 0) this.#fill(d, at);
    return ((this.#rows[at + p * this.#words + (s >>> 5)] >>> (s & 31)) & 1) === 1;
  }

  /** Computes destination d's row (kept out of `has`, so the hot path stays small enough to inline). */
  #fill(d: number, at: number): void {
    rowBits(this.#plan, d, this.#rows.subarray(at, at + this.#size), this.#scratch);
    this.#ready[d] = 1;
  }
}
