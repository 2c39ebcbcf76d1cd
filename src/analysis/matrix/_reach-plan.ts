import type { PolicyEngine } from '../policy/index.ts';
import { egressUnits, invert } from './_reach-invert.ts';
import { ingressRules } from './_reach-ingress.ts';
import { planSets } from './_reach-sets.ts';
import { PortMasks, portClasses, type PortClass } from './_port-classes.ts';
import { planRules, type PlanAlloc } from './_reach-rules.ts';

/**
 * The NetworkPolicy tier's full reachability as flat typed arrays: everything one destination row of
 * `computeReachability` reads, so a row is a loop over integers (`_reach-kernel.ts`) and a range of rows can be
 * computed anywhere the arrays are — on another thread, over `SharedArrayBuffer`s, without the engine.
 * Lists are compressed rows: `xStart[i]..xStart[i + 1]` indexes `x`.
 */
export interface ReachPlan {
  /** Classes, port classes, port-class chunks (≤ 30 per pass), words of a class bitset, named-port kinds. */
  readonly C: number;
  readonly P: number;
  readonly chunks: number;
  /** Port classes per chunk (the last one may hold fewer). */
  readonly width: number;
  readonly W: number;
  readonly N: number;
  /** Ingress and egress rules in one table: all ports, all peers, fixed port mask per chunk (`chunk * R + r`). */
  readonly R: number;
  readonly ruleAllPorts: Uint8Array;
  readonly ruleAllPeers: Uint8Array;
  readonly ruleFixed: Int32Array;
  readonly ruleNamedStart: Int32Array;
  readonly ruleNamed: Int32Array;
  readonly rulePeerStart: Int32Array;
  readonly rulePeers: Int32Array;
  /** Per destination class and chunk: the mask each named-port kind resolves to (`(chunk * C + d) * N + n`). */
  readonly namedAt: Int32Array;
  /** Per destination class: its ingress rules (those of the policies isolating it; none for a node-mode host). */
  readonly inStart: Int32Array;
  readonly inRules: Int32Array;
  /**
   * Peer sets: class ids, namespaces of the members, bitset offset for big sets (-1: small), open members (those
   * no egress policy isolates: a row spreads only these; it meets isolated ones through their egress rules).
   */
  readonly setStart: Int32Array;
  readonly setIds: Int32Array;
  readonly setNsStart: Int32Array;
  readonly setNs: Int32Array;
  /** The set of each `setNs` entry (a *piece*: the set's members in one namespace, `_piece-sources.ts`). */
  readonly pieceSet: Int32Array;
  /**
   * Per `setNs` entry of a big set: 1 when the set holds every class of that namespace (a row then admits the
   * namespace's sources by one mask instead of a bit test per source).
   */
  readonly setNsFull: Uint8Array;
  readonly setDense: Int32Array;
  readonly dense: Uint32Array;
  readonly openStart: Int32Array;
  readonly openIds: Int32Array;
  /** Egress rules: rule id, namespace of the policy, its sources (the classes the policy selects). */
  readonly egRule: Int32Array;
  readonly egNs: Int32Array;
  readonly egSrcStart: Int32Array;
  readonly egSrc: Int32Array;
  /** Per egress rule its index among the egress rules of its namespace, and per namespace their number. */
  readonly egLocal: Int32Array;
  readonly nsEgress: Int32Array;
  /**
   * Egress rules without peers (they admit every destination); the egress units (each distinct non-empty peer set
   * of the egress rules, with the rules naming it); per destination the units whose set holds it
   * (`_reach-invert.ts`).
   */
  readonly everyPeer: Int32Array;
  readonly unitSet: Int32Array;
  readonly unitRuleStart: Int32Array;
  readonly unitRules: Int32Array;
  readonly invStart: Int32Array;
  readonly invUnits: Int32Array;
  /** Classes no egress policy isolates: a byte per class, a bitset, their count. */
  readonly isOpen: Uint8Array;
  readonly openBits: Uint32Array;
  readonly openCount: number;
  readonly namespaces: number;
  /** Node-mode hostNetwork classes: policies see their node's address (never isolated; named ports match nothing). */
  readonly hostClass: Uint8Array;
  /** Classes some ingress policy isolates (with or without rules). */
  readonly isolated: Uint8Array;
}

