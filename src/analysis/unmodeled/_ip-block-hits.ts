import { AddressSegments, type CompiledBlock } from '../policy/index.ts';

/** The pods an ipBlock matches: how many, and the first of them (by index in the list indexed). */
export interface BlockHits {
  readonly count: number;
  readonly first: number;
}

/**
 * The pods each ipBlock matches, on the policy engine's own structure: `AddressSegments` cuts the address space at
 * every boundary of the blocks, so a block (its `cidr` minus its `except`s) is a run of whole segments and the pods
 * it matches are tallied per segment once, not tested per block. A pod with two addresses of one family in two
 * segments is counted once.
 */
export class BlockHitIndex {
  readonly #segments: AddressSegments;
  /** Per segment, shifted by one (slot 0: before the first boundary, and unparsable addresses): pods there. */
  readonly #count: Int32Array;
  /** Per segment slot: the smallest pod index there, -1 for none. */
  readonly #first: Int32Array;
  /** Pods with addresses of one family in more than one segment: those slots, to count each pod once. */
  readonly #spread: (readonly number[])[] = [];

  /** `blocks`: every block `hits` will be asked about; `ips`: the addresses of each pod. */
  constructor(blocks: readonly CompiledBlock[], ips: readonly (readonly string[])[]) {
    this.#segments = new AddressSegments(blocks);
    const slots = this.#segments.size + 1;
    this.#count = new Int32Array(slots);
    this.#first = new Int32Array(slots).fill(-1);
    for (let pod = 0; pod < ips.length; pod++) {
      const list = ips[pod];
      if (list.length === 1) this.#tally(this.#segments.segmentOf(list[0]) + 1, pod);
      else
        for (const family of [false, true]) {
          // A block is of one family: only two slots of one family can both be inside it.
          const at = [
            ...new Set(
              list.filter((ip) => ip.includes(':') === family).map((ip) => this.#segments.segmentOf(ip) + 1),
            ),
          ];
          for (const slot of at) this.#tally(slot, pod);
          if (at.length > 1) this.#spread.push(at);
        }
    }
  }

  #tally(slot: number, pod: number): void {
    this.#count[slot]++;
    if (this.#first[slot] < 0) this.#first[slot] = pod;
  }

  /** The pods with an address in `block` (one of the blocks indexed): in its cidr and in none of its excepts. */
  hits(block: CompiledBlock): BlockHits {
    const kept = this.#keptSlots(block);
    let count = 0;
    let first = -1;
    for (const [a, b] of kept)
      for (let slot = a; slot < b; slot++) {
        count += this.#count[slot];
        const f = this.#first[slot];
        if (f >= 0 && (first < 0 || f < first)) first = f;
      }
    for (const at of this.#spread) {
      const inside = at.filter((slot) => kept.some(([a, b]) => slot >= a && slot < b)).length;
      if (inside > 1) count -= inside - 1;
    }
    return { count, first };
  }

  /** The segment slots `[a, b)` of the block's cidr left once its excepts' slots are cut out, in order. */
  #keptSlots(block: CompiledBlock): [number, number][] {
    const slots = (c: CompiledBlock['cidr']) => this.#segments.segmentsOf(c).map((s) => s + 1);
    const [lo, hi] = slots(block.cidr);
    const cut = block.except
      .map(slots)
      .map(([a, b]): [number, number] => [Math.max(a, lo), Math.min(b, hi)])
      .filter(([a, b]) => a < b)
      .sort((x, y) => x[0] - y[0]);
    const kept: [number, number][] = [];
    let at = lo;
    for (const [a, b] of cut) {
      if (a > at) kept.push([at, a]);
      at = Math.max(at, b);
    }
    if (at < hi) kept.push([at, hi]);
    return kept;
  }
}
