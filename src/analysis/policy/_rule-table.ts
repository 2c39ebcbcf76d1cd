import type { Selector } from '../../lib/labels.ts';
import type { NetworkPolicy, PolicyPeer, PolicyPort, PolicyRule, Protocol } from '../../model/types.ts';
import type { CompiledBlock } from './_ip-blocks.ts';

/**
 * Every NetworkPolicy rule as flat arrays, laid out by the compile's one walk of the policies (`walkPolicies`,
 * `_policy-walk.ts`) so that readers of every rule — the reachability plan (`src/analysis/matrix/_reach-plan.ts`)
 * — read integers instead of walking the policy objects again (design note 0008, ninth and eleventh sessions).
 * `recordRules` is its definition, one policy at a time. Rules are numbered policy by
 * policy, each policy's ingress rules then its egress rules, in the model's order. Lists are compressed rows:
 * `xStart[r]..xStart[r + 1]` indexes `x`.
 *
 * Peers are recorded by content key (`peerKey`: the same selectors in the same namespace, or the same ipBlock),
 * which `PeerSets.setOfKey` turns into a set id once per key; numeric ports by (protocol, port, endPort) and
 * named ports by (name, protocol), each interned once.
 */
export interface RuleTable {
  /** Per policy i: ingress rules `policyStart[i]..egressStart[i]`, egress rules `egressStart[i]..policyStart[i + 1]`. */
  readonly policyStart: Int32Array;
  readonly egressStart: Int32Array;
  /** Per rule: 1 when `ports` is `all` / `peers` is `all`. */
  readonly allPorts: Uint8Array;
  readonly allPeers: Uint8Array;
  /** Per rule: its peers' content keys (indices into `keys`). */
  readonly peerStart: Int32Array;
  readonly peerKeys: Int32Array;
  /** Per rule: its numeric (or port-less) port specs (indices into `specs`). */
  readonly specStart: Int32Array;
  readonly specIds: Int32Array;
  /** Per rule: its named ports (indices into `named`). */
  readonly namedStart: Int32Array;
  readonly namedIds: Int32Array;
  /** Per peer key: the key, and one peer with that content and its policy's namespace. */
  readonly keys: readonly string[];
  readonly keyPeer: readonly PolicyPeer[];
  readonly keyNamespace: readonly string[];
  /** Per numeric spec: one port with that content (`port` a number or undefined). */
  readonly specs: readonly PolicyPort[];
  /** Per named port: its name and protocol. */
  readonly named: readonly { readonly name: string; readonly protocol: Protocol }[];
}

/**
 * A peer's content key: equal for peers with the same ipBlock (by its compiled key), or the same namespace
 * selector (or, without one, the policy's namespace) and pod selector, requirements in the same order.
 */
export function peerKey(peer: PolicyPeer, ns: string, block: CompiledBlock | undefined): string {
  return peerKeyOf(!!peer.ipBlock, peer.namespaceSelector, peer.podSelector, ns, block);
}

/**
 * `peerKey` from the peer's fields, read once by the caller: the compile's walk reads a peer's `podSelector` and
 * `ipBlock` anyway, and every read of a model object's field is a lookup by its shape (the walk met each field
 * two or three times per peer; design note 0008, twelfth session).
 */
export function peerKeyOf(
  hasBlock: boolean,
  namespaceSelector: Selector | undefined,
  podSelector: Selector | undefined,
  ns: string,
  block: CompiledBlock | undefined,
): string {
  if (hasBlock) return `b:${block?.key ?? ''}`;
  return `${namespaceSelector ? `s:${selectorKey(namespaceSelector)}` : `n:${ns}`}|${podSelector ? selectorKey(podSelector) : '*'}`;
}

/**
 * A selector as a map key: equal for selectors with the same requirements in the same order (as
 * `formatSelector`, which it replaces here: one string, no intermediate array per requirement).
 */
