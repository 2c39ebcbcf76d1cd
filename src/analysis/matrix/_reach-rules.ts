import { portMatches, type PolicyEngine } from '../policy/index.ts';
import type { PortClass, PortMasks } from './_port-classes.ts';

/** Allocators of the plan's arrays (plain or over `SharedArrayBuffer`s). */
export interface PlanAlloc {
  readonly i32: (n: number) => Int32Array;
  readonly u8: (n: number) => Uint8Array;
  readonly u32: (n: number) => Uint32Array;
}

/** The plan's rule table, its egress rules with their sources, and the classes no egress policy isolates. */
export interface PlanRules {
  readonly R: number;
  readonly ruleAllPorts: Uint8Array;
  readonly ruleAllPeers: Uint8Array;
  readonly ruleFixed: Int32Array;
  readonly ruleNamedStart: Int32Array;
  readonly ruleNamed: Int32Array;
  readonly rulePeerStart: Int32Array;
  readonly rulePeers: Int32Array;
  /** Per policy: its ingress rules are plan rules `polIn[i]..polIn[i + 1]`. */
  readonly polIn: Int32Array;
  readonly egRule: Int32Array;
  readonly egNs: Int32Array;
  readonly egSrcStart: Int32Array;
  readonly egSrc: Int32Array;
  readonly everyPeer: Int32Array;
  readonly isOpen: Uint8Array;
  readonly openBits: Uint32Array;
  readonly openCount: number;
}

/**
 * The plan's rules from the compile's rule table (`engine.rules`) and policy lists (`engine.policyLists`), without
 * reading a policy object: the ingress rules of every policy, then the egress rules of the policies that select
 * some class for egress (each with those classes as its sources, ascending). Peers become set ids through
 * `PeerSets.setOfKey` (one selection per distinct peer content); a rule's fixed port mask per chunk is the OR
 * of its numeric specs' masks, each spec matched once per port class (`portMatches`); named ports become
 * `masks`' kinds in the table's order.
 */
