import type { Selector } from '../../lib/labels.ts';
import type { PolicyPeer } from '../../model/types.ts';
import type { CompiledBlock } from './_ip-blocks.ts';

/** A content hash of a peer's key fields (`PeerKeys`); tests pass a constant one, so that only the comparison decides. */
export type PeerHash = (
  hasBlock: boolean,
  namespaceSelector: Selector | undefined,
  podSelector: Selector | undefined,
  ns: string,
  blockKey: string,
) => number;

/**
 * NetworkPolicy peers numbered by content, in first-use order: two peers get one key exactly when they have the
 * same ipBlock (by its compiled key), or the same namespace selector (or, without one, the policy's namespace)
 * and pod selector, requirements in the same order — all a peer's selection reads
 * (https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicyPeer), so
 * `PeerSets` selects once per key. Per key it keeps its first peer and that peer's policy namespace.
 *
 * A key is its number only: found by a content hash in an open-addressing table of integers (`Int32Array`s, off
 * the JS heap), its candidates compared field by field with the key's first peer. Keys were strings (the
 * selectors' requirements written out) in a `Map`: at random-label 100k/50k 21,629 of them, 4.5 MB of strings the
 * engine kept, plus a `Map` and a fields object per key, which the old generation took in before V8's major
 * collection of the model could start (design note 0008, eighteenth session).
 */
export class PeerKeys {
  /** Per key: its first peer, and that peer's policy namespace. */
  readonly keyPeer: PolicyPeer[] = [];
  readonly keyNamespace: string[] = [];
  /** Per ipBlock key: its block's compiled key (`''`: an ipBlock that does not compile). */
  readonly #blockKey = new Map<number, string>();
  readonly #hash: PeerHash;
  /** Slots of the table: key + 1, 0 when free; a power of two long, at most half full. */
  #slots = new Int32Array(1024);
  /** Per key: its content hash. */
  #hashes = new Int32Array(512);

  /** `hash`: the content hash (tests pass a constant one, so that every lookup compares fields). */
  constructor(hash: PeerHash = hashFields) {
    this.#hash = hash;
  }

  /** How many keys were met: keys run from 0 to `size - 1`. */
  get size(): number {
    return this.keyPeer.length;
  }

  /** The key of a peer of a policy in `ns` (`block`: its compiled ipBlock), a new one on first use. */
  id(peer: PolicyPeer, ns: string, block: CompiledBlock | undefined): number {
    return this.idOfFields(!!peer.ipBlock, peer.namespaceSelector, peer.podSelector, ns, block, peer);
  }