function selectorKey(selector: Selector): string {
  if (selector.nothing) return '\u0000';
  let key = '';
  const reqs = selector.requirements;
  for (let i = 0; i < reqs.length; i++) {
    const r = reqs[i];
    key += `${r.key}\u0001${r.operator}\u0001`;
    for (let j = 0; j < r.values.length; j++) key += `${r.values[j]}\u0002`;
    key += '\u0003';
  }
  return key;
}

/**
 * What a peer's key is made of (`peerKeyOf`): its ipBlock's compiled key, or its namespace selector (else the
 * policy's namespace) and pod selector. Fields a key does not read are left empty, so equal keys' fields compare
 * equal.
 */
interface PeerFields {
  readonly hasBlock: boolean;
  readonly namespaceSelector: Selector | undefined;
  readonly podSelector: Selector | undefined;
  readonly ns: string;
  readonly blockKey: string;
}

/** Same content: every field `peerKeyOf` reads is equal (selectors by requirements, in order), so the keys are. */
function sameContent(
  a: PeerFields,
  hasBlock: boolean,
  namespaceSelector: Selector | undefined,
  podSelector: Selector | undefined,
  ns: string,
  blockKey: string,
): boolean {
  return (
    a.hasBlock === hasBlock &&
    a.ns === ns &&
    a.blockKey === blockKey &&
    sameSelector(a.namespaceSelector, namespaceSelector) &&
    sameSelector(a.podSelector, podSelector)
  );
}

/** Equal as `selectorKey` sees them: both absent, both `nothing`, or the same requirements in the same order. */
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

/** A number from every string `sameContent` compares (equal fields, equal hash), kept a small integer (Smi). */
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
  return h & 0x3fffffff;
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

const PROTOCOLS: Record<Protocol, number> = { TCP: 0, UDP: 1, SCTP: 2 };

/** An integer in 0–65535 (a module function: a closure per call costs a name per call under tsx). */
function isPort(x: number): boolean {
  return Number.isInteger(x) && x >= 0 && x <= 65535;
}

/**
 * A numeric or port-less port spec's content as a number, `(first * 65537 + last) * 3 + protocol`, for integer
 * ports in 0–65535 (port-less: first = last = 65536, which no such port is); anything else as a string.
 */
function specKey(pp: PolicyPort): number | string {
  const first = pp.port === undefined ? 65536 : (pp.port as number);
  const last = pp.port === undefined ? 65536 : (pp.endPort ?? first);
  const protocol = PROTOCOLS[pp.protocol] as number | undefined;
  if (protocol !== undefined && (pp.port === undefined || (isPort(first) && isPort(last))))
    return (first * 65537 + last) * 3 + protocol;
  return `${pp.protocol}:${pp.port}:${pp.endPort}`;
}

/**
 * Peer keys interned in first-use order (`peerKey`): per key one peer with that content and its policy's
 * namespace, as `PeerSets.setOfKey` selects it.
 *
 * Most peers repeat a key met before (realistic 150k: 32,800 peers, 501 keys), so `idOfFields` first looks for a
 * key whose first peer has the same content — a number hashed from the strings' characters, then the fields
 * compared — and builds the key string only when none has. The strings were a quarter of the compile's
 * allocation (~330 bytes per peer in intermediate strings; design note 0008, thirteenth session).
 */
export class PeerKeys {
  readonly #index = new Map<string, number>();
  /** Content hash → the ids of keys whose first peer has that hash (one id, or several on a collision). */
  readonly #byHash = new Map<number, number | number[]>();
  /** Per id: the fields its first peer was interned with (what `sameContent` compares). */
  readonly #fields: PeerFields[] = [];
  readonly keys: string[] = [];
  readonly keyPeer: PolicyPeer[] = [];
  readonly keyNamespace: string[] = [];
  readonly #hash: typeof hashFields;

  /** `hash`: the content hash (tests pass a constant one, so that every lookup compares fields). */
  constructor(hash: typeof hashFields = hashFields) {
    this.#hash = hash;
  }

