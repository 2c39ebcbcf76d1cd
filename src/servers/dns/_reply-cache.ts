/**
 * The server's reply cache, bounded as CoreDNS's `cache` plugin bounds its own: two stores, positive answers
 * (`success`) and denials (NXDOMAIN, NOERROR without data: `denial`), each holding at most CAPACITY replies
 * (default 9984), each reply kept for the message's smallest TTL, held between the plugin's MINTTL and its TTL cap.
 * When a store is full the oldest entry goes (CoreDNS evicts one at random; either way the size stays bounded).
 * https://coredns.io/plugins/cache/
 *
 * Entries are wire bytes, not objects: one Buffer per reply, its first 4 octets the expiry (seconds on the
 * server's clock) and the rest the reply as first sent; a hit is sent as the query's ID plus that reply past its ID.
 * Answers do not change while an answerer serves, so a hit is byte-for-byte the reply a miss would compute (TTLs
 * are not counted down as CoreDNS's cache does; the model's answers are static).
 */
import type { CacheConfig } from '../../analysis/corefile/index.ts';

/** CoreDNS's default capacity of each store. https://coredns.io/plugins/cache/ */
export const defaultCapacity = 9984;

/** The bounds of the cache: the Corefile's `cache` plugin, else CoreDNS's defaults for a bare `cache`. */
export interface ReplyCacheBounds {
  readonly successCapacity: number;
  readonly denialCapacity: number;
  readonly successTTL: number;
  readonly denialTTL: number;
  readonly successMinTTL: number;
  readonly denialMinTTL: number;
}

export function cacheBounds(c: CacheConfig | undefined): ReplyCacheBounds {
  return {
    successCapacity: c?.successCapacity ?? defaultCapacity,
    denialCapacity: c?.denialCapacity ?? defaultCapacity,
    successTTL: c?.successTTL ?? 3600,
    denialTTL: c?.denialTTL ?? 1800,
    successMinTTL: c?.successMinTTL ?? 5,
    denialMinTTL: c?.denialMinTTL ?? 5,
  };
}

export class ReplyCache {
  readonly #bounds: ReplyCacheBounds;
  readonly #success = new Map<string, Buffer>();
  readonly #denial = new Map<string, Buffer>();
  readonly #now: () => number;

  /** `now` is the clock in seconds (a parameter so tests can move time). */
  constructor(bounds: ReplyCacheBounds, now: () => number = () => Math.floor(performance.now() / 1000)) {
    this.#bounds = bounds;
    this.#now = now;
  }

  get size(): number {
    return this.#success.size + this.#denial.size;
  }

  /** The cached entry for `key` (expiry, then the reply), or undefined when absent or expired. */
  get(key: string): Buffer | undefined {
    let store = this.#success;
    let entry = store.get(key);
    if (!entry) {
      store = this.#denial;
      entry = store.get(key);
      if (!entry) return undefined;
    }
    if (entry.readUInt32BE(0) > this.#now()) return entry;
    store.delete(key);
    return undefined;
  }

  /** Keeps `reply` for `ttl` seconds (the message's smallest TTL), within the store's bounds. */
  set(key: string, reply: Buffer, ttl: number, denial: boolean): void {
    const b = this.#bounds;
    const [store, capacity, lo, hi] = denial
      ? [this.#denial, b.denialCapacity, b.denialMinTTL, b.denialTTL]
      : [this.#success, b.successCapacity, b.successMinTTL, b.successTTL];
    const keep = Math.min(hi, Math.max(lo, ttl));
    if (capacity <= 0 || keep <= 0) return;
    if (!store.has(key) && store.size >= capacity) store.delete(store.keys().next().value!);
    // Its own allocation, not a slice of Node's shared 8 KB pool: one long-lived slice would keep a whole pool slab
    // resident after its neighbours are evicted.
    const entry = Buffer.allocUnsafeSlow(4 + reply.length);
    entry.writeUInt32BE(this.#now() + keep, 0);
    reply.copy(entry, 4);
    store.set(key, entry);
  }
}
