import { everything, formatSelector, matches } from '../../lib/labels.ts';
import { dottedQuad, parseIP } from '../../lib/ip.ts';
import type { NetworkPolicy, PolicyPeer } from '../../model/types.ts';
import type { PodClass } from './_classes.ts';
import type { ClassIndex } from './_class-index.ts';
import { blockContains, type CompiledBlock } from './_ip-blocks.ts';
import { PeerKeys } from './_peer-keys.ts';
import type { RuleTable } from './_rule-table.ts';

/** Sets at least this large get a bitset for O(1) membership; smaller ones are searched (sorted ids). */
const DENSE_AT = 256;
const EMPTY = new Int32Array(0);

/**
 * The classes each NetworkPolicy peer selects, compiled once and shared by content: peers that repeat the same
 * selectors in the same namespace (or the same ipBlock) get one set id. Used by the full reachability (set
 * unions) and by `PolicyEngine.allows` (one membership test per peer instead of selector matching).
 *
 * Peer semantics are those of `peerMatches` (_peers.ts), lifted to classes: members of a class share every
 * label a selector reads, their namespace and their ipBlock segment. hostNetwork classes in `node` mode are
 * never selected by podSelector/namespaceSelector peers (policies see their node address).
 */
export class PeerSets {
  /** Set id → sorted class ids. */
  readonly sets: Int32Array[] = [];
  /**
   * Set id → sorted indices (into `namespaces`) of the namespaces its members live in. Read-only: the sets of one
   * namespace share one array (and empty sets one empty array).
   */
  readonly namespacesOf: Int32Array[] = [];
  /** Namespace index of every class. */
  readonly nsOf: Int32Array;
  readonly namespaces: readonly string[];
  readonly #byPeer = new Map<PolicyPeer, number>();
  readonly #dense: (Uint32Array | undefined)[] = [];
  readonly #classes: readonly PodClass[];
  readonly #index: ClassIndex;
  readonly #nsLabels: ReadonlyMap<string, Readonly<Record<string, string>>>;
  readonly #nsBySelector = new Map<string, string[]>();
  /** Per namespace index, the `namespacesOf` entry of the sets within it alone (made on the first such set). */
  readonly #oneNamespace: (Int32Array | undefined)[] = [];
  /** Every class address, sorted by family then value, for range lookups of ipBlocks (made on the first one). */
  #sortedAddresses?: ClassAddresses;
  /** Scratch of an ipBlock's members (made on the first one). */
  #found?: DistinctIds;
  readonly #addressesOf: (c: PodClass) => readonly string[];
  readonly #blockOf: (peer: PolicyPeer) => CompiledBlock | undefined;
  /** The compile's rule table, and per peer key its set id (-1: not asked yet). */
  readonly #rules: RuleTable;
  readonly #keySet: Int32Array;
  /**
   * Peers asked about as objects (`setOf`) by content: the table's keys first, in order (so a table key is its own
   * number here), then any other content, whose set is `#otherSet[key - table keys]`. Made on the first `setOf`.
   */
  #contents?: PeerKeys;
  readonly #otherSet: number[] = [];

  constructor(
    classes: readonly PodClass[],
    namespaces: ReadonlyMap<string, Readonly<Record<string, string>>>,
    index: ClassIndex,
    /** The addresses ipBlock peers see for a class (a hostNetwork class in `node` mode: its node's). */
    addressesOf: (c: PodClass) => readonly string[],
    blockOf: (peer: PolicyPeer) => CompiledBlock | undefined,
    rules: RuleTable,
  ) {
    this.#rules = rules;
    this.#keySet = new Int32Array(rules.keyPeer.length).fill(-1);
    this.#classes = classes;
    this.#nsLabels = namespaces;
    this.#blockOf = blockOf;
    this.#index = index;
    // Class ids run namespace by namespace (buildClasses): one lookup per run of a namespace, not per class.
    const seen = new Set(namespaces.keys());
    let prev: string | undefined;
    for (let i = 0; i < classes.length; i++)
      if (classes[i].namespace !== prev) seen.add((prev = classes[i].namespace));
    const names = [...seen].sort();
    this.namespaces = names;
    const nsIndex = new Map(names.map((n, i) => [n, i]));
    this.nsOf = new Int32Array(classes.length);
    prev = undefined;
    for (let i = 0, at = -1; i < classes.length; i++) {
      const c = classes[i];
      if (c.namespace !== prev) at = nsIndex.get((prev = c.namespace))!;
      this.nsOf[c.id] = at;
    }
    this.#addressesOf = addressesOf;
  }

