import type { NetworkPolicy, PolicyPeer, PolicyPort, PolicyRule, Protocol } from '../../model/types.ts';
import { compileBlock, type CompiledBlock } from './_ip-blocks.ts';
import { typeBits, type PolicyTargets } from './_policy-lists.ts';
import { PeerKeys } from './_peer-keys.ts';
import { PortSpecs, type RuleTable } from './_rule-table.ts';

/** What the compile needs from every NetworkPolicy before the pod classes exist (`walkPolicies`). */
export interface PolicyWalk {
  /** Every label key a podSelector (of a policy or of a peer) reads. */
  readonly labelKeys: Set<string>;
  /** The distinct ipBlocks, compiled, in first-use order; and each ipBlock peer's (shared by text). */
  readonly blocks: CompiledBlock[];
  readonly blockOf: Map<PolicyPeer, CompiledBlock>;
  /** The protocols each named port is used with, and the `name/protocol` pairs in first-use order. */
  readonly ruleNamedPorts: Map<string, Set<Protocol>>;
  readonly portNames: Map<string, { name: string; protocol: string }>;
  /** The distinct numeric port ranges per protocol, keyed `first * 65537 + last`, in first-use order. */
  readonly ruleRanges: Record<Protocol, Map<number, readonly [number, number]>>;
  /** What selection reads of each policy (`selectPolicies`). */
  readonly targets: PolicyTargets;
  /**
   * Every rule as flat arrays, equal to `recordRules` (the one-policy-at-a-time definition); undefined when the
   * walk was asked not to lay it out (`table: false`).
   */
  readonly rules?: RuleTable;
}

/**
 * One walk of every NetworkPolicy, level by level: the policies' own fields first, then their rules, then the
 * rules' peers and ports. The walk is bound by first touches of objects scattered over the heap (16,400 policies
 * of ~25 objects each at realistic 150k); a pass that only follows one pointer per element lets the processor
 * have several of those misses in flight, where one long body per policy waited on each in turn (design note
 * 0008, tenth session). Every output keeps the first-use order of a policy-by-policy walk (ingress rules, then
 * egress, each rule's peers and ports in order): peers and ports feed different outputs, so splitting them apart
 * reorders nothing.
 */
export function walkPolicies(
  policies: readonly NetworkPolicy[],
  options: { readonly table?: boolean } = {},
): PolicyWalk {
  const table = options.table ?? true;
  const labelKeys = new Set<string>();
  const { targets, ingress, egress } = policyFields(policies, labelKeys);
  const { policyStart, egressStart, rules } = flatRules(ingress, egress);
  const R = rules.length;
  const { allPeers, allPorts, peerLists, peerRule, peerNs, portLists, portRule } = ruleLists(
    rules,
    policyStart,
    targets.namespaces,
  );
  const peerCount = peerLists.length;
  const portCount = portLists.length;
  const peers = readPeers(peerLists, peerNs, labelKeys, table);
  const ports = readPorts(portLists, table);
  const rulesTable: RuleTable | undefined = table
    ? {
        policyStart,
        egressStart,
        allPorts,
        allPeers,
        peerStart: starts(R, peerRule.subarray(0, peerCount), peers.counts),
        peerKeys: peers.keyIds,
        specStart: starts(R, portRule.subarray(0, portCount), ports.specCounts),
        specIds: ports.specIds,
        namedStart: starts(R, portRule.subarray(0, portCount), ports.namedCounts),
        namedIds: ports.namedIds,
        keyPeer: peers.keys.keyPeer,
        keyNamespace: peers.keys.keyNamespace,
        specs: ports.specs.specs,
        named: ports.specs.named,
      }
    : undefined;
  return {
    labelKeys,
    blocks: peers.blocks,
    blockOf: peers.blockOf,
    ruleNamedPorts: ports.ruleNamedPorts,
    portNames: ports.portNames,
    ruleRanges: ports.ruleRanges,
    targets,
    rules: rulesTable,
  };
}

/*
 * The walk's passes are functions of their own: a function called once per compile runs its loop in unoptimized
 * code until V8 compiles it on the side and enters the optimized code in the middle of the loop (on-stack
 * replacement), and that code is dropped by every full collection. One long function with eight loops was one
 * large compile job (12–27 ms on the second core) during which all its loops ran unoptimized, and its later loops,
 * without type feedback when it was made, sent it back (deoptimized) when reached (design note 0008, seventeenth
 * session).
 */