  /** The key id of a peer of a policy in `ns`. */
  id(peer: PolicyPeer, ns: string, block: CompiledBlock | undefined): number {
    return this.idOfFields(!!peer.ipBlock, peer.namespaceSelector, peer.podSelector, ns, block, peer);
  }

  /**
   * The key id of a peer of a policy in `ns` from its fields, read once by the caller (`peerKeyOf`'s arguments):
   * the id of `peerKeyOf(…)`. A key whose first peer has the same content is found without building the string;
   * same content gives the same key string, so the id is the string's either way.
   */
  idOfFields(
    hasBlock: boolean,
    namespaceSelector: Selector | undefined,
    podSelector: Selector | undefined,
    ns: string,
    block: CompiledBlock | undefined,
    peer: PolicyPeer,
  ): number {
    // The fields a key reads (`PeerFields`); an object is made only for a new key.
    const nsSel = hasBlock ? undefined : namespaceSelector;
    const podSel = hasBlock ? undefined : podSelector;
    const nsPart = hasBlock || namespaceSelector ? '' : ns;
    const blockKey = hasBlock ? (block?.key ?? '') : '';
    const h = this.#hash(hasBlock, nsSel, podSel, nsPart, blockKey);
    const found = this.#byHash.get(h);
    if (typeof found === 'number') {
      if (sameContent(this.#fields[found], hasBlock, nsSel, podSel, nsPart, blockKey)) return found;
    } else if (found)
      for (const id of found)
        if (sameContent(this.#fields[id], hasBlock, nsSel, podSel, nsPart, blockKey)) return id;
    const id = this.idOf(peerKeyOf(hasBlock, namespaceSelector, podSelector, ns, block), peer, ns);
    // A new key, or (selectors whose values hold the key's separators) a string met under other content.
    this.#fields[id] ??= { hasBlock, namespaceSelector: nsSel, podSelector: podSel, ns: nsPart, blockKey };
    if (found === undefined) this.#byHash.set(h, id);
    else if (typeof found === 'number') {
      if (found !== id) this.#byHash.set(h, [found, id]);
    } else if (!found.includes(id)) found.push(id);
    return id;
  }

  /** The id of `key` (`peerKey` of `peer`, a peer of a policy in `ns`), interned on first use. */
  idOf(key: string, peer: PolicyPeer, ns: string): number {
    let id = this.#index.get(key);
    if (id === undefined) {
      this.#index.set(key, (id = this.keys.length));
      this.keys.push(key);
      this.keyPeer.push(peer);
      this.keyNamespace.push(ns);
    }
    return id;
  }
}

/** Numeric (and port-less) port specs by content (`specKey`), named ports by (name, protocol), in first-use order. */
export class PortSpecs {
  readonly #specIndex = new Map<number | string, number>();
  readonly specs: PolicyPort[] = [];
  /** Named port → protocol → index in `named`. */
  readonly #namedIndex = new Map<string, Map<Protocol, number>>();
  readonly named: { name: string; protocol: Protocol }[] = [];

  /** The id of a numeric or port-less port (`pp.port` not a string). */
  specId(pp: PolicyPort): number {
    const key = specKey(pp);
    let id = this.#specIndex.get(key);
    if (id === undefined) {
      this.#specIndex.set(key, (id = this.specs.length));
      this.specs.push(pp);
    }
    return id;
  }

  /** The id of a named port (`pp.port` a string). */
  namedId(pp: PolicyPort): number {
    const name = pp.port as string;
    let byProtocol = this.#namedIndex.get(name);
    if (!byProtocol) this.#namedIndex.set(name, (byProtocol = new Map()));
    let id = byProtocol.get(pp.protocol);
    if (id === undefined) {
      byProtocol.set(pp.protocol, (id = this.named.length));
      this.named.push({ name, protocol: pp.protocol });
    }
    return id;
  }
}

/**
 * Records rules one at a time (`peer`, `port`, then `rule`), then lays them out as a `RuleTable` (`finish`): the
 * one-policy-at-a-time definition of the table (`recordRules`), which the compile's walk must equal.
 */
export class RuleRecorder {
  readonly #policyStart: number[] = [];
  readonly #egressStart: number[] = [];
  readonly #allPorts: number[] = [];
  readonly #allPeers: number[] = [];
  readonly #peerStart: number[] = [0];
  readonly #peerKeys: number[] = [];
  readonly #specStart: number[] = [0];
  readonly #specIds: number[] = [];
  readonly #namedStart: number[] = [0];
  readonly #namedIds: number[] = [];
  readonly #keys = new PeerKeys();
  readonly #ports = new PortSpecs();

  /** The next policy's ingress rules start here. */
  policy(): void {
    this.#policyStart.push(this.#allPorts.length);
  }

  /** The current policy's egress rules start here. */
  egress(): void {
    this.#egressStart.push(this.#allPorts.length);
  }

  /** Records one peer of the current rule (call `rule` after its peers and ports). */
  peer(peer: PolicyPeer, ns: string, block: CompiledBlock | undefined): void {
    this.#peerKeys.push(this.#keys.id(peer, ns, block));
  }

  /** Records one port of the current rule. */
  port(pp: PolicyPort): void {
    if (typeof pp.port === 'string') this.#namedIds.push(this.#ports.namedId(pp));
    else this.#specIds.push(this.#ports.specId(pp));
  }

  /** Closes the current rule (its peers and ports recorded before). */
  rule(rule: PolicyRule): void {
    this.#allPorts.push(rule.ports === 'all' ? 1 : 0);
    this.#allPeers.push(rule.peers === 'all' ? 1 : 0);
    this.#peerStart.push(this.#peerKeys.length);
    this.#specStart.push(this.#specIds.length);
    this.#namedStart.push(this.#namedIds.length);
  }

  finish(): RuleTable {
    const policyStart = Int32Array.from(this.#policyStart, (x) => x);
    const all = new Int32Array(policyStart.length + 1);
    all.set(policyStart);
    all[policyStart.length] = this.#allPorts.length;
    return {
      policyStart: all,
      egressStart: Int32Array.from(this.#egressStart),
      allPorts: Uint8Array.from(this.#allPorts),
      allPeers: Uint8Array.from(this.#allPeers),
      peerStart: Int32Array.from(this.#peerStart),
      peerKeys: Int32Array.from(this.#peerKeys),
      specStart: Int32Array.from(this.#specStart),
      specIds: Int32Array.from(this.#specIds),
      namedStart: Int32Array.from(this.#namedStart),
      namedIds: Int32Array.from(this.#namedIds),
      keys: this.#keys.keys,
      keyPeer: this.#keys.keyPeer,
      keyNamespace: this.#keys.keyNamespace,
      specs: this.#ports.specs,
      named: this.#ports.named,
    };
  }
}

/**
 * The rule table of `policies`, in the model's order: per policy its ingress then its egress rules, each peer with
 * its compiled ipBlock (`blocks`, as the engine compiled them).
 */
export function recordRules(
  policies: readonly NetworkPolicy[],
  blocks: ReadonlyMap<PolicyPeer, CompiledBlock>,
): RuleTable {
  const recorder = new RuleRecorder();
  const read = (rules: readonly PolicyRule[], ns: string) => {
    for (let r = 0; r < rules.length; r++) {
      const rule = rules[r];
      if (rule.peers !== 'all')
        for (let k = 0; k < rule.peers.length; k++)
          recorder.peer(rule.peers[k], ns, blocks.get(rule.peers[k]));
      if (rule.ports !== 'all') for (let k = 0; k < rule.ports.length; k++) recorder.port(rule.ports[k]);
      recorder.rule(rule);
    }
  };
  for (let i = 0; i < policies.length; i++) {
    const np = policies[i];
    recorder.policy();
    read(np.ingress, np.namespace);
    recorder.egress();
    read(np.egress, np.namespace);
  }
  return recorder.finish();
}
