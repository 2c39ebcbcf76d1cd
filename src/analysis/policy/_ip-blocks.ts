import { cidrContains, cidrSize, dottedQuad, parseCidr, parseIP, type Cidr, type IP } from '../../lib/ip.ts';

/** An `ipBlock` peer compiled: the CIDR and its `except` blocks. */
export interface CompiledBlock {
  readonly key: string;
  readonly cidr: Cidr;
  readonly except: readonly Cidr[];
  readonly masks?: readonly bigint[];
}

/**
 * ipBlock membership: an address matches when it is inside `cidr` and outside every `except` block.
 * https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec
 * (IPBlock: "describes a particular CIDR ... that is allowed ... except entries ... should not be included").
 */
export function blockContains(block: CompiledBlock, ip: IP): boolean {
  if (block.masks) {
    const m = block.masks;
    if (ip.family !== block.cidr.family || (ip.value & m[0]) !== block.cidr.base) return false;
    for (let i = 0; i < block.except.length; i++)
      if ((ip.value & m[i + 1]) === block.except[i].base) return false;
    return true;
  }
  return cidrContains(block.cidr, ip) && !block.except.some((e) => cidrContains(e, ip));
}

/** Network masks of the cidr and each except block, computed once (bigint shifts are slow on the hot path). */
function masksOf(cidrs: readonly Cidr[]): bigint[] {
  return cidrs.map((c) => {
    const bits = c.family === 4 ? 32 : 128;
    return ((1n << BigInt(bits)) - 1n) ^ ((1n << BigInt(bits - c.prefix)) - 1n);
  });
}

export function compileBlock(cidr: string, except: readonly string[]): CompiledBlock | undefined {
  const c = parseCidr(cidr);
  if (!c) return undefined;
  const ex = except.map(parseCidr).filter((e): e is Cidr => !!e);
  const sameFamily = ex.filter((e) => e.family === c.family);
  return {
    key: `${cidr}!${except.join(',')}`,
    cidr: c,
    except: sameFamily,
    masks: masksOf([c, ...sameFamily]),
  };
}

/**
 * The address space cut at every ipBlock boundary: addresses in one segment are inside exactly the same
 * blocks, so a pod's segment is all the equivalence classes need to know about its IP.
 */
export class AddressSegments {
  readonly #starts: { family: 4 | 6; value: bigint }[] = [];
  /** The IPv4 starts (the first of `#starts`, sorted) as numbers: a dotted quad is looked up without bigints. */
  readonly #v4: Float64Array;

  constructor(blocks: readonly CompiledBlock[]) {
    const points = new Map<string, { family: 4 | 6; value: bigint }>();
    const add = (c: Cidr) => {
      const end = c.base + cidrSize(c);
      points.set(`${c.family}:${c.base}`, { family: c.family, value: c.base });
      points.set(`${c.family}:${end}`, { family: c.family, value: end });
    };
    for (const b of blocks) [b.cidr, ...b.except].forEach(add);
    this.#starts = [...points.values()].sort(
      (a, b) => a.family - b.family || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
    );
    this.#v4 = Float64Array.from(
      this.#starts.filter((s) => s.family === 4),
      (s) => Number(s.value),
    );
  }

  /** Boundaries: `segmentOf` answers from -1 to `size - 1`. */
  get size(): number {
    return this.#starts.length;
  }

  /**
   * The segments `[from, to)` that make up `c`, a cidr or except of the blocks the space was cut at (its first
   * address and the one past its last are boundaries); an empty range for any other CIDR.
   */
  segmentsOf(c: Cidr): [number, number] {
    const from = this.#boundary(c.family, c.base);
    const to = this.#boundary(c.family, c.base + cidrSize(c));
    return from < 0 || to < 0 ? [0, 0] : [from, to];
  }

  /** The index of the boundary at exactly this address, -1 when none is. */
  #boundary(family: 4 | 6, value: bigint): number {
    let lo = 0;
    let hi = this.#starts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = this.#starts[mid];
      if (s.family < family || (s.family === family && s.value < value)) lo = mid + 1;
      else hi = mid;
    }
    const s = this.#starts[lo];
    return s && s.family === family && s.value === value ? lo : -1;
  }

  /** Index of the segment holding the address (stable for one compilation); -1 before the first boundary. */
  segmentOf(text: string): number {
    if (!this.#starts.length) return -1;
    const v4 = dottedQuad(text);
    if (v4 !== undefined) {
      // Same search over the IPv4 starts, which sort before every IPv6 one.
      const starts = this.#v4;
      let lo = 0;
      let hi = starts.length - 1;
      let found = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if (starts[mid] <= v4) {
          found = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      return found;
    }
    const ip = parseIP(text);
    if (!ip) return -1;
    let lo = 0;
    let hi = this.#starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.#starts[mid];
      if (s.family < ip.family || (s.family === ip.family && s.value <= ip.value)) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }
}
