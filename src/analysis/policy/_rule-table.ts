import type { NetworkPolicy, PolicyPeer, PolicyPort, PolicyRule, Protocol } from '../../model/types.ts';
import type { CompiledBlock } from './_ip-blocks.ts';
import { PeerKeys } from './_peer-keys.ts';

/**
 * Every NetworkPolicy rule as flat arrays, laid out by the compile's one walk of the policies (`walkPolicies`,
 * `_policy-walk.ts`) so that readers of every rule — the reachability plan (`src/analysis/matrix/_reach-plan.ts`)
 * — read integers instead of walking the policy objects again (design note 0008, ninth and eleventh sessions).
 * `recordRules` is its definition, one policy at a time. Rules are numbered policy by
 * policy, each policy's ingress rules then its egress rules, in the model's order. Lists are compressed rows:
 * `xStart[r]..xStart[r + 1]` indexes `x`.
 *
 * Peers are recorded by content key (`PeerKeys`: a number for the same selectors in the same namespace, or the
 * same ipBlock), which `PeerSets.setOfKey` turns into a set id once per key; numeric ports by (protocol, port,
 * endPort) and named ports by (name, protocol), each interned once.
 */
export interface RuleTable {
  /** Per policy i: ingress rules `policyStart[i]..egressStart[i]`, egress rules `egressStart[i]..policyStart[i + 1]`. */
  readonly policyStart: Int32Array;
  readonly egressStart: Int32Array;
  /** Per rule: 1 when `ports` is `all` / `peers` is `all`. */
  readonly allPorts: Uint8Array;
  readonly allPeers: Uint8Array;
  /** Per rule: its peers' content keys (indices into `keyPeer`). */
  readonly peerStart: Int32Array;
  readonly peerKeys: Int32Array;
  /** Per rule: its numeric (or port-less) port specs (indices into `specs`). */
  readonly specStart: Int32Array;
  readonly specIds: Int32Array;
  /** Per rule: its named ports (indices into `named`). */
  readonly namedStart: Int32Array;
  readonly namedIds: Int32Array;
  /** Per peer key (0 to `keyPeer.length - 1`): one peer with that content, and its policy's namespace. */
  readonly keyPeer: readonly PolicyPeer[];
  readonly keyNamespace: readonly string[];
  /** Per numeric spec: one port with that content (`port` a number or undefined). */
  readonly specs: readonly PolicyPort[];
  /** Per named port: its name and protocol. */
  readonly named: readonly { readonly name: string; readonly protocol: Protocol }[];
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