  get #addresses(): ClassAddresses {
    this.#sortedAddresses ??= sortAddresses(this.#classes, this.#addressesOf);
    return this.#sortedAddresses;
  }

  /** The set id of a peer of a policy in namespace `ns`, remembered per peer object (for repeated questions). */
  idOf(peer: PolicyPeer, ns: string): number {
    let id = this.#byPeer.get(peer);
    if (id === undefined) this.#byPeer.set(peer, (id = this.setOf(peer, ns)));
    return id;
  }

  /**
   * The set id of a peer of a policy in namespace `ns`, by content only (`PeerKeys`): a peer with the content of a
   * rule table's key gets that key's set (`setOfKey`). For readers that ask about each peer once, which a per-peer
   * memo would only cost (a hash per peer object, set and got).
   */
  setOf(peer: PolicyPeer, ns: string): number {
    const block = peer.ipBlock ? this.#blockOf(peer) : undefined;
    const key = this.#contentKeys().id(peer, ns, block);
    const K = this.#keySet.length;
    if (key < K) return this.setOfKey(key);
    let id = this.#otherSet[key - K];
    if (id === undefined) this.#otherSet[key - K] = id = this.#newSet(peer, ns, block);
    return id;
  }

  /** `#contents`, made on first use: the rule table's keys interned in order, so each gets its own number. */
  #contentKeys(): PeerKeys {
    if (!this.#contents) {
      const rules = this.#rules;
      const keys = new PeerKeys();
      for (let k = 0; k < rules.keyPeer.length; k++) {
        const peer = rules.keyPeer[k];
        keys.id(peer, rules.keyNamespace[k], peer.ipBlock ? this.#blockOf(peer) : undefined);
      }
      this.#contents = keys;
    }
    return this.#contents;
  }

  /**
   * The set id of a rule table's peer key (`RuleTable.keys`, recorded by the compile): one `setOf` per key,
   * remembered, so readers of every rule ask by integer without touching the peers again.
   */
  setOfKey(key: number): number {
    const rules = this.#rules;
    let id = this.#keySet[key];
    if (id === -1) {
      const peer = rules.keyPeer[key];
      id = this.#newSet(peer, rules.keyNamespace[key], peer.ipBlock ? this.#blockOf(peer) : undefined);
      this.#keySet[key] = id;
    }
    return id;
  }

  /**
   * Selects the set of every rule-table key now (`setOfKey` for each), so that readers of every rule — the plan —
   * find them made; the benchmark times the selection as the peer sets' own phase.
   */
  selectAll(): void {
    for (let key = 0; key < this.#keySet.length; key++) this.setOfKey(key);
  }

  /** A new set: the classes a peer of a policy in `ns` selects, and their namespaces. */
  #newSet(peer: PolicyPeer, ns: string, block: CompiledBlock | undefined): number {
    const id = this.sets.length;
    const selected = this.#members(peer, ns, block);
    // Empty selections share one array (an empty intersection is a view of its own).
    const ids = selected.length ? selected : EMPTY;
    this.sets.push(ids);
    this.namespacesOf.push(namespacesIn(ids, this.nsOf, this.#oneNamespace));
    return id;
  }

  /** Set ids of a rule's peers (policy in `np`'s namespace), by content (`setOf`). */
  idsOf(peers: readonly PolicyPeer[], np: NetworkPolicy): Int32Array {
    const ids = new Int32Array(peers.length);
    for (let i = 0; i < peers.length; i++) ids[i] = this.setOf(peers[i], np.namespace);
    return ids;
  }

  /** Is class `c` in set `id`? A bit test for large sets, a binary search for small ones. */
  has(id: number, c: number): boolean {
    const ids = this.sets[id];
    if (ids.length >= DENSE_AT) {
      const d = this.dense(id);
      return ((d[c >>> 5] >>> (c & 31)) & 1) === 1;
    }
    let lo = 0;
    let hi = ids.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = ids[mid];
      if (v === c) return true;
      if (v < c) lo = mid + 1;
      else hi = mid - 1;
    }
    return false;
  }

  /** The set as a bitset over class ids (made once per set, on demand). */
  dense(id: number): Uint32Array {
    let d = this.#dense[id];
    if (!d) {
      d = new Uint32Array((this.#classes.length + 31) >>> 5);
      const ids = this.sets[id];
      for (let i = 0; i < ids.length; i++) d[ids[i] >>> 5] |= 1 << (ids[i] & 31);
      this.#dense[id] = d;
    }
    return d;
  }

  /**
   * The sorted, distinct class ids a peer selects. Written once into an array of its final size (the selection
   * is the reachability's first phase and ran on `number[]`s grown by push, a `Set` and a copy per peer: 71 MB of
   * garbage for 5.5 MB of sets at random-label 100k/50k; design note 0008, fourteenth session).
   */
  #members(peer: PolicyPeer, ns: string, block: CompiledBlock | undefined): Int32Array {
    if (peer.ipBlock) return block ? this.#blockMembers(block) : EMPTY;
    let namespaces = [ns];
    if (peer.namespaceSelector) {
      const nk = formatSelector(peer.namespaceSelector);
      let hit = this.#nsBySelector.get(nk);
      if (!hit) {
        hit = [...this.#nsLabels]
          .filter(([, labels]) => matches(peer.namespaceSelector!, labels))
          .map(([n]) => n);
        this.#nsBySelector.set(nk, hit);
      }
      namespaces = hit;
    }
    const selector = peer.podSelector ?? everything;
    if (namespaces.length === 1) return this.#index.select(namespaces[0], selector);
    // Each namespace's selection is sorted, and the classes of one namespace are one run of ids (buildClasses):
    // the runs ordered by their first id and laid end to end are the set, sorted without a sort.
    const parts: Int32Array[] = [];
    let size = 0;
    for (const n of namespaces) {
      const part = this.#index.select(n, selector);
      if (part.length === 0) continue;
      let at = parts.length;
      for (; at > 0 && parts[at - 1][0] > part[0]; at--) parts[at] = parts[at - 1];
      parts[at] = part;
      size += part.length;
    }
    if (parts.length === 1) return parts[0];
    const ids = new Int32Array(size);
    for (let i = 0, at = 0; i < parts.length; at += parts[i++].length) ids.set(parts[i], at);
    // Runs that interleave (not expected of buildClasses' ids) are sorted after all.
    for (let i = 1; i < size; i++) if (ids[i] <= ids[i - 1]) return ids.sort();
    return ids;
  }

  /**
   * The classes with an address an ipBlock holds, sorted, each once (a class may hold several addresses): found
   * in the sorted addresses, marked in a per-class array instead of a `Set`, written once at their final size.
   */
  #blockMembers(block: CompiledBlock): Int32Array {
    const { v4, v4Ids, rest } = this.#addresses;
    const found = (this.#found ??= new DistinctIds(this.#classes.length));
    if (block.cidr.family === 4) v4Members(block, v4, v4Ids, found);
    // The addresses inside the CIDR are one run of the sorted list; `except` is checked on that run only.
    const { family, base, prefix } = block.cidr;
    const end = base + (1n << BigInt((family === 4 ? 32 : 128) - prefix));
    let lo = 0;
    let hi = rest.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const a = rest[mid];
      if (a.family < family || (a.family === family && a.value < base)) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < rest.length && rest[i].family === family && rest[i].value < end; i++)
      if (blockContains(block, rest[i])) found.add(rest[i].id);
    return found.take();
  }
}

/** A scratch list of distinct class ids, marked per class instead of kept in a `Set`. */
export class DistinctIds {
  readonly #ids: Int32Array;
  readonly #seen: Uint8Array;
  #n = 0;

  constructor(classes: number) {
    this.#ids = new Int32Array(classes);
    this.#seen = new Uint8Array(classes);
  }

  /** Adds class `id` unless added since the last `take`. */
  add(id: number): void {
    if (this.#seen[id] === 1) return;
    this.#seen[id] = 1;
    this.#ids[this.#n++] = id;
  }

  /** The ids added since the last `take`, sorted, in a new array; the scratch is empty again. */
  take(): Int32Array {
    const ids = this.#ids;
    const seen = this.#seen;
    for (let i = 0; i < this.#n; i++) seen[ids[i]] = 0;
    const out = ids.slice(0, this.#n).sort();
    this.#n = 0;
    return out;
  }
}

/**
 * The sorted namespace indices (`nsOf`) of a sorted class list's members, counted then filled. No namespace and
 * one namespace (most sets: 21,115 of 21,629 at random-label 100k/50k) are shared arrays, `EMPTY` and
 * `oneNamespace[n]`: an `Int32Array` of its own is ~210 bytes of heap, 4.4 MB of the peer sets' 7.4 there, taken
 * into the old generation before V8's major collection of the model could start (design note 0008, eighteenth
 * session).
 */
function namespacesIn(
  ids: Int32Array,
  nsOf: Int32Array,
  oneNamespace: (Int32Array | undefined)[],
): Int32Array {
  // Class ids run namespace by namespace (buildClasses), so a sorted set meets its namespaces in runs.
  let runs = 0;
  for (let i = 0, last = -1; i < ids.length; i++)
    if (nsOf[ids[i]] !== last) {
      last = nsOf[ids[i]];
      runs++;
    }
  if (runs === 0) return EMPTY;
  if (runs === 1) return (oneNamespace[nsOf[ids[0]]] ??= Int32Array.of(nsOf[ids[0]]));
  const out = new Int32Array(runs);
  let ascending = true;
  for (let i = 0, at = 0, last = -1; i < ids.length; i++)
    if (nsOf[ids[i]] !== last) {
      last = nsOf[ids[i]];
      if (at > 0 && last <= out[at - 1]) ascending = false;
      out[at++] = last;
    }
  return ascending ? out : new Int32Array([...new Set(out)]).sort();
}

/**
 * Every class address, sorted by family, then value, then class id: IPv4 ones as numbers in typed arrays (`v4`,
 * `v4Ids`), so an ipBlock is looked up by a binary search over numbers without a bigint per address; the rest
 * (IPv6, and IPv4 when value × (classes + 1) + id would pass 2^53) as bigints in `rest`, IPv4 before IPv6.
 */
export interface ClassAddresses {
  readonly v4: Float64Array;
  readonly v4Ids: Int32Array;
  readonly rest: readonly { readonly family: 4 | 6; readonly value: bigint; readonly id: number }[];
}

/**
 * Every class address (`addressesOf`), sorted (`ClassAddresses`). IPv4 addresses are read as numbers and sorted
 * as one number each (value × M + id, exact below 2^53), without a bigint per comparison.
 */
export function sortAddresses(
  classes: readonly PodClass[],
  addressesOf: (c: PodClass) => readonly string[],
): ClassAddresses {
  const M = classes.length + 1;
  const numeric = 2 ** 32 * M <= Number.MAX_SAFE_INTEGER;
  const keys: number[] = [];
  const rest: { family: 4 | 6; value: bigint; id: number }[] = [];
  for (let i = 0; i < classes.length; i++) {
    const c = classes[i];
    const texts = addressesOf(c);
    for (let j = 0; j < texts.length; j++) {
      const q = dottedQuad(texts[j]);
      if (q !== undefined && numeric) keys.push(q * M + c.id);
      else {
        const ip = parseIP(texts[j]);
        if (ip) rest.push({ family: ip.family, value: ip.value, id: c.id });
      }
    }
  }
  const v4 = Float64Array.from(keys).sort();
  const v4Ids = new Int32Array(v4.length);
  for (let i = 0; i < v4.length; i++) {
    const value = Math.floor(v4[i] / M);
    v4Ids[i] = v4[i] - value * M;
    v4[i] = value;
  }
  rest.sort((a, b) => a.family - b.family || (a.value < b.value ? -1 : a.value > b.value ? 1 : a.id - b.id));
  return { v4, v4Ids, rest };
}

/**
 * Adds to `out`, in address order, the class ids of the IPv4 addresses `v4` (ascending, `ids` beside them) an IPv4
 * ipBlock holds: inside its CIDR and outside every `except` block, as `blockContains` decides
 * (https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#IPBlock), in numbers: the
 * CIDR's addresses are one run of the list, found by binary search.
 */
export function v4Members(
  block: CompiledBlock,
  v4: Float64Array,
  ids: Int32Array,
  out: { add(id: number): void },
): void {
  const [base, end] = v4Range(block.cidr);
  const except = block.except.map(v4Range);
  let lo = 0;
  let hi = v4.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v4[mid] < base) lo = mid + 1;
    else hi = mid;
  }
  next: for (let i = lo; i < v4.length && v4[i] < end; i++) {
    for (let x = 0; x < except.length; x++) if (v4[i] >= except[x][0] && v4[i] < except[x][1]) continue next;
    out.add(ids[i]);
  }
}

/** An IPv4 CIDR's first address and the one past its last, as numbers. */
function v4Range(c: CompiledBlock['cidr']): [number, number] {
  const base = Number(c.base);
  return [base, base + 2 ** (32 - c.prefix)];
}
