import type { PolicyRule, Protocol } from '../../model/types.ts';
import type { CiliumRule } from '../../model/cilium-policy.ts';
import type { PolicyEngine } from './_engine.ts';
import type { PodClass } from './_classes.ts';
import { HostPeers } from './_cilium-hosts.ts';
import { TierPortClasses, ciliumPorts, npPorts, type TierPortClass, type TierPorts } from './_tier-ports.ts';

export interface TierReachability {
  readonly classes: number;
  /**
   * The port classes decided (ports every rule treats alike at every destination class; `port`, the first, stands
   * for each class): all of them, or with `ports` those holding one of the ports asked about, in port-class order.
   */
  readonly portClasses: readonly TierPortClass[];
  /** With `ports`: per port asked about, the index of its class in `portClasses`. */
  readonly slotOf?: Int32Array;
  /** Allowed (source class, destination class, port class) triples, NetworkPolicy and Cilium tiers together. */
  readonly allowedTriples: number;
  /** With `keep`: `rows[p][d]` is the bitset of source classes allowed to reach class d on port class p. */
  readonly rows?: readonly (readonly Uint32Array[])[];
}

/**
 * The allowed sources of one destination row, over the port classes of one pass (bit p: decided port class
 * `base + p`): every quiet source (`quietSources`) on the bits of `everyone`, and each pod source `forEach` names
 * (once) on the bits of its mask — for quiet sources, the bits beyond `everyone`.
 */
export interface TierRow {
  readonly everyone: number;
  forEach(fn: (source: number, mask: number) => void): void;
}

export interface TierReachOptions {
  /** Also return the rows as bitsets (`rows`). */
  readonly keep?: boolean;
  /** Decide only the port classes holding one of these ports (1-65535); default every port class. */
  readonly ports?: readonly { readonly port: number; readonly protocol: Protocol }[];
  /** Decide only the destination classes marked 1 (by class id); default every one. */
  readonly destinations?: Uint8Array;
  /** Only the source classes marked 1 are wanted (others may be left out of rows and counts); default every one. */
  readonly sources?: Uint8Array;
  /**
   * Also decide the hostNetwork classes in `node` mode (`hostAddress`) as their node's address seen from another
   * node (the Cilium tier splits them by node); default: pods only.
   */
  readonly hosts?: boolean;
  /** Called after each decided destination row of each pass (destination classes ascending within a pass). */
  readonly onRow?: (d: number, base: number, row: TierRow) => void;
}

/**
 * Pod classes whose egress nothing can restrict: no NetworkPolicy with policyType Egress and no Cilium rule
 * (allow or deny) selects them, and no Cilium spec puts them in egress default deny. Toward a pod they are
 * allowed exactly when the destination's ingress admits them.
 */
export function quietSources(engine: PolicyEngine, hosts = false): Uint8Array {
  const out = new Uint8Array(engine.classes.length);
  const cilium = engine.cilium.active ? engine.cilium : undefined;
  for (const c of engine.classes)
    if (
      (c.hostNetwork && engine.hostNetwork === 'node' ? hosts && hostAddress(engine, c) : true) &&
      !engine.policiesOf(c, 'Egress').length &&
      !(cilium && (cilium.isolates(c, 'Egress') || cilium.rulesOf(c, 'Egress').length))
    )
      out[c.id] = 1;
  return out;
}

/**
 * A hostNetwork class in `node` mode that the set-based path decides as its node's address: the Cilium tier is on
 * (its classes hold one node each) and the pods have a node and an address. Its own side is always allowed.
 */
export function hostAddress(engine: PolicyEngine, c: PodClass): boolean {
  return (
    c.hostNetwork &&
    engine.hostNetwork === 'node' &&
    engine.cilium.active &&
    c.firstPod.nodeName !== undefined &&
    !!c.firstPod.ip
  );
}

/** Port classes per pass: one bit each of a 32-bit mask. */
const CHUNK = 32;
const NONE: readonly Rule[] = [];

/** A rule of either tier: the classes it speaks for, its peer classes (undefined: every pod), its ports. */
interface Rule {
  readonly sources: Int32Array;
  readonly ids?: Int32Array;
  readonly deny: boolean;
  readonly ports: TierPorts;
  /** The port classes of the current pass its numeric ports admit (named ports: per destination). */
  fixed: number;
}

