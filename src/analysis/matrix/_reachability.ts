import type { PolicyEngine } from '../policy/index.ts';
import { RowScratch, popcount, type RowView } from './_row-scratch.ts';
import { PortMasks, portClasses, type PortClass, type RulePorts } from './_port-classes.ts';

export interface Reachability {
  readonly classes: number;
  readonly portClasses: readonly PortClass[];
  /** Allowed (source class, destination class, port class) triples, NetworkPolicy tier only. */
  readonly allowedTriples: number;
  /** When kept: `rows[d * P + p]` is the bitset of source classes allowed to reach class d on port class p. */
  readonly rows?: readonly Uint32Array[];
}

/** An egress rule: the classes its policy selects (the sources it speaks for) and its ports. */
interface EgressRule {
  readonly ports: RulePorts;
  readonly sources: Int32Array;
  /** Namespace index of the policy, hence of every source. */
  readonly ns: number;
}

/** Sets with at least this many classes are tested through their bitset instead of being spread per row. */
const BIG = 256;
/** Port classes per pass: the scratch masks are bytes. */
const CHUNK = 8;

/**
 * Every (source class, destination class, port class) verdict of the NetworkPolicy tier. Per destination class
 * and chunk of ≤ 8 port classes (one byte per source keeps the scratch arrays small), one pass:
 * - ingress: the peer sets of the rules admitting it are spread into a per-source port mask (`inMask`); sets of
 *   `BIG` classes or more are not spread but tested through their bitset;
 * - egress, inverted: the rules whose peers contain the destination (an index built once) name their policy's
 *   selected classes as sources; each source is tested against the ingress masks, and its allowed ports are
 *   recorded once (`done`), so a source reached through several rules counts once per port class.
 * Sources are only visited in namespaces where ingress admits someone (a policy's selected classes share its
 * namespace). The result is kept class-compressed: counted (`allowedTriples`), or as one bitset per
 * (destination class, port class) with `keep`, built by a plain union of bitsets (a second, independent path
 * the property tests compare with the counts and with `PolicyEngine.allows`).
 * Pod-level exceptions (a pod to itself, a pod and its own node) and the admin tiers are `PolicyEngine.explain`'s.
 */
