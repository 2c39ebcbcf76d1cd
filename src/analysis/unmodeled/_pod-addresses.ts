import { cidrSize, parseCidr, parseIP, type Cidr } from '../../lib/ip.ts';

/** The pods an ipBlock matches: how many, and the first of them (by index in the list indexed). */
export interface BlockHits {
  readonly count: number;
  readonly first: number;
}

/**
 * Pod addresses sorted per family, so the pods an ipBlock (`cidr` minus its `except`s) matches are found by binary
 * search instead of testing every pod against every block: the block and each except are ranges of the sorted
 * addresses; the pods left are counted from the ranges' lengths and the first found by a range-minimum table
 * (sparse table over pod indices). A pod with two addresses of one family (counted once) is handled by walking
 * the ranges instead.
 */
export class PodAddressIndex {
  readonly #families = new Map<4 | 6, Family>();

  constructor(ips: readonly (readonly string[])[]) {
    const entries = { 4: [] as [bigint, number][], 6: [] as [bigint, number][] };
    for (let i = 0; i < ips.length; i++)
      for (const text of ips[i]) {
        const a = parseIP(text);
        if (a) entries[a.family].push([a.value, i]);
      }
    for (const family of [4, 6] as const) {
      const list = entries[family];
      if (!list.length) continue;
      list.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
      this.#families.set(family, new Family(list));
    }
  }

  /** The pods with an address in `cidr` and in none of `excepts` (CIDR texts; unparsable ones are skipped). */
  hits(cidr: Cidr, excepts: readonly string[]): BlockHits {
    const f = this.#families.get(cidr.family);
    if (!f) return { count: 0, first: -1 };
    const [lo, hi] = f.range(cidr);
    // The except ranges inside the block, merged, leave the ranges of addresses matched.
    const cut = excepts
      .map((e) => parseCidr(e))
      .filter((c): c is Cidr => !!c && c.family === cidr.family)
      .map((c) => f.range(c))
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
    return f.count(kept);
  }
}

class Family {
  readonly #values: bigint[];
  readonly #pods: Int32Array;
  /** `#min[k][i]`: the smallest pod index of entries i … i + 2^k - 1. */
  readonly #min: Int32Array[];
  /** Some pod has two addresses here: count distinct pods by walking the ranges. */
  readonly #shared: boolean;

  constructor(sorted: readonly [bigint, number][]) {
    this.#values = sorted.map((e) => e[0]);
    this.#pods = Int32Array.from(sorted, (e) => e[1]);
    this.#shared = new Set(this.#pods).size < sorted.length;
    const n = sorted.length;
    this.#min = [this.#pods];
    for (let w = 1; 2 * w <= n; w *= 2) {
      const prev = this.#min[this.#min.length - 1];
      const next = new Int32Array(n - 2 * w + 1);
      for (let i = 0; i < next.length; i++) next[i] = Math.min(prev[i], prev[i + w]);
      this.#min.push(next);
    }
  }

  /** The entries [lo, hi) whose address is in the block. */
  range(c: Cidr): [number, number] {
    return [this.#lowerBound(c.base), this.#lowerBound(c.base + cidrSize(c))];
  }

  count(ranges: readonly [number, number][]): BlockHits {
    if (this.#shared) {
      const pods = new Set<number>();
      let first = -1;
      for (const [a, b] of ranges)
        for (let i = a; i < b; i++) {
          pods.add(this.#pods[i]);
          if (first < 0 || this.#pods[i] < first) first = this.#pods[i];
        }
      return { count: pods.size, first };
    }
    let count = 0;
    let first = -1;
    for (const [a, b] of ranges) {
      count += b - a;
      const k = 31 - Math.clz32(b - a);
      const m = Math.min(this.#min[k][a], this.#min[k][b - (1 << k)]);
      if (first < 0 || m < first) first = m;
    }
    return { count, first };
  }

  #lowerBound(v: bigint): number {
    let lo = 0;
    let hi = this.#values.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#values[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
