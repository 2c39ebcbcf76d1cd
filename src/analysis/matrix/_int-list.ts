/**
 * A growable list of 32-bit integers in a typed array: lists of millions of ids (the plan's peer and source
 * lists) grow by doubling outside the JS heap instead of as JS arrays the collector copies and scans.
 */
export class IntList {
  #items = new Int32Array(1024);
  length = 0;

  push(x: number): void {
    if (this.length === this.#items.length) {
      const grown = new Int32Array(2 * this.length);
      grown.set(this.#items);
      this.#items = grown;
    }
    this.#items[this.length++] = x;
  }

  /** The items so far (a view: valid until the next push). */
  view(): Int32Array {
    return this.#items.subarray(0, this.length);
  }
}