export function computeReachability(
  engine: PolicyEngine,
  /**
   * keep: also return the rows (built by the plain union path). bigAt and chunk are for the tests: the set
   * size from which sets are tested through their bitset (default 256), port classes per pass (≤ 8).
   * portClasses: the port classes to decide (default: every one of `portClasses(engine)`; a subset of them).
   * onRow: called after each destination class of each pass, with the allowed sources of that row (see
   * `RowView`); bit p of a mask is port class `base + p`.
   * destinations: decide only the destination classes it marks (by class id); the rows of the others are neither
   * computed nor counted (`allowedTriples` counts the marked ones).
   */
  options: {
    keep?: boolean;
    bigAt?: number;
    chunk?: number;
    portClasses?: readonly PortClass[];
    onRow?: (d: number, base: number, row: RowView) => void;
    destinations?: Uint8Array;
  } = {},
): Reachability {
  const classes = engine.classes;
  const C = classes.length;
  const bigAt = options.bigAt ?? BIG;
  const chunk = Math.min(options.chunk ?? CHUNK, CHUNK);
  const ports = options.portClasses ?? portClasses(engine);
  const sets = engine.peerSets;
  const nsIndex = new Map(sets.namespaces.map((n, i) => [n, i]));
  const masks = new PortMasks(engine, ports);
  const nodeMode = (id: number) => classes[id].hostNetwork && engine.hostNetwork === 'node';
  // Egress: each policy's selected classes; the classes no egress policy isolates ("open") and their count.
  const selected = engine.policies.map(() => [] as number[]);
  const isOpen = new Uint8Array(C);
  let openCount = 0;
  for (const c of classes) {
    const eg = engine.policiesOf(c, 'Egress');
    for (const i of eg) selected[i].push(c.id);
    if (!eg.length) {
      isOpen[c.id] = 1;
      openCount++;
    }
  }
  const egress: EgressRule[] = [];
  const everyPeer: number[] = [];
  const egressPeers: Int32Array[] = [];
  engine.policies.forEach((np, i) => {
    if (!np.policyTypes.includes('Egress') || !selected[i].length) return;
    const sources = new Int32Array(selected[i]);
    for (const rule of np.egress) {
      if (rule.peers === 'all') everyPeer.push(egress.length);
      egressPeers.push(rule.peers === 'all' ? new Int32Array(0) : sets.idsOf(rule.peers, np));
      egress.push({ ports: masks.rule(rule), sources, ns: nsIndex.get(np.namespace)! });
    }
  });
  const inverted = invert(C, egressPeers, sets.sets);
  // Ingress: each policy's rules with their ports and peer sets; with `destinations`, only the policies isolating
  // one of them (no other policy's rules are read; `keep` reads every class).
  const read = options.destinations && !options.keep && isolatingAny(engine, options.destinations);
  const ingress = engine.policies.map((np, i) =>
    read && !read[i]
      ? []
      : np.ingress.map((rule) => ({
          ports: masks.rule(rule),
          ids: rule.peers === 'all' ? undefined : sets.idsOf(rule.peers, np),
        })),
  );
  // The open members of big sets, spread like small sets (open sources are counted on the ingress side).
  const openPart = new Map<number, Int32Array>();
  const openOf = (k: number) => {
    let part = openPart.get(k);
    if (!part) openPart.set(k, (part = sets.sets[k].filter((s) => isOpen[s] === 1)));
    return part;
  };
  const allRulePorts = [...egress.map((e) => e.ports), ...ingress.flat().map((r) => r.ports)];
  const scratch = new RowScratch(C);
  const nsMark = new Int32Array(sets.namespaces.length).fill(-1);
  const ruleMasks: number[] = [];
  const rows: Uint32Array[] = [];
  let triples = 0;
  let stamp = 0;
  for (let base = 0; base < ports.length; base += chunk) {
    const width = Math.min(chunk, ports.length - base);
    const full = (1 << width) - 1;
    masks.chunk(base, width, allRulePorts);
    for (const d of classes) {
      if (options.destinations && !options.destinations[d.id]) continue;
      stamp++;
      const dPod = nodeMode(d.id) ? undefined : d.id;
      const isolating = dPod === undefined ? [] : engine.policiesOf(d, 'Ingress');
      masks.destination(dPod);
      // Ports on which d admits every source: not isolated, or a rule without peers.
      let everyone = isolating.length ? 0 : full;
      ruleMasks.length = 0;
      for (const i of isolating)
        for (const r of ingress[i]) {
          const m = masks.mask(r.ports);
          ruleMasks.push(m);
          if (!r.ids) everyone |= m;
        }
      triples += openCount * popcount(everyone);
      // Ingress peer sets: spread (open sources counted there), big ones tested through their bitset.
      let q = 0;
      for (const i of isolating)
        for (const r of ingress[i]) {
          const m = ruleMasks[q++] & ~everyone;
          if (!m || !r.ids) continue;
          for (let x = 0; x < r.ids.length; x++) {
            const k = r.ids[x];
            const ids = sets.sets[k];
            if (!ids.length) continue;
            const nss = sets.namespacesOf[k];
            for (let y = 0; y < nss.length; y++) nsMark[nss[y]] = stamp;
            if (ids.length >= bigAt) {
              scratch.addBig(sets.dense(k), m);
              triples += scratch.spread(openOf(k), m, isOpen);
            } else triples += scratch.spread(ids, m, isOpen);
          }
        }
      // Egress, inverted: the isolated sources whose rules admit d, only in namespaces ingress admits from.
      const anyNs = everyone !== 0;
      const first = inverted.start[d.id];
      const count = everyPeer.length + inverted.start[d.id + 1] - first;
      for (let j = 0; j < count; j++) {
        const e = egress[j < everyPeer.length ? everyPeer[j] : inverted.rules[first + j - everyPeer.length]];
        if (!anyNs && nsMark[e.ns] !== stamp) continue;
        const em = masks.mask(e.ports);
        if (em) triples += scratch.visit(e.sources, em, everyone);
      }
      if (options.onRow) options.onRow(d.id, base, scratch.view(everyone, isOpen));
      scratch.clear();
    }
  }
  if (options.keep) keepRows(engine, ports, masks, egress, everyPeer, inverted, ingress, rows);
  return { classes: C, portClasses: ports, allowedTriples: triples, ...(options.keep ? { rows } : {}) };
}