const popcount = (x: number) => {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
};

/**
 * Every (source class, destination class, port class) verdict of the NetworkPolicy and Cilium tiers together,
 * one pass per destination class for up to 32 port classes at once (one bit each): each rule's ports become a
 * mask (numeric ports once per pass, port names resolved at the destination), then
 * - ingress at d: everyone on the ports where d is not isolated or a rule without peers admits, else the peer
 *   classes of its allow rules spread into one bitset per port class, minus those of its deny rules;
 * - egress, inverted (the rules whose peers hold d, indexed once): the sources of the admitting allow rules,
 *   plus the classes no egress rule isolates ("open"), minus the sources of the admitting deny rules;
 * - the two intersected and counted, on the words ingress touched (every word where everyone is admitted);
 *   with `onRow`, turned into per-source masks (each allowed source named once per row and pass), leaving out the
 *   quiet sources (`quietSources`) on the port classes where d admits every one of them (`TierRow.everyone`):
 *   rows of open destinations then cost what their non-quiet sources reach, not C.
 * `ports` and `destinations` narrow the work to what a matrix shows (the port classes of its ports, the classes
 * with pods in it). Pods only (hostNetwork classes in `node` mode, addresses, a pod and itself are `explain`'s), L4 only (L7 rules
 * admit the connection), admin tiers excluded — as `computeReachability`. The property test holds it to
 * `PolicyEngine.allows` on every class pair and on two ports of every port class.
 */