/** Sets with at least this many classes are tested through their bitset instead of being spread per row. */
export const BIG = 256;
/** Port classes per pass: masks are 32-bit integers, and the sign bit is left alone. */
export const PLAN_CHUNK = 30;

/** Options of a plan: `bigAt` and `chunk` are for the tests (the set size from which sets are bitset-tested, port classes per pass). */
export interface PlanOptions {
  readonly ports?: readonly PortClass[];
  readonly shared?: boolean;
  readonly bigAt?: number;
  readonly chunk?: number;
}

/** The plan without its inverted egress index (`invert`), which `finishReachPlan` adds. */
export type ReachPlanDraft = Omit<ReachPlan, 'invStart' | 'invUnits'>;

/** Allocators of typed arrays, over `SharedArrayBuffer`s when `shared` (threads read them without copying). */
export function planAlloc(shared: boolean): PlanAlloc {
  return {
    i32: (n) => (shared ? new Int32Array(new SharedArrayBuffer(4 * n)) : new Int32Array(n)),
    u8: (n) => (shared ? new Uint8Array(new SharedArrayBuffer(n)) : new Uint8Array(n)),
    u32: (n) => (shared ? new Uint32Array(new SharedArrayBuffer(4 * n)) : new Uint32Array(n)),
  };
}

/**
 * Builds the plan of `engine`'s NetworkPolicy tier over `ports` (default: every port class). With `shared`, the
 * arrays live in `SharedArrayBuffer`s (threads read them without copying).
 */
export function buildReachPlan(
  engine: PolicyEngine,
  options: PlanOptions = {},
): { plan: ReachPlan; ports: readonly PortClass[] } {
  const { draft, ports } = draftReachPlan(engine, options);
  const inv = invert(draft, planAlloc(options.shared ?? false).i32);
  return { plan: finishReachPlan(draft, inv), ports };
}

/** The draft with its inverted egress index (`invert`, or its passes run on several threads). */
export function finishReachPlan(
  draft: ReachPlanDraft,
  inv: { readonly start: Int32Array; readonly units: Int32Array },
): ReachPlan {
  return { ...draft, invStart: inv.start, invUnits: inv.units };
}

/** Everything of the plan but the inverted egress index, which reads the rest (`invert`). */
export function draftReachPlan(
  engine: PolicyEngine,
  options: PlanOptions = {},
): { draft: ReachPlanDraft; ports: readonly PortClass[] } {
  const { i32, u8, u32 } = planAlloc(options.shared ?? false);
  const classes = engine.classes;
  const C = classes.length;
  const W = (C + 31) >>> 5;
  const ports = options.ports ?? portClasses(engine);
  const P = ports.length;
  const width = Math.min(options.chunk ?? PLAN_CHUNK, PLAN_CHUNK);
  const bigAt = options.bigAt ?? BIG;
  const chunks = Math.max(1, Math.ceil(P / width));
  const sets = engine.peerSets;
  const masks = new PortMasks(engine, ports);
  const rules = planRules(engine, ports, masks, { chunks, width }, { i32, u8, u32 });
  const { R, ruleAllPeers, rulePeerStart, polIn, egRule, egNs, isOpen } = rules;
  const N = masks.named.length;
  const namedAt = i32(chunks * C * N);
  const hostClass = u8(C);
  if (engine.hostNetwork === 'node') for (const c of classes) if (c.hostNetwork) hostClass[c.id] = 1;
  for (let k = 0; k < chunks; k++) {
    const base = k * width;
    masks.within(base, Math.min(width, P - base));
    if (N) masks.fillNamed(classes, hostClass, namedAt, k * C * N);
  }
  const ingress = ingressRules(engine.policyLists('Ingress'), polIn, hostClass, { i32, u8 });
  const { setStart, setIds, setNsStart, setNs, pieceSet, setDense, dense } = planSets(sets, W, bigAt, {
    i32,
    u32,
  });
  const { openStart, openIds } = openMembers(setStart, setIds, isOpen, rules.openCount, i32);
  const units = egressUnits(
    { egRule, ruleAllPeers, rulePeerStart, rulePeers: rules.rulePeers, setStart },
    i32,
  );
  const nsEgress = i32(sets.namespaces.length);
  const egLocal = i32(egNs.length);
  for (let e = 0; e < egNs.length; e++) egLocal[e] = nsEgress[egNs[e]]++;
  const setNsFull = fullNamespaces(
    sets.nsOf,
    sets.namespaces.length,
    { setStart, setIds, setNsStart, setNs, setDense },
    u8(setNs.length),
  );
  const draft: ReachPlanDraft = {
    C,
    P,
    chunks,
    width,
    W,
    N,
    R,
    ruleAllPorts: rules.ruleAllPorts,
    ruleAllPeers,
    ruleFixed: rules.ruleFixed,
    ruleNamedStart: rules.ruleNamedStart,
    ruleNamed: rules.ruleNamed,
    rulePeerStart,
    rulePeers: rules.rulePeers,
    namedAt,
    inStart: ingress.start,
    inRules: ingress.rules,
    setStart,
    setIds,
    setNsStart,
    setNs,
    pieceSet,
    setNsFull,
    setDense,
    dense,
    openStart,
    openIds,
    egRule,
    egNs,
    egSrcStart: rules.egSrcStart,
    egSrc: rules.egSrc,
    egLocal,
    nsEgress,
    everyPeer: rules.everyPeer,
    ...units,
    isOpen,
    openBits: rules.openBits,
    openCount: rules.openCount,
    namespaces: sets.namespaces.length,
    hostClass,
    isolated: ingress.isolated,
  };
  return { draft, ports };
}

