/**
 * The server's reply cache, bounded as CoreDNS's `cache` plugin bounds its own: two stores, positive answers
 * (`success`) and denials (NXDOMAIN, NOERROR without data: `denial`), each holding at most CAPACITY replies
 * (default 9984), each reply kept for the message's smallest TTL, held between the plugin's MINTTL and its TTL cap.
 * When a store is full a random entry goes, as in CoreDNS (whose cache is a sharded map that evicts an arbitrary
 * entry; a loop over more names than CAPACITY then still hits most of the time, where evicting the oldest would
 * miss every time). https://coredns.io/plugins/cache/
 *
 * Entries are wire bytes, not objects: one Buffer per reply, its first 4 octets the expiry (seconds on the
 * server's clock), the next 4 its place in the store's key list (for eviction in constant time) and the rest the
 * reply as first sent; a hit is sent as the query's ID plus that reply past its ID.
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

/** One store: replies by key, and the keys in a list to pick a random one from. */
class Store {
  readonly map = new Map<string, Buffer>();
  readonly keys: string[] = [];

  delete(key: string): void {
    const entry = this.map.get(key);
    if (!entry) return;
    this.map.delete(key);
    const slot = entry.readUInt32BE(4);
    const last = this.keys.pop()!;
    if (last !== key) {
      this.keys[slot] = last;
      this.map.get(last)!.writeUInt32BE(slot, 4);
    }
  }
}

/** Header octets of an entry before the reply: expiry, then the key's slot. */
const entryHeader = 8;

export class ReplyCache {
  readonly #bounds: ReplyCacheBounds;
  readonly #success = new Store();
  readonly #denial = new Store();
  readonly #now: () => number;
  #random = 0x9e3779b9;

  /** `now` is the clock in seconds (a parameter so tests can move time). */
  constructor(bounds: ReplyCacheBounds, now: () => number = () => Math.floor(performance.now() / 1000)) {
    this.#bounds = bounds;
    this.#now = now;
  }

  get size(): number {
    return this.#success.map.size + this.#denial.map.size;
  }

  /** The cached reply for `key` from its third octet on (past the ID), or undefined when absent or expired. */
  get(key: string): Buffer | undefined {
    let store = this.#success;
    let entry = store.map.get(key);
    if (!entry) {
      store = this.#denial;
      entry = store.map.get(key);
      if (!entry) return undefined;
    }
    if (entry.readUInt32BE(0) > this.#now()) return entry.subarray(entryHeader + 2);
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
    store.delete(key);
    if (store.keys.length >= capacity) store.delete(store.keys[this.#next() % store.keys.length]);
    // Its own allocation, not a slice of Node's shared 8 KB pool: one long-lived slice would keep a whole pool slab
    // resident after its neighbours are evicted.
    const entry = Buffer.allocUnsafeSlow(entryHeader + reply.length);
    entry.writeUInt32BE(this.#now() + keep, 0);
    entry.writeUInt32BE(store.keys.length, 4);
    reply.copy(entry, entryHeader);
    store.keys.push(key);
    store.map.set(key, entry);
  }

  /** xorshift32: a fixed sequence, so a run can be replayed. */
  #next(): number {
    let x = this.#random;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (this.#random = x >>> 0);
  }
}