export function computeTierReachability(
  engine: PolicyEngine,
  options: TierReachOptions = {},
): TierReachability {
  const classes = engine.classes;
  const C = classes.length;
  const W = (C + 31) >>> 5;
  const cilium = engine.cilium.active ? engine.cilium : undefined;
  const pods = new Int32Array(W);
  const wanted = (id: number) =>
    !options.sources ||
    options.sources[id] === 1 ||
    (!!options.destinations && options.destinations[id] === 1);
  const hosts = options.hosts && cilium ? classes.filter((c) => hostAddress(engine, c) && wanted(c.id)) : [];
  const hostPeers = hosts.length ? new HostPeers(cilium!, hosts) : undefined;
  const isHost = new Uint8Array(C);
  for (const h of hosts) isHost[h.id] = 1;
  for (const c of classes)
    if (!(c.hostNetwork && engine.hostNetwork === 'node') || isHost[c.id])
      pods[c.id >>> 5] |= 1 << (c.id & 31);
  const isPod = (id: number) => ((pods[id >>> 5] >>> (id & 31)) & 1) === 1;
  const setIds = new Map<string, Int32Array>();
  const npSources = engine.policies.map(() => [[] as number[], [] as number[]]);
  const ciSources = (cilium?.entries ?? []).map(() => [] as number[]);
  const isolated = [new Uint8Array(C), new Uint8Array(C)];
  for (const c of classes)
    for (let d = 0; d < 2; d++) {
      const dir = d === 0 ? 'Ingress' : 'Egress';
      const np = engine.policiesOf(c, dir);
      for (let k = 0; k < np.length; k++) npSources[np[k]][d].push(c.id);
      if (np.length || cilium?.isolates(c, dir)) isolated[d][c.id] = 1;
      if (cilium) {
        const list = cilium.rulesOf(c, dir);
        for (let k = 0; k < list.length; k++) ciSources[list[k]].push(c.id);
      }
    }
  const merge = (lists: readonly Int32Array[]) => {
    if (lists.length === 1) return lists[0];
    const all = new Set<number>();
    for (const l of lists) for (let i = 0; i < l.length; i++) all.add(l[i]);
    return Int32Array.from([...all].sort((a, b) => a - b));
  };
  const rules: Rule[][] = [[], []]; // [Ingress, Egress]
  engine.policies.forEach((np, i) =>
    [np.ingress, np.egress].forEach((list, d) => {
      if (!npSources[i][d].length) return;
      const sources = Int32Array.from(npSources[i][d]);
      for (const r of list as readonly PolicyRule[])
        rules[d].push({
          sources,
          ...(r.peers === 'all'
            ? {}
            : {
                ids: merge(r.peers.map((p) => engine.peerSets.sets[engine.peerSets.idOf(p, np.namespace)])),
              }),
          deny: false,
          ports: npPorts(r),
          fixed: 0,
        });
    }),
  );
  cilium?.entries.forEach((e, i) => {
    if (!ciSources[i].length) return;
    let ids = ciliumPeers(e.rule);
    const extra = ids && hostPeers ? hostPeers.of(e.rule) : [];
    if (ids && extra.length) ids = merge([ids, Int32Array.from(extra)]);
    rules[e.rule.section.startsWith('ingress') ? 0 : 1].push({
      sources: Int32Array.from(ciSources[i]),
      ...(ids ? { ids } : {}),
      deny: e.rule.section.endsWith('Deny'),
      ports: ciliumPorts(e.rule),
      fixed: 0,
    });
  });
  /** The pod classes a Cilium rule's peers select; undefined: every pod. */
  function ciliumPeers(rule: CiliumRule): Int32Array | undefined {
    if (rule.peers === 'all') return undefined;
    const parts: Int32Array[] = [];
    for (const p of rule.peers) {
      if (p.kind === 'endpoints') {
        const reserved = p.selector.requirements.find((r) => r.key.startsWith('reserved:'));
        if (!reserved) parts.push(cilium!.select(p.selector));
        else if (['cluster', 'all'].includes(reserved.key.slice(9))) return undefined;
      } else if (p.kind === 'entity' && (p.entity === 'all' || p.entity === 'cluster')) return undefined;
      else if (p.kind === 'service')
        for (const sel of cilium!.serviceSelectors(p)) parts.push(cilium!.select(sel));
    }
    if (parts.length === 1) return parts[0];
    const key = `${parts.length}:${parts.map((x) => x.join(',')).join('|')}`;
    let ids = setIds.get(key);
    if (!ids) setIds.set(key, (ids = parts.length ? merge(parts) : new Int32Array(0)));
    return ids;
  }
  // Ingress rules per destination class (the classes a rule speaks for); egress rules per peer class.
  const ingressOf: Rule[][] = classes.map(() => []);
  for (const r of rules[0]) for (const id of r.sources) ingressOf[id].push(r);
  const egressAll: Rule[] = [];
  const egressOf: Rule[][] = new Array(C);
  for (const r of rules[1])
    if (!r.ids) egressAll.push(r);
    else for (const d of r.ids) (egressOf[d] ??= []).push(r);
  const pcs = new TierPortClasses(
    [...rules[0], ...rules[1]].map((r) => r.ports),
    classes,
  );
  // The decided port classes (`list`, ascending), and each class's place among them (`pos`, -1: not decided).
  const asked = options.ports?.map((x) => pcs.classOf(x.protocol, x.port));
  const decided = asked ? Int32Array.from(new Set(asked)).sort() : Int32Array.from(pcs.classes, (_, i) => i);
  const pos = new Int32Array(pcs.classes.length).fill(-1);
  decided.forEach((c, i) => (pos[c] = i));
  const P = decided.length;
  const onRow = options.onRow;
  const quiet = onRow ? quietBits(quietSources(engine, hosts.length > 0), W) : undefined;
  const acc = onRow ? new Int32Array(C) : undefined;
  const named: number[] = [];
  const open = new Int32Array(W);
  for (const c of classes) if (!isolated[1][c.id]) open[c.id >>> 5] |= 1 << (c.id & 31);
  // Per port class of the pass (stride W): ingress allowed / denied, egress allowed / denied at the sources.
  const row = new Int32Array(CHUNK * W);
  const den = new Int32Array(CHUNK * W);
  const col = new Int32Array(CHUNK * W);
  const edn = new Int32Array(CHUNK * W);
  const stamp = new Int32Array(W).fill(-1);
  const estamp = new Int32Array(W).fill(-1);
  const touched: number[] = [];
  const kept: Uint32Array[][] = options.keep ? Array.from({ length: P }, () => []) : [];
  let round = 0;
  let triples = 0;
  for (let base = 0; base < P; base += CHUNK) {
    const width = Math.min(CHUNK, P - base);
    const full = width === 32 ? -1 : (1 << width) - 1;
    for (const side of rules) for (const r of side) r.fixed = pcs.fixed(r.ports, decided, base, width);
    for (let d = 0; d < C; d++) {
      if (options.keep) for (let p = 0; p < width; p++) kept[base + p].push(new Uint32Array(W));
      if (!isPod(d) || (options.destinations && !options.destinations[d])) continue;
      round++;
      touched.length = 0;
      const destination = classes[d].firstPod;
      // A node's address declares no port names: names match nothing there.
      const maskAt = (r: Rule) =>
        r.ports.names.length && !isHost[d]
          ? r.fixed | pcs.named(r.ports, destination, pos, base, width)
          : r.fixed;
      // Ingress at d.
      let everyone = isolated[0][d] ? 0 : full;
      let denyAll = 0;
      // Port classes where a deny rule names some peers: not every quiet source is admitted there.
      let denySome = 0;
      for (const r of ingressOf[d]) {
        const m = maskAt(r);
        if (!m) continue;
        if (!r.ids) {
          if (r.deny) denyAll |= m;
          else everyone |= m;
          continue;
        }
        if (r.deny && r.ids.length) denySome |= m;
        const into = r.deny ? den : row;
        const ids = r.ids;
        for (let k = 0; k < ids.length; k++) {
          const s = ids[k];
          const w = s >>> 5;
          if (stamp[w] !== round) {
            stamp[w] = round;
            touched.push(w);
            for (let p = 0, at = w; p < width; p++, at += W) row[at] = den[at] = 0;
          }
          const bit = 1 << (s & 31);
          for (let mm = m; mm !== 0; mm &= mm - 1) into[(31 - Math.clz32(mm & -mm)) * W + w] |= bit;
        }
      }
      everyone &= ~denyAll;
      if (!everyone && !touched.length) continue;
      // Egress at the sources, toward d.
      for (const list of [egressAll, egressOf[d] ?? NONE])
        for (const r of list) {
          const m = maskAt(r);
          if (!m) continue;
          const into = r.deny ? edn : col;
          const ids = r.sources;
          for (let k = 0; k < ids.length; k++) {
            const s = ids[k];
            const w = s >>> 5;
            if (estamp[w] !== round) {
              estamp[w] = round;
              for (let p = 0, at = w; p < width; p++, at += W) col[at] = edn[at] = 0;
            }
            const bit = 1 << (s & 31);
            for (let mm = m; mm !== 0; mm &= mm - 1) into[(31 - Math.clz32(mm & -mm)) * W + w] |= bit;
          }
        }
      let quietAll = 0;
      named.length = 0;
      for (let p = 0; p < width; p++) {
        if (denyAll & (1 << p)) continue;
        const ev = (everyone & (1 << p)) !== 0;
        // Every quiet source is admitted on p: their egress admits every pod, d's ingress every class.
        const byAll = ev && !(denySome & (1 << p));
        if (byAll) quietAll |= 1 << p;
        const out = options.keep ? kept[base + p][d] : undefined;
        const off = p * W;
        const words = ev ? W : touched.length;
        for (let k = 0; k < words; k++) {
          const w = ev ? k : touched[k];
          const eg = estamp[w] === round;
          const v =
            (ev ? -1 : row[off + w]) &
            (stamp[w] === round ? ~den[off + w] : -1) &
            (open[w] | (eg ? col[off + w] : 0)) &
            ~(eg ? edn[off + w] : 0) &
            pods[w];
          if (out) out[w] = v;
          triples += popcount(v);
          if (acc)
            for (let b = byAll ? v & ~quiet![w] : v; b !== 0; b &= b - 1) {
              const s = (w << 5) + 31 - Math.clz32(b & -b);
              if (acc[s] === 0) named.push(s);
              acc[s] |= 1 << p;
            }
        }
      }
      if (onRow && acc) {
        onRow(d, base, {
          everyone: quietAll,
          forEach(fn) {
            for (let j = 0; j < named.length; j++) fn(named[j], acc[named[j]]);
          },
        });
        for (let j = 0; j < named.length; j++) acc[named[j]] = 0;
      }
    }
  }
  return {
    classes: C,
    portClasses: Array.from(decided, (c) => pcs.classes[c]),
    ...(asked ? { slotOf: Int32Array.from(asked, (c) => pos[c]) } : {}),
    allowedTriples: triples,
    ...(options.keep ? { rows: kept } : {}),
  };
}

/** Per-class flags as a bitset of W words. */
function quietBits(flags: Uint8Array, W: number): Int32Array {
  const out = new Int32Array(W);
  flags.forEach((f, id) => f && (out[id >>> 5] |= 1 << (id & 31)));
  return out;
}