/**
 * Per namespace entry of every big set: whether the set holds all the namespace's classes. Class ids run
 * namespace by namespace and a set's ids are sorted, so its members of one namespace are one run, counted
 * against the namespace's class count.
 */
function fullNamespaces(
  /** Namespace index of every class (`PeerSets.nsOf`), and the number of namespaces. */
  classNs: Int32Array,
  namespaces: number,
  sets: Pick<ReachPlan, 'setStart' | 'setIds' | 'setNsStart' | 'setNs' | 'setDense'>,
  out: Uint8Array,
): Uint8Array {
  const { setStart, setIds, setNsStart, setNs, setDense } = sets;
  const perNs = new Int32Array(namespaces);
  for (let c = 0; c < classNs.length; c++) perNs[classNs[c]]++;
  for (let k = 0; k < setDense.length; k++) {
    if (setDense[k] < 0) continue;
    let y = setNsStart[k];
    for (let a = setStart[k]; a < setStart[k + 1];) {
      const n = classNs[setIds[a]];
      let b = a;
      while (b < setStart[k + 1] && classNs[setIds[b]] === n) b++;
      // A run that is not the set's next namespace entry (not expected) leaves the set's other flags 0: bit tests, exact.
      if (y >= setNsStart[k + 1] || setNs[y] !== n) break;
      out[y++] = b - a === perNs[n] ? 1 : 0;
      a = b;
    }
  }
  return out;
}

/**
 * The members of every set that no egress policy isolates (a compressed list like the sets'): the sets' own arrays
 * when every class is open, else counted then filled.
 */
function openMembers(
  setStart: Int32Array,
  setIds: Int32Array,
  isOpen: Uint8Array,
  openCount: number,
  i32: PlanAlloc['i32'],
): { openStart: Int32Array; openIds: Int32Array } {
  if (openCount === isOpen.length) return { openStart: setStart, openIds: setIds };
  const S = setStart.length - 1;
  const openStart = i32(S + 1);
  if (openCount === 0) return { openStart, openIds: i32(0) };
  for (let k = 0, n = 0; k < S; k++) {
    for (let y = setStart[k]; y < setStart[k + 1]; y++) n += isOpen[setIds[y]];
    openStart[k + 1] = n;
  }
  const openIds = i32(openStart[S]);
  for (let y = 0, n = 0; y < setIds.length; y++) if (isOpen[setIds[y]] === 1) openIds[n++] = setIds[y];
  return { openStart, openIds };
}