/** Per policy: what selection reads (`targets`), its rule lists, and its podSelector's label keys. */
function policyFields(policies: readonly NetworkPolicy[], labelKeys: Set<string>) {
  const n = policies.length;
  const typeLists = new Array<NetworkPolicy['policyTypes']>(n);
  const ingress = new Array<readonly PolicyRule[]>(n);
  const egress = new Array<readonly PolicyRule[]>(n);
  const targets = {
    types: new Uint8Array(n),
    namespaces: new Array<string>(n),
    selectors: new Array<NetworkPolicy['podSelector']>(n),
  };
  for (let i = 0; i < n; i++) {
    const np = policies[i];
    typeLists[i] = np.policyTypes;
    targets.namespaces[i] = np.namespace;
    targets.selectors[i] = np.podSelector;
    ingress[i] = np.ingress;
    egress[i] = np.egress;
  }
  for (let i = 0; i < n; i++) targets.types[i] = typeBits(typeLists[i]);
  for (let i = 0; i < n; i++) readKeys(labelKeys, targets.selectors[i]);
  return { targets, ingress, egress };
}

/**
 * Every rule in walk order (a policy's ingress rules, then its egress rules), into an array of its final size
 * (growing it by `push` left its earlier backing stores behind: design note 0008, thirteenth session), and each
 * policy's first ingress and first egress rule.
 */
function flatRules(ingress: readonly (readonly PolicyRule[])[], egress: readonly (readonly PolicyRule[])[]) {
  const n = ingress.length;
  const policyStart = new Int32Array(n + 1);
  const egressStart = new Int32Array(n);
  let R = 0;
  for (let i = 0; i < n; i++) {
    policyStart[i] = R;
    egressStart[i] = R += ingress[i].length;
    R += egress[i].length;
  }
  policyStart[n] = R;
  const rules = new Array<PolicyRule>(R);
  for (let i = 0, r = 0; i < n; i++) {
    const ins = ingress[i];
    for (let k = 0; k < ins.length; k++) rules[r++] = ins[k];
    const egs = egress[i];
    for (let k = 0; k < egs.length; k++) rules[r++] = egs[k];
  }
  return { policyStart, egressStart, rules };
}

/**
 * Per rule its peer and port lists (`all`: a flag), and each list's rule and namespace (at most one per rule); the
 * lists' arrays are cut to their counts.
 */
function ruleLists(rules: readonly PolicyRule[], policyStart: Int32Array, namespaces: readonly string[]) {
  const R = rules.length;
  const allPeers = new Uint8Array(R);
  const allPorts = new Uint8Array(R);
  const peerLists = new Array<readonly PolicyPeer[]>(R);
  const peerRule = new Int32Array(R);
  const peerNs = new Array<string>(R);
  const portLists = new Array<readonly PolicyPort[]>(R);
  const portRule = new Int32Array(R);
  let peerCount = 0;
  let portCount = 0;
  for (let i = 0, r = 0; r < R; r++) {
    while (policyStart[i + 1] <= r) i++;
    const rule = rules[r];
    if (rule.peers !== 'all') {
      peerLists[peerCount] = rule.peers;
      peerRule[peerCount] = r;
      peerNs[peerCount++] = namespaces[i];
    } else allPeers[r] = 1;
    if (rule.ports !== 'all') {
      portLists[portCount] = rule.ports;
      portRule[portCount++] = r;
    } else allPorts[r] = 1;
  }
  peerLists.length = peerNs.length = peerCount;
  portLists.length = portCount;
  return { allPeers, allPorts, peerLists, peerRule, peerNs, portLists, portRule };
}

/** Adds the label keys a selector's requirements read to `labelKeys`. */
function readKeys(labelKeys: Set<string>, s?: { requirements: readonly { key: string }[] }): void {
  if (s) for (let i = 0; i < s.requirements.length; i++) labelKeys.add(s.requirements[i].key);
}

/** Compressed-row starts over `R` rules from the entry counts of the rules listed in `ruleOf` (others: none). */
function starts(R: number, ruleOf: Int32Array, counts: readonly number[]): Int32Array {
  const out = new Int32Array(R + 1);
  for (let l = 0; l < ruleOf.length; l++) out[ruleOf[l] + 1] = counts[l];
  for (let r = 0; r < R; r++) out[r + 1] += out[r];
  return out;
}

/**
 * The peers' podSelector keys (into `labelKeys`) and ipBlocks, compiled once per text (the object shared); each
 * peer's content key (`PeerKeys`, the list's policy namespace `ns[l]`; only when `table`) and each list's length.
 */
