import type { PolicyEngine } from '../policy/index.ts';
import { buildReachPlan, type ReachPlan } from './_reach-plan.ts';
import { ReachScratch, rowBits } from './_reach-kernel.ts';

/** Largest table kept, in bytes (one bit per source class, destination class and port class). */
export const TABLE_BYTES = 256 * 1024 * 1024;

/**
 * The NetworkPolicy tier's pod-to-pod verdicts as one bit per (source class, destination class, port class):
 * `allows` becomes two class lookups, a port-class lookup and a bit test. A destination's row (P bitsets over
 * the source classes) is computed by the reachability kernel the first time it is asked about, then shared:
 * destinations whose rows are equal point at one stored row (the realistic 150k-pod cluster has 501 distinct
 * rows for 16,402 destination classes, so the table is ~5 MB instead of 168 MB and its reads stay in the
 * cache; design note 0008, fifth session). Only for `networkPolicyOnly` engines, and only when the whole table
 * would fit in `TABLE_BYTES` with every row distinct (`VerdictTable.for` answers undefined otherwise).
 * Destinations that declare a port name twice (-2) are not answered here: their resolution is per pod (`has`
 * returns undefined).
 */
export class VerdictTable {
  readonly #plan: ReachPlan;
  /** `protocol * 65536 + port` → port class (-1: none, port 0). */
  readonly #portClass: Int16Array;
  /** Per destination class: the index of its row in `#rows`, -1 until it is asked about. */
  readonly #rowOf: Int32Array;
  /** Distinct rows, `#size` words each; grows by doubling up to one row per destination class. */
  #rows: Uint32Array;
  #count = 0;
  /** Row hash → the first stored row with it; `#next` chains the others (-1 ends a chain). */
  readonly #byHash = new Map<number, number>();
  #next: Int32Array;
  readonly #row: Uint32Array;
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
    const initial = Math.min(plan.C, 64);
    this.#rows = new Uint32Array(initial * this.#size);
    this.#next = new Int32Array(initial);
    this.#rowOf = new Int32Array(plan.C).fill(-1);
    this.#row = new Uint32Array(this.#size);
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
    let r = this.#rowOf[d];
    if (r < 0) r = this.#fill(d);
    return ((this.#rows[r * this.#size + p * this.#words + (s >>> 5)] >>> (s & 31)) & 1) === 1;
  }

  /** Distinct rows stored so far (for tests and benchmarks). */
  get distinctRows(): number {
    return this.#count;
  }

  /**
   * Computes destination d's row and points d at an equal stored row, or stores it (kept out of `has`, so the
   * hot path stays small enough to inline). Returns the row's index.
   */
  #fill(d: number): number {
    const row = this.#row;
    const size = this.#size;
    rowBits(this.#plan, d, row, this.#scratch);
    let h = 0x811c9dc5;
    for (let i = 0; i < size; i++) h = Math.imul(h ^ row[i], 0x01000193);
    const first = this.#byHash.get(h);
    for (let r = first ?? -1; r >= 0; r = this.#next[r])
      if (equalAt(this.#rows, r * size, row)) return (this.#rowOf[d] = r);
    const r = this.#count++;
    if (this.#count * size > this.#rows.length) this.#grow();
    this.#rows.set(row, r * size);
    this.#next[r] = first ?? -1;
    this.#byHash.set(h, r);
    return (this.#rowOf[d] = r);
  }

  #grow(): void {
    const rows = Math.min(this.#plan.C, Math.max(1, this.#next.length) * 2);
    const grown = new Uint32Array(rows * this.#size);
    grown.set(this.#rows);
    this.#rows = grown;
    const next = new Int32Array(rows);
    next.set(this.#next);
    this.#next = next;
  }
}

/** Are the words of `row` equal to those of `rows` from `at`? */
function equalAt(rows: Uint32Array, at: number, row: Uint32Array): boolean {
  for (let i = 0; i < row.length; i++) if (rows[at + i] !== row[i]) return false;
  return true;
}
