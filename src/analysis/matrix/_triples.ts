/** Growable (source, destination, mask) triples, sorted by source at the end (counting sort, stable). */
export class Triples {
  #s = new Int32Array(1024);
  #d = new Int32Array(1024);
  #m = new Uint8Array(1024);
  #n = 0;

  push(s: number, d: number, m: number): void {
    if (this.#n === this.#s.length) {
      const grow = <T extends Int32Array | Uint8Array>(a: T, b: T) => (b.set(a), b);
      this.#s = grow(this.#s, new Int32Array(this.#n * 2));
      this.#d = grow(this.#d, new Int32Array(this.#n * 2));
      this.#m = grow(this.#m, new Uint8Array(this.#n * 2));
    }
    this.#s[this.#n] = s;
    this.#d[this.#n] = d;
    this.#m[this.#n++] = m;
  }

  /**
   * CSR by source, destinations ascending within a source (`ClassVerdicts.allowed` searches them): kept in push
   * order when they were pushed ascending, else that source's run is sorted.
   */
  bySource(C: number): { start: Int32Array; dest: Int32Array; mask: Uint8Array } {
    const n = this.#n;
    const start = new Int32Array(C + 1);
    for (let j = 0; j < n; j++) start[this.#s[j] + 1]++;
    for (let c = 0; c < C; c++) start[c + 1] += start[c];
    const fill = start.slice(0, C);
    const dest = new Int32Array(n);
    const mask = new Uint8Array(n);
    for (let j = 0; j < n; j++) {
      const at = fill[this.#s[j]]++;
      dest[at] = this.#d[j];
      mask[at] = this.#m[j];
    }
    for (let c = 0; c < C; c++) {
      const lo = start[c];
      const hi = start[c + 1];
      let sorted = true;
      for (let j = lo + 1; j < hi && sorted; j++) sorted = dest[j - 1] < dest[j];
      if (sorted) continue;
      const order = Array.from({ length: hi - lo }, (_, j) => lo + j).sort((a, b) => dest[a] - dest[b]);
      const d = order.map((j) => dest[j]);
      const m = order.map((j) => mask[j]);
      dest.set(d, lo);
      mask.set(m, lo);
    }
    return { start, dest, mask };
  }
}
