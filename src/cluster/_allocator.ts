import { fnv32a } from './_names.ts';

/**
 * A deterministic stand-in for Kubernetes' random allocators (ClusterIPs, NodePorts). The range is split as
 * KEP-3070 / KEP-3668 split it: a lower band kept for static (explicit) values and an upper band used first
 * for dynamic ones. Dynamic values are picked by hashing the owner's key and probing upward, so adding one
 * Service never moves another's address.
 * https://kubernetes.io/docs/concepts/services-networking/cluster-ip-allocation/
 */
export class BandAllocator {
  readonly #taken = new Set<number>();

  /**
   * @param first first usable offset, @param last last usable offset (inclusive),
   * @param band size of the static lower band: dynamic picks start above it and fall back into it when full.
   */
  constructor(
    readonly first: number,
    readonly last: number,
    readonly band: number,
  ) {}

  contains(offset: number): boolean {
    return offset >= this.first && offset <= this.last;
  }

  /** Claims an explicit value; false when already taken. */
  claim(offset: number): boolean {
    if (this.#taken.has(offset)) return false;
    this.#taken.add(offset);
    return true;
  }

  /** Picks a free value for `seed`, or undefined when the range is full. */
  allocate(seed: string): number | undefined {
    const upperStart = Math.min(this.first + this.band, this.last);
    const tryRange = (lo: number, hi: number): number | undefined => {
      const size = hi - lo + 1;
      if (size <= 0) return undefined;
      const start = fnv32a(seed) % size;
      for (let i = 0; i < size; i++) {
        const v = lo + ((start + i) % size);
        if (!this.#taken.has(v)) {
          this.#taken.add(v);
          return v;
        }
      }
      return undefined;
    };
    return tryRange(upperStart, this.last) ?? tryRange(this.first, upperStart - 1);
  }
}