  /**
   * `id` from the peer's fields, read once by the caller (the compile's walk reads a peer's `podSelector` and
   * `ipBlock` anyway, and every read of a model object's field is a lookup by its shape: design note 0008, twelfth
   * session). `hasBlock`, `namespaceSelector` and `podSelector` must be `peer`'s own.
   */
  idOfFields(
    hasBlock: boolean,
    namespaceSelector: Selector | undefined,
    podSelector: Selector | undefined,
    ns: string,
    block: CompiledBlock | undefined,
    peer: PolicyPeer,
  ): number {
    // The fields a key is made of: an ipBlock key reads no selector and no namespace.
    const nsSel = hasBlock ? undefined : namespaceSelector;
    const podSel = hasBlock ? undefined : podSelector;
    const nsPart = hasBlock || namespaceSelector ? '' : ns;
    const blockKey = hasBlock ? (block?.key ?? '') : '';
    const h = this.#hash(hasBlock, nsSel, podSel, nsPart, blockKey) | 0;
    const mask = this.#slots.length - 1;
    for (let at = h & mask; ; at = (at + 1) & mask) {
      const slot = this.#slots[at];
      if (slot === 0) {
        const id = this.#insert(h, peer, ns, hasBlock ? blockKey : undefined);
        this.#slots[at] = id + 1;
        if (id * 2 + 2 > this.#slots.length) this.#grow();
        return id;
      }
      const id = slot - 1;
      if (this.#hashes[id] === h && this.#same(id, hasBlock, nsSel, podSel, nsPart, blockKey)) return id;
    }
  }

  /** Records a new key (its first peer, namespace, hash and, for an ipBlock, its block's key); returns it. */
  #insert(h: number, peer: PolicyPeer, ns: string, blockKey: string | undefined): number {
    const id = this.keyPeer.length;
    this.keyPeer.push(peer);
    this.keyNamespace.push(ns);
    if (blockKey !== undefined) this.#blockKey.set(id, blockKey);
    if (id === this.#hashes.length) {
      const hashes = new Int32Array(id * 2);
      hashes.set(this.#hashes);
      this.#hashes = hashes;
    }
    this.#hashes[id] = h;
    return id;
  }

  /** Doubles the table and places every key again by its stored hash. */
  #grow(): void {
    const slots = new Int32Array(this.#slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.keyPeer.length; id++) {
      let at = this.#hashes[id] & mask;
      while (slots[at] !== 0) at = (at + 1) & mask;
      slots[at] = id + 1;
    }
    this.#slots = slots;
  }

  /** Does key `id` have these fields? Its own are read from its first peer (and, for an ipBlock, its block key). */
  #same(
    id: number,
    hasBlock: boolean,
    namespaceSelector: Selector | undefined,
    podSelector: Selector | undefined,
    ns: string,
    blockKey: string,
  ): boolean {
    const stored = this.#blockKey.get(id);
    if (hasBlock || stored !== undefined) return hasBlock && stored === blockKey;
    const peer = this.keyPeer[id];
    const nsSel = peer.namespaceSelector;
    return (
      (nsSel ? '' : this.keyNamespace[id]) === ns &&
      sameSelector(nsSel, namespaceSelector) &&
      sameSelector(peer.podSelector, podSelector)
    );
  }
}

/** Equal as a selection sees them: both absent, both `nothing`, or the same requirements in the same order. */
function sameSelector(a: Selector | undefined, b: Selector | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  if (a.nothing || b.nothing) return !!a.nothing && !!b.nothing;
  const ra = a.requirements;
  const rb = b.requirements;
  if (ra.length !== rb.length) return false;
  for (let i = 0; i < ra.length; i++) {
    const x = ra[i];
    const y = rb[i];
    if (x.key !== y.key || x.operator !== y.operator || x.values.length !== y.values.length) return false;
    for (let j = 0; j < x.values.length; j++) if (x.values[j] !== y.values[j]) return false;
  }
  return true;
}

/** A number from every string `PeerKeys` compares (equal fields, equal hash). */
function hashFields(
  hasBlock: boolean,
  namespaceSelector: Selector | undefined,
  podSelector: Selector | undefined,
  ns: string,
  blockKey: string,
): number {
  let h = hasBlock ? 0x2b : 0x11;
  h = hashString(h, ns);
  h = hashString(h, blockKey);
  h = hashSelector(h, namespaceSelector);
  h = hashSelector(h, podSelector);
  return h ^ (h >>> 16);
}

function hashSelector(h: number, s: Selector | undefined): number {
  if (!s) return Math.imul(h ^ 0x5f, 0x01000193);
  if (s.nothing) return Math.imul(h ^ 0x3d, 0x01000193);
  const reqs = s.requirements;
  for (let i = 0; i < reqs.length; i++) {
    const r = reqs[i];
    h = hashString(hashString(h, r.key), r.operator);
    for (let j = 0; j < r.values.length; j++) h = hashString(h, r.values[j]);
    h = Math.imul(h ^ 0x7c, 0x01000193);
  }
  return h;
}

/** FNV-1a over the string's UTF-16 code units, then its length (so `ab` + `c` and `a` + `bc` differ). */
function hashString(h: number, s: string): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return Math.imul(h ^ s.length, 0x01000193);
}
