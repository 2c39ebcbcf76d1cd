/**
 * Stable stand-ins for the random parts of names Kubernetes generates (ReplicaSet pod-template-hash,
 * pod suffixes, EndpointSlice names). Same input, same name: the model stays byte-identical between runs.
 */

/** FNV-1a, 32 bits: the hash Kubernetes uses for pod-template-hash (there over a deep print of the template). */
export function fnv32a(text: string, from = 0x811c9dc5): number {
  let h = from;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

// apimachinery's rand.SafeEncodeString alphabet: no vowels, no confusable characters.
const alphabet = 'bcdfghjklmnpqrstvwxz2456789';

/** Encodes a number with the safe alphabet to `length` characters. */
export function safeEncode(n: number, length: number): string {
  let out = '';
  let v = n >>> 0;
  for (let i = 0; i < length; i++) {
    // The remainder as `v - q * 27`: `v % 27` of a `v` past 2^31 (not a small integer) is a floating-point
    // modulo, a call out of the optimised code; six per pod name (design note 0006, Decision 16).
    const q = Math.floor(v / alphabet.length);
    out += alphabet[v - q * alphabet.length];
    v = (q ^ fnv32aDecimal(v + i)) >>> 0;
  }
  return out;
}

const digits = new Uint8Array(16);

/** `fnv32a(String(n))` for a non-negative integer below 2^53, without making the string (a pod name costs five). */
export function fnv32aDecimal(n: number, from = 0x811c9dc5): number {
  let count = 0;
  // Digits by division and subtraction, in floating point down to 2^30, then in small integers (`% 10` of a
  // number past 2^31 is a floating-point modulo; the values hashed are mostly up to 2^32).
  while (n >= 0x40000000) {
    const q = Math.floor(n / 10);
    digits[count++] = 48 + (n - q * 10);
    n = q;
  }
  let m = n | 0;
  do {
    const q = (m / 10) | 0;
    digits[count++] = 48 + (m - q * 10);
    m = q;
  } while (m > 0);
  let h = from;
  while (count > 0) {
    h ^= digits[--count];
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** A 5-character suffix like the API server's generateName suffix, derived from `seed`. */
export function stableSuffix(seed: string): string {
  return safeEncode(fnv32a(seed), 5);
}

/**
 * `stableSuffix(prefix + String(n))` for the `n`th name of a series (`<rs>/0`, `<rs>/1`, ...): FNV-1a runs left to
 * right, so the prefix is hashed once (`fnv32a(prefix)`, passed as `prefixHash`) and only the digits per name.
 */
export function stableSuffixAt(prefixHash: number, n: number): string {
  return safeEncode(fnv32aDecimal(n, prefixHash), 5);
}

/** A pod-template-hash-like string of 10 characters, as Kubernetes prints them. */
export function templateHash(seed: string): string {
  return safeEncode(fnv32a(seed), 10);
}
