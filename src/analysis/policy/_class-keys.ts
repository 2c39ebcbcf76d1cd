/**
 * The classes `buildClasses` has met, found by (namespace number, numeric class key): an open-addressing table in
 * typed arrays. A `Map<number, class>` per namespace held an entry per class (~100k at the random-label family,
 * ~4 MB of hash-table objects that lived through the walk's scavenges and so were copied into the old
 * generation, bringing V8's major collection of the model into the measured phases); the typed arrays here are
 * outside the object graph (design note 0008, seventeenth session).
 *
 * Keys are any non-negative integers below 2^53 (the class key is `(pair · 2 + hostNetwork) · codes + code`);
 * values are class numbers ≥ 0.
 */
export class ClassKeys {
  /** Per slot: the class number + 1, 0 when free; a power of two long, at most half full. */
  #slots = new Int32Array(1024);
  #namespaces = new Int32Array(1024);
  #keys = new Float64Array(1024);
  #size = 0;
  readonly #hash: (namespace: number, key: number) => number;

  /** `hash`: tests pass a constant one, so that only the comparison decides. */
  constructor(hash: (namespace: number, key: number) => number = slotHash) {
    this.#hash = hash;
  }

  /** The class number stored for (namespace, key), or -1. */
  get(namespace: number, key: number): number {
    const mask = this.#slots.length - 1;
    for (let s = this.#hash(namespace, key) & mask; ; s = (s + 1) & mask) {
      const v = this.#slots[s];
      if (v === 0) return -1;
      if (this.#keys[s] === key && this.#namespaces[s] === namespace) return v - 1;
    }
  }

  /** Stores `value` for (namespace, key), which must not be stored yet. */
  set(namespace: number, key: number, value: number): void {
    if (++this.#size * 2 > this.#slots.length) this.#grow();
    this.#put(namespace, key, value + 1);
  }

  #put(namespace: number, key: number, stored: number): void {
    const mask = this.#slots.length - 1;
    let s = this.#hash(namespace, key) & mask;
    while (this.#slots[s] !== 0) s = (s + 1) & mask;
    this.#slots[s] = stored;
    this.#namespaces[s] = namespace;
    this.#keys[s] = key;
  }

  #grow(): void {
    const slots = this.#slots;
    const namespaces = this.#namespaces;
    const keys = this.#keys;
    this.#slots = new Int32Array(slots.length * 2);
    this.#namespaces = new Int32Array(slots.length * 2);
    this.#keys = new Float64Array(slots.length * 2);
    for (let s = 0; s < slots.length; s++) if (slots[s] !== 0) this.#put(namespaces[s], keys[s], slots[s]);
  }
}

/** Mixes the namespace number and both 32-bit halves of the key (keys may pass 2^32). */
function slotHash(namespace: number, key: number): number {
  const lo = (key % 4294967296) | 0;
  const hi = (key / 4294967296) | 0;
  let h = Math.imul(namespace ^ 0x9e3779b9, 0x85ebca6b) ^ lo;
  h = Math.imul(h ^ (h >>> 15), 0xc2b2ae35) ^ hi;
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f);
  return h ^ (h >>> 16);
}
