import type { Pod, PolicyRule, Protocol } from '../../model/types.ts';
import type { CiliumRule } from '../../model/cilium-policy.ts';
import { ciliumPortMatches } from './_cilium-match.ts';
import type { PolicyEngine } from './_engine.ts';
import { portMatches } from './_ports.ts';

export interface TierReachability {
  readonly classes: number;
  /** One (protocol, first port) per port class: ports every rule treats alike at every destination class. */
  readonly portClasses: readonly { readonly protocol: Protocol; readonly port: number }[];
  /** Allowed (source class, destination class, port class) triples, NetworkPolicy and Cilium tiers together. */
  readonly allowedTriples: number;
  /** With `keep`: `rows[p][d]` is the bitset of source classes allowed to reach class d on port class p. */
  readonly rows?: readonly (readonly Uint32Array[])[];
}

const popcount = (x: number) => {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
};

/**
 * Every (source class, destination class, port class) verdict of the NetworkPolicy and Cilium tiers together,
 * set by set: per port class, the egress side inverted (for each destination class, the bitset of source
 * classes whose egress admits it: open sources, plus the selected sources of every allow rule whose peers hold
 * the destination, minus those of every deny rule), then per destination class the ingress bitset (everyone
 * when not isolated, else the union of its allow rules' peer sets) minus its deny rules' peer sets, intersected
 * with the egress bitset and counted. Pods only (hostNetwork classes in `node` mode, addresses, a pod and itself
 * are `explain`'s), L4 only (L7 rules admit the connection), admin tiers excluded — as `computeReachability`.
 * The property test holds it to `PolicyEngine.allows`.
 */