function readPeers(
  lists: readonly (readonly PolicyPeer[])[],
  ns: readonly string[],
  labelKeys: Set<string>,
  table: boolean,
) {
  const blocks: CompiledBlock[] = [];
  const blockOf = new Map<PolicyPeer, CompiledBlock>();
  const compiled = new Map<string, CompiledBlock | undefined>();
  const keys = new PeerKeys();
  const counts: number[] = new Array(lists.length);
  let total = 0;
  if (table) for (let l = 0; l < lists.length; l++) total += lists[l].length;
  const keyIds = new Int32Array(total);
  let at = 0;
  for (let l = 0; l < lists.length; l++) {
    const peers = lists[l];
    counts[l] = peers.length;
    for (let k = 0; k < peers.length; k++) {
      const peer = peers[k];
      // Each field read once (`PeerKeys.idOfFields`): the key and the walk share the reads.
      const podSelector = peer.podSelector;
      const ipBlock = peer.ipBlock;
      readKeys(labelKeys, podSelector);
      let b: CompiledBlock | undefined;
      if (ipBlock) {
        b = blockOfText(ipBlock, compiled, blocks);
        if (b) blockOf.set(peer, b);
      }
      if (!table) continue;
      keyIds[at++] = ipBlock
        ? keys.idOfFields(true, undefined, undefined, ns[l], b, peer)
        : keys.idOfFields(false, peer.namespaceSelector, podSelector, ns[l], b, peer);
    }
  }
  return { blocks, blockOf, keys, keyIds, counts };
}

/**
 * An ipBlock compiled once per text (`cidr!except,…`): the first peer with a text compiles it (and, when valid,
 * appends it to `blocks`), later ones share that object. Out of `readPeers`'s loop, where most peers have none.
 */
function blockOfText(
  ipBlock: NonNullable<PolicyPeer['ipBlock']>,
  compiled: Map<string, CompiledBlock | undefined>,
  blocks: CompiledBlock[],
): CompiledBlock | undefined {
  const text = `${ipBlock.cidr}!${ipBlock.except.join(',')}`;
  if (compiled.has(text)) return compiled.get(text);
  const b = compileBlock(ipBlock.cidr, ipBlock.except);
  compiled.set(text, b);
  if (b) blocks.push(b);
  return b;
}

/**
 * The rules' named ports (with their protocols) and numeric ranges, in first-use order; each port's spec or named
 * id (`PortSpecs`) and each list's count of both (only when `table`).
 */
function readPorts(lists: readonly (readonly PolicyPort[])[], table: boolean) {
  const specs = new PortSpecs();
  let total = 0;
  if (table) for (let l = 0; l < lists.length; l++) total += lists[l].length;
  // Each port is a spec or a named port: both lists fit in `total`, and are cut to their counts at the end.
  const specIds = new Int32Array(total);
  const namedIds = new Int32Array(total);
  let specAt = 0;
  let namedAt = 0;
  const specCounts: number[] = new Array(lists.length);
  const namedCounts: number[] = new Array(lists.length);
  // Every port is interned (also without `table`): the named ports and ranges below are read from the interned
  // ones, so this loop makes no map, set or literal on a port's first use (a branch first taken after V8 compiled
  // the loop sends the compiled code back: design note 0008, seventeenth session).
  for (let l = 0; l < lists.length; l++) {
    const ports = lists[l];
    const named0 = namedAt;
    for (let k = 0; k < ports.length; k++) {
      const pp = ports[k];
      if (typeof pp.port === 'string') {
        const id = specs.namedId(pp);
        if (table) namedIds[namedAt++] = id;
      } else {
        const id = specs.specId(pp);
        if (table) specIds[specAt++] = id;
      }
    }
    namedCounts[l] = namedAt - named0;
    specCounts[l] = ports.length - namedCounts[l];
  }
  return {
    ...portsUsed(specs),
    specs,
    specIds: specIds.slice(0, specAt),
    namedIds: namedIds.slice(0, namedAt),
    specCounts,
    namedCounts,
  };
}

/**
 * The named ports with their protocols and the numeric ranges per protocol, in first-use order, from the interned
 * ports: `PortSpecs` numbers each (name, protocol) and each numeric spec on first use, so a name's first pair is its
 * first use, and a range's first spec is its first use.
 */
function portsUsed(specs: PortSpecs) {
  const ruleNamedPorts = new Map<string, Set<Protocol>>();
  const portNames = new Map<string, { name: string; protocol: string }>();
  for (const { name, protocol } of specs.named) {
    let protocols = ruleNamedPorts.get(name);
    if (!protocols) ruleNamedPorts.set(name, (protocols = new Set()));
    protocols.add(protocol);
    portNames.set(`${name}/${protocol}`, { name, protocol });
  }
  const ruleRanges: PolicyWalk['ruleRanges'] = { TCP: new Map(), UDP: new Map(), SCTP: new Map() };
  for (const pp of specs.specs) {
    if (typeof pp.port !== 'number') continue;
    const ranges = ruleRanges[pp.protocol];
    const last = pp.endPort ?? pp.port;
    const key = pp.port * 65537 + last;
    if (!ranges.has(key)) ranges.set(key, [pp.port, last]);
  }
  return { ruleNamedPorts, portNames, ruleRanges };
}
