/**
 * Scratch state of one destination row of the full reachability: per source class, a byte of port classes
 * (bit p: port class `base + p` of the current chunk) admitted by ingress (`inMask`) and already counted
 * (`done`). Only the entries a row touched are cleared afterwards, so a row costs what its sets hold, not C.
 * The loops copy fields into locals: they are the hot path of `computeReachability`.
 */
export class RowScratch {
  readonly #inMask: Uint8Array;
  readonly #done: Uint8Array;
  readonly #spread: Int32Array;
  readonly #touched: Int32Array;
  #spreadN = 0;
  #doneN = 0;
  /** Peer sets tested through their bitset instead of spread, with the ports they admit. */
  readonly #bigBits: Uint32Array[] = [];
  readonly #bigMask: number[] = [];

  constructor(classes: number) {
    this.#inMask = new Uint8Array(classes);
    this.#done = new Uint8Array(classes);
    this.#spread = new Int32Array(classes);
    this.#touched = new Int32Array(classes);
  }

  /** Adds ports `m` for the sources `ids`; returns how many (open source, port) pairs were newly admitted. */
  spread(ids: Int32Array, m: number, isOpen: Uint8Array): number {
    const inMask = this.#inMask;
    const spread = this.#spread;
    let n = this.#spreadN;
    let counted = 0;
    for (let j = 0; j < ids.length; j++) {
      const s = ids[j];
      const old = inMask[s];
      const added = m & ~old;
      if (added === 0) continue;
      if (old === 0) spread[n++] = s;
      inMask[s] = old | added;
      if (isOpen[s] === 1) counted += popcount(added);
    }
    this.#spreadN = n;
    return counted;
  }

  addBig(bits: Uint32Array, m: number): void {
    this.#bigBits.push(bits);
    this.#bigMask.push(m);
  }

  /**
   * Sources allowed by one egress rule on ports `em`: those ingress admits (spread, big sets, or `everyone`'s
   * ports), each (source, port) counted once per row. Returns the new pairs.
   */
  visit(sources: Int32Array, em: number, everyone: number): number {
    const inMask = this.#inMask;
    const done = this.#done;
    const touched = this.#touched;
    const bigBits = this.#bigBits;
    const bigMask = this.#bigMask;
    const nb = bigBits.length;
    let n = this.#doneN;
    let counted = 0;
    for (let j = 0; j < sources.length; j++) {
      const s = sources[j];
      let have = inMask[s] | everyone;
      for (let b = 0; b < nb; b++) if ((bigBits[b][s >>> 5] >>> (s & 31)) & 1) have |= bigMask[b];
      const old = done[s];
      have &= em & ~old;
      if (have === 0) continue;
      if (old === 0) touched[n++] = s;
      done[s] = old | have;
      counted += popcount(have);
    }
    this.#doneN = n;
    return counted;
  }

  /** The row's allowed sources, read before `clear`. */
  view(everyone: number, isOpen: Uint8Array): RowView {
    return {
      everyone,
      forEach: (fn) => {
        const inMask = this.#inMask;
        const spread = this.#spread;
        // Open sources: what ingress admits beyond `everyone` (open members of big sets were spread too).
        for (let j = 0, n = this.#spreadN; j < n; j++) {
          const s = spread[j];
          const m = inMask[s] & ~everyone;
          if (m !== 0 && isOpen[s] === 1) fn(s, m);
        }
        // Isolated sources: what their egress rules and the destination's ingress both admit.
        const done = this.#done;
        const touched = this.#touched;
        for (let j = 0, n = this.#doneN; j < n; j++) fn(touched[j], done[touched[j]]);
      },
    };
  }

  /** Ends the row: clears what it touched. */
  clear(): void {
    const inMask = this.#inMask;
    const spread = this.#spread;
    for (let j = 0, n = this.#spreadN; j < n; j++) inMask[spread[j]] = 0;
    const done = this.#done;
    const touched = this.#touched;
    for (let j = 0, n = this.#doneN; j < n; j++) done[touched[j]] = 0;
    this.#spreadN = 0;
    this.#doneN = 0;
    this.#bigBits.length = 0;
    this.#bigMask.length = 0;
  }
}

/**
 * The allowed sources of one destination row over the current chunk of port classes: every open source (one no
 * egress policy isolates) on the ports of `everyone`, and each source `forEach` names on the ports of its mask
 * (disjoint from `everyone` for open sources; each source named once).
 */
export interface RowView {
  readonly everyone: number;
  forEach(fn: (source: number, mask: number) => void): void;
}

export function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