export function computeTierReachability(
  engine: PolicyEngine,
  options: { keep?: boolean } = {},
): TierReachability {
  const classes = engine.classes;
  const C = classes.length;
  const W = (C + 31) >>> 5;
  const cilium = engine.cilium.active ? engine.cilium : undefined;
  const pods = new Uint32Array(W);
  for (const c of classes)
    if (!(c.hostNetwork && engine.hostNetwork === 'node')) pods[c.id >>> 5] |= 1 << (c.id & 31);
  const setIds = new Map<string, Int32Array>();
  const idsOf = (key: string, make: () => ArrayLike<number>) => {
    let ids = setIds.get(key);
    if (!ids) setIds.set(key, (ids = Int32Array.from(make())));
    return ids;
  };
  // Rules in a uniform shape: the classes they speak for, their peer classes (undefined: every pod), ports.
  // `named`: some port is a name (the verdict depends on the destination pod); `now`: the verdict at the
  // current port class — 0 no, 1 yes, 2 ask `port` per destination class.
  interface Rule {
    readonly sources: Int32Array;
    readonly ids?: Int32Array;
    readonly deny: boolean;
    readonly named: boolean;
    now: number;
    readonly port: (port: number, protocol: Protocol, destination: Pod | undefined) => boolean;
  }
  const rules: Rule[][] = [[], []]; // [Ingress, Egress]
  const npSources = engine.policies.map(() => [[] as number[], [] as number[]]);
  const ciSources = (cilium?.entries ?? []).map(() => [] as number[]);
  const isolated = [new Uint8Array(C), new Uint8Array(C)];
  for (const c of classes) {
    for (const [d, dir] of [
      [0, 'Ingress'],
      [1, 'Egress'],
    ] as const) {
      const np = engine.policiesOf(c, dir);
      for (const i of np) npSources[i][d].push(c.id);
      if (np.length || cilium?.isolates(c, dir)) isolated[d][c.id] = 1;
      if (cilium) for (const i of cilium.rulesOf(c, dir)) ciSources[i].push(c.id);
    }
  }
  const dest = (d: number) => classes[d].pods[0];
  const merge = (lists: readonly ArrayLike<number>[]) => {
    const all = new Set<number>();
    for (const l of lists) for (let i = 0; i < l.length; i++) all.add(l[i]);
    return Int32Array.from([...all].sort((a, b) => a - b));
  };
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
          named: r.ports !== 'all' && r.ports.some((pp) => typeof pp.port === 'string'),
          now: 0,
          port: (port, protocol, destination) =>
            r.ports === 'all' || r.ports.some((pp) => portMatches(pp, port, protocol, destination)),
        });
    }),
  );
  cilium?.entries.forEach((e, i) => {
    if (!ciSources[i].length) return;
    const d = e.rule.section.startsWith('ingress') ? 0 : 1;
    const ids = ciliumPeers(e.rule);
    rules[d].push({
      sources: Int32Array.from(ciSources[i]),
      ...(ids ? { ids } : {}),
      deny: e.rule.section.endsWith('Deny'),
      named:
        e.rule.toPorts !== 'all' &&
        e.rule.toPorts.some((pr) => pr.ports.some((pp) => typeof pp.port === 'string')),
      now: 0,
      port: (port, protocol, destination) =>
        e.rule.toPorts === 'all' ||
        e.rule.toPorts.some(
          (pr) =>
            !pr.ports.length || pr.ports.some((pp) => ciliumPortMatches(pp, port, protocol, destination)),
        ),
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
    return parts.length === 1
      ? parts[0]
      : idsOf(`m:${parts.length}:${parts.map((x) => x.join(',')).join('|')}`, () => merge(parts));
  }
  // Ingress rules per destination class (the classes a rule speaks for).
  const ingressOf: Rule[][] = classes.map(() => []);
  for (const r of rules[0]) for (const id of r.sources) ingressOf[id].push(r);
  const allIds = Int32Array.from(classes.filter((c) => isPod(c.id)).map((c) => c.id));
  function isPod(id: number) {
    return ((pods[id >>> 5] >>> (id & 31)) & 1) === 1;
  }
  const portClasses = probes(engine);
  let triples = 0;
  const kept: Uint32Array[][] = [];
  const open = new Uint32Array(W);
  for (const c of classes) if (!isolated[1][c.id]) open[c.id >>> 5] |= 1 << (c.id & 31);
  const row = new Uint32Array(W);
  const denied = new Uint32Array(W);
  const stamp = new Int32Array(W).fill(-1);
  const touched: number[] = [];
  let round = 0;
  // Does rule r admit the port class at destination class d? (`now` set per port class below.)
  const admits = (r: Rule, port: number, protocol: Protocol, d: number) =>
    r.now === 1 || (r.now === 2 && r.port(port, protocol, dest(d)));
  for (const { port, protocol } of portClasses) {
    // Rules without named ports answer alike at every destination: once per port class.
    for (const list of rules)
      for (const r of list) r.now = r.named ? 2 : r.port(port, protocol, undefined) ? 1 : 0;
    // Egress, inverted: per destination class, the source classes admitted (col) and denied (deny).
    const col: (Uint32Array | undefined)[] = new Array(C);
    const deny: (Uint32Array | undefined)[] = new Array(C);
    for (const r of rules[1]) {
      const into = r.deny ? deny : col;
      const ids = r.ids ?? allIds;
      for (let k = 0; k < ids.length; k++) {
        const d = ids[k];
        if (!isPod(d) || !admits(r, port, protocol, d)) continue;
        const t = (into[d] ??= new Uint32Array(W));
        for (const s of r.sources) t[s >>> 5] |= 1 << (s & 31);
      }
    }
    const rows: Uint32Array[] = [];
    for (let d = 0; d < C; d++) {
      const out = options.keep ? new Uint32Array(W) : undefined;
      if (out) rows.push(out);
      if (!isPod(d)) continue;
      // Ingress at d: everyone when not isolated, else its allow rules' peers; minus its deny rules' peers.
      round++;
      touched.length = 0;
      let everyone = !isolated[0][d];
      let denyAll = false;
      for (const r of ingressOf[d]) {
        if (!admits(r, port, protocol, d)) continue;
        if (!r.ids) {
          if (r.deny) denyAll = true;
          else everyone = true;
          continue;
        }
        const target = r.deny ? denied : row;
        const ids: Int32Array = r.ids;
        for (let k = 0; k < ids.length; k++) {
          const s: number = ids[k];
          const w = s >>> 5;
          if (stamp[w] !== round) {
            stamp[w] = round;
            touched.push(w);
            row[w] = 0;
            denied[w] = 0;
          }
          target[w] |= 1 << (s & 31);
        }
      }
      const c = col[d];
      const x = deny[d];
      let n = 0;
      if (!denyAll) {
        // Every word when everyone may connect, else the words the allow rules touched.
        const words = everyone ? W : touched.length;
        for (let k = 0; k < words; k++) {
          const w = everyone ? k : touched[k];
          const v =
            (everyone ? -1 : row[w]) &
            (stamp[w] === round ? ~denied[w] : -1) &
            (open[w] | (c ? c[w] : 0)) &
            ~(x ? x[w] : 0) &
            pods[w];
          if (out) out[w] = v;
          n += popcount(v);
        }
      }
      triples += n;
    }
    if (options.keep) kept.push(rows);
  }
  return { classes: C, portClasses, allowedTriples: triples, ...(options.keep ? { rows: kept } : {}) };
}

/**
 * Port classes: per protocol, the ports cut at every boundary a rule draws (a port, one past an endPort) and at
 * every container port a named port resolves to; each class is represented by its first port.
 */
function probes(engine: PolicyEngine): { protocol: Protocol; port: number }[] {
  const cuts = new Map<Protocol, Set<number>>([
    ['TCP', new Set([1])],
    ['UDP', new Set([1])],
    ['SCTP', new Set([1])],
  ]);
  const add = (protocols: readonly Protocol[], from: number, to: number) =>
    protocols.forEach((p) =>
      cuts
        .get(p)!
        .add(from)
        .add(to + 1),
    );
  const named = new Set<string>();
  for (const np of engine.policies)
    for (const r of [...np.ingress, ...np.egress])
      if (r.ports !== 'all')
        for (const pp of r.ports)
          if (typeof pp.port === 'string') named.add(pp.port);
          else if (pp.port !== undefined) add([pp.protocol], pp.port, pp.endPort ?? pp.port);
  for (const e of engine.cilium.active ? engine.cilium.entries : [])
    if (e.rule.toPorts !== 'all')
      for (const pr of e.rule.toPorts)
        for (const pp of pr.ports) {
          const protocols: Protocol[] = pp.protocol === 'ANY' ? ['TCP', 'UDP', 'SCTP'] : [pp.protocol];
          if (typeof pp.port === 'string') named.add(pp.port);
          else if (pp.port > 0) add(protocols, pp.port, pp.endPort ?? pp.port);
        }
  for (const c of engine.classes)
    for (const cp of c.pods[0].ports)
      if (cp.name && named.has(cp.name)) add([cp.protocol], cp.containerPort, cp.containerPort);
  const out: { protocol: Protocol; port: number }[] = [];
  for (const [protocol, set] of cuts)
    for (const port of [...set].sort((a, b) => a - b)) if (port <= 65535) out.push({ protocol, port });
  return out;
}