export function planRules(
  engine: PolicyEngine,
  ports: readonly PortClass[],
  masks: PortMasks,
  chunking: { readonly chunks: number; readonly width: number },
  alloc: PlanAlloc,
): PlanRules {
  const { i32, u8, u32 } = alloc;
  const table = engine.rules;
  const sets = engine.peerSets;
  const C = engine.classes.length;
  const W = (C + 31) >>> 5;
  const n = engine.policies.length;
  // Per policy, the classes it selects for egress (a policy selects within its namespace, so they also give
  // its namespace): the egress lists inverted, counted then filled, ascending.
  const eg = engine.policyLists('Egress');
  const srcStart = new Int32Array(n + 1);
  for (let j = 0; j < eg.ids.length; j++) srcStart[eg.ids[j] + 1]++;
  for (let i = 0; i < n; i++) srcStart[i + 1] += srcStart[i];
  const srcIds = new Int32Array(srcStart[n]);
  const at = srcStart.slice(0, n);
  const isOpen = u8(C);
  const openBits = u32(W);
  let openCount = 0;
  for (let c = 0; c < C; c++) {
    const a = eg.start[c];
    const b = eg.start[c + 1];
    for (let j = a; j < b; j++) srcIds[at[eg.ids[j]]++] = c;
    if (a === b) {
      isOpen[c] = 1;
      openBits[c >>> 5] |= 1 << (c & 31);
      openCount++;
    }
  }
  // Plan rule → table rule: every policy's ingress rules, then egress rules of policies with sources.
  const { policyStart, egressStart } = table;
  let ingress = 0;
  let egress = 0;
  let egSources = 0;
  for (let i = 0; i < n; i++) {
    ingress += egressStart[i] - policyStart[i];
    const sources = srcStart[i + 1] - srcStart[i];
    if (sources) {
      egress += policyStart[i + 1] - egressStart[i];
      egSources += sources * (policyStart[i + 1] - egressStart[i]);
    }
  }
  const R = ingress + egress;
  const tableRule = new Int32Array(R);
  const polIn = new Int32Array(n + 1);
  const egRule = i32(egress);
  const egNs = i32(egress);
  const egSrcStart = i32(egress + 1);
  const egSrc = i32(egSources);
  const everyPeer: number[] = [];
  let r = 0;
  for (let i = 0; i < n; i++) {
    polIn[i] = r;
    for (let t = policyStart[i]; t < egressStart[i]; t++) tableRule[r++] = t;
  }
  polIn[n] = r;
  let e = 0;
  for (let i = 0; i < n; i++) {
    const a = srcStart[i];
    const b = srcStart[i + 1];
    if (a === b) continue;
    for (let t = egressStart[i]; t < policyStart[i + 1]; t++) {
      if (table.allPeers[t]) everyPeer.push(e);
      egRule[e] = r;
      egNs[e] = sets.nsOf[srcIds[a]];
      egSrc.set(srcIds.subarray(a, b), egSrcStart[e]);
      egSrcStart[e + 1] = egSrcStart[e] + (b - a);
      e++;
      tableRule[r++] = t;
    }
  }
  // Per plan rule: flags, peers as set ids, named-port kinds, fixed masks per chunk.
  const ruleAllPorts = u8(R);
  const ruleAllPeers = u8(R);
  const rulePeerStart = i32(R + 1);
  const ruleNamedStart = i32(R + 1);
  for (let x = 0; x < R; x++) {
    const t = tableRule[x];
    ruleAllPorts[x] = table.allPorts[t];
    ruleAllPeers[x] = table.allPeers[t];
    rulePeerStart[x + 1] = rulePeerStart[x] + table.peerStart[t + 1] - table.peerStart[t];
    ruleNamedStart[x + 1] = ruleNamedStart[x] + table.namedStart[t + 1] - table.namedStart[t];
  }
  const rulePeers = i32(rulePeerStart[R]);
  const ruleNamed = i32(ruleNamedStart[R]);
  const kindOf = Int32Array.from(table.named, (k) => masks.kind(k.name, k.protocol));
  for (let x = 0; x < R; x++) {
    const t = tableRule[x];
    for (let j = table.peerStart[t], y = rulePeerStart[x]; j < table.peerStart[t + 1]; j++, y++)
      rulePeers[y] = sets.setOfKey(table.peerKeys[j]);
    for (let j = table.namedStart[t], y = ruleNamedStart[x]; j < table.namedStart[t + 1]; j++, y++)
      ruleNamed[y] = kindOf[table.namedIds[j]];
  }
  const { chunks, width } = chunking;
  const S = table.specs.length;
  const specMask = new Int32Array(S);
  const ruleFixed = i32(chunks * R);
  for (let k = 0; k < chunks; k++) {
    const base = k * width;
    const w = Math.min(width, ports.length - base);
    for (let s = 0; s < S; s++) {
      let m = 0;
      for (let p = 0; p < w; p++)
        if (portMatches(table.specs[s], ports[base + p].port, ports[base + p].protocol, undefined))
          m |= 1 << p;
      specMask[s] = m;
    }
    for (let x = 0; x < R; x++) {
      const t = tableRule[x];
      if (table.allPorts[t]) continue;
      let m = 0;
      for (let j = table.specStart[t]; j < table.specStart[t + 1]; j++) m |= specMask[table.specIds[j]];
      ruleFixed[k * R + x] = m;
    }
  }
  const every = i32(everyPeer.length);
  every.set(everyPeer);
  return {
    R,
    ruleAllPorts,
    ruleAllPeers,
    ruleFixed,
    ruleNamedStart,
    ruleNamed,
    rulePeerStart,
    rulePeers,
    polIn,
    egRule,
    egNs,
    egSrcStart,
    egSrc,
    everyPeer: every,
    isOpen,
    openBits,
    openCount,
  };
}