/** The policies (by index) isolating for ingress some class `marked` marks. */
function isolatingAny(engine: PolicyEngine, marked: Uint8Array): Uint8Array {
  const out = new Uint8Array(engine.policies.length);
  for (const c of engine.classes)
    if (marked[c.id]) for (const i of engine.policiesOf(c, 'Ingress')) out[i] = 1;
  return out;
}

/** Destination class → egress rules whose peers contain it, in compressed rows (each rule once per class). */
function invert(
  C: number,
  peersOf: readonly Int32Array[],
  sets: readonly Int32Array[],
): { start: Int32Array; rules: Int32Array } {
  const start = new Int32Array(C + 1);
  const last = new Int32Array(C).fill(-1);
  const each = (fn: (d: number, r: number) => void) => {
    last.fill(-1);
    peersOf.forEach((ids, r) => {
      for (const k of ids)
        for (const d of sets[k])
          if (last[d] !== r) {
            last[d] = r;
            fn(d, r);
          }
    });
  };
  each((d) => start[d + 1]++);
  for (let d = 0; d < C; d++) start[d + 1] += start[d];
  const rules = new Int32Array(start[C]);
  const fill = start.slice(0, C);
  each((d, r) => (rules[fill[d]++] = r));
  return { start, rules };
}

/**
 * The kept rows, by plain unions: for each (destination class, port class), the ingress bitset (union of the
 * admitting peer sets) AND the egress bitset (unselected classes and the sources of every admitting rule).
 */
function keepRows(
  engine: PolicyEngine,
  ports: readonly PortClass[],
  masks: PortMasks,
  egress: readonly EgressRule[],
  everyPeer: readonly number[],
  inverted: { start: Int32Array; rules: Int32Array },
  ingress: readonly { ports: RulePorts; ids: Int32Array | undefined }[][],
  rows: Uint32Array[],
): void {
  const classes = engine.classes;
  const W = (classes.length + 31) >>> 5;
  const sets = engine.peerSets;
  const set = (bits: Uint32Array, ids: ArrayLike<number>) => {
    for (let j = 0; j < ids.length; j++) bits[ids[j] >>> 5] |= 1 << (ids[j] & 31);
  };
  for (let base = 0; base < ports.length; base += 30) {
    const width = Math.min(30, ports.length - base);
    masks.chunk(base, width, [...egress.map((e) => e.ports), ...ingress.flat().map((r) => r.ports)]);
    for (const d of classes) {
      const dPod = d.hostNetwork && engine.hostNetwork === 'node' ? undefined : d.id;
      const isolating = dPod === undefined ? [] : engine.policiesOf(d, 'Ingress');
      masks.destination(dPod);
      const rules = [...everyPeer];
      for (let j = inverted.start[d.id]; j < inverted.start[d.id + 1]; j++) rules.push(inverted.rules[j]);
      for (let p = 0; p < width; p++) {
        const bit = 1 << p;
        const inBits = new Uint32Array(W);
        if (!isolating.length)
          set(
            inBits,
            classes.map((c) => c.id),
          );
        for (const i of isolating)
          for (const r of ingress[i])
            if (masks.mask(r.ports) & bit)
              if (!r.ids)
                set(
                  inBits,
                  classes.map((c) => c.id),
                );
              else for (const k of r.ids) set(inBits, sets.sets[k]);
        const egBits = new Uint32Array(W);
        set(
          egBits,
          classes.filter((c) => !engine.policiesOf(c, 'Egress').length).map((c) => c.id),
        );
        for (const r of rules) if (masks.mask(egress[r].ports) & bit) set(egBits, egress[r].sources);
        for (let w = 0; w < W; w++) inBits[w] &= egBits[w];
        rows[d.id * ports.length + base + p] = inBits;
      }
    }
  }
}
