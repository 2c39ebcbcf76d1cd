import type { NetworkPolicy, PolicyPeer, PolicyPort, PolicyRule, Protocol } from '../../model/types.ts';
import { compileBlock, type CompiledBlock } from './_ip-blocks.ts';
import { typeBits, type PolicyTargets } from './_policy-lists.ts';
import { PeerKeys, PortSpecs, type RuleTable } from './_rule-table.ts';

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
  const n = policies.length;
  const labelKeys = new Set<string>();
  const readSel = (s?: { requirements: readonly { key: string }[] }) => {
    if (s) for (let i = 0; i < s.requirements.length; i++) labelKeys.add(s.requirements[i].key);
  };
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
  for (let i = 0; i < n; i++) readSel(targets.selectors[i]);
  // Every rule in walk order (a policy's ingress rules, then its egress rules), into arrays of their final size:
  // growing them by `push` left their earlier backing stores behind (design note 0008, thirteenth session).
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
  // Per rule its peer and port lists (`all`: a flag), and each list's rule and namespace (at most one per rule).
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
      peerNs[peerCount++] = targets.namespaces[i];
    } else allPeers[r] = 1;
    if (rule.ports !== 'all') {
      portLists[portCount] = rule.ports;
      portRule[portCount++] = r;
    } else allPorts[r] = 1;
  }
  peerLists.length = peerNs.length = peerCount;
  portLists.length = portCount;
  const peers = readPeers(peerLists, peerNs, readSel, table);
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
        keys: peers.keys.keys,
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

/** Compressed-row starts over `R` rules from the entry counts of the rules listed in `ruleOf` (others: none). */
function starts(R: number, ruleOf: Int32Array, counts: readonly number[]): Int32Array {
  const out = new Int32Array(R + 1);
  for (let l = 0; l < ruleOf.length; l++) out[ruleOf[l] + 1] = counts[l];
  for (let r = 0; r < R; r++) out[r + 1] += out[r];
  return out;
}

/**
 * The peers' podSelector keys (through `readSel`) and ipBlocks, compiled once per text (the object shared); each
 * peer's content key (`PeerKeys`, the list's policy namespace `ns[l]`; only when `table`) and each list's length.
 */
function readPeers(
  lists: readonly (readonly PolicyPeer[])[],
  ns: readonly string[],
  readSel: (s?: { requirements: readonly { key: string }[] }) => void,
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
      // Each field read once (`peerKeyOf`): the key and the walk share the reads.
      const podSelector = peer.podSelector;
      const ipBlock = peer.ipBlock;
      readSel(podSelector);
      let b: CompiledBlock | undefined;
      if (ipBlock) {
        const text = `${ipBlock.cidr}!${ipBlock.except.join(',')}`;
        b = compiled.get(text);
        if (!compiled.has(text)) {
          compiled.set(text, (b = compileBlock(ipBlock.cidr, ipBlock.except)));
          if (b) blocks.push(b);
        }
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
 * The rules' named ports (with their protocols) and numeric ranges, in first-use order; each port's spec or named
 * id (`PortSpecs`) and each list's count of both (only when `table`).
 */
function readPorts(lists: readonly (readonly PolicyPort[])[], table: boolean) {
  const ruleNamedPorts = new Map<string, Set<Protocol>>();
  const portNames = new Map<string, { name: string; protocol: string }>();
  const ruleRanges: PolicyWalk['ruleRanges'] = { TCP: new Map(), UDP: new Map(), SCTP: new Map() };
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
  for (let l = 0; l < lists.length; l++) {
    const ports = lists[l];
    const named0 = namedAt;
    for (let k = 0; k < ports.length; k++) {
      const pp = ports[k];
      if (typeof pp.port === 'string') {
        if (table) namedIds[namedAt++] = specs.namedId(pp);
        // `portNames` gains a name and protocol where `ruleNamedPorts` does (first use; no key per rule).
        let protocols = ruleNamedPorts.get(pp.port);
        if (!protocols) ruleNamedPorts.set(pp.port, (protocols = new Set()));
        if (!protocols.has(pp.protocol)) {
          protocols.add(pp.protocol);
          portNames.set(`${pp.port}/${pp.protocol}`, { name: pp.port, protocol: pp.protocol });
        }
        continue;
      }
      if (table) specIds[specAt++] = specs.specId(pp);
      if (typeof pp.port === 'number') {
        const ranges = ruleRanges[pp.protocol];
        const last = pp.endPort ?? pp.port;
        const key = pp.port * 65537 + last;
        if (!ranges.has(key)) ranges.set(key, [pp.port, last]);
      }
    }
    namedCounts[l] = namedAt - named0;
    specCounts[l] = ports.length - namedCounts[l];
  }
  return {
    ruleNamedPorts,
    portNames,
    ruleRanges,
    specs,
    specIds: specIds.slice(0, specAt),
    namedIds: namedIds.slice(0, namedAt),
    specCounts,
    namedCounts,
  };
}
