import type { PolicyRule, Protocol } from '../../model/types.ts';
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
  const bits = new Map<string, Uint32Array>();
  const toBits = (key: string, ids: ArrayLike<number>) => {
    let b = bits.get(key);
    if (!b) {
      b = new Uint32Array(W);
      for (let i = 0; i < ids.length; i++) b[ids[i] >>> 5] |= 1 << (ids[i] & 31);
      bits.set(key, b);
    }
    return b;
  };
  // Rules in a uniform shape: sources (classes they speak for), peer classes (undefined: every pod), ports.
  interface Rule {
    readonly sources: Uint32Array;
    /** Undefined: every pod. `ids` the same classes, sorted. */
    readonly peers?: Uint32Array;
    readonly ids?: Int32Array;
    readonly deny: boolean;
    readonly port: (port: number, protocol: Protocol, d: number) => boolean;
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
  engine.policies.forEach((np, i) =>
    [np.ingress, np.egress].forEach((list, d) => {
      if (!npSources[i][d].length) return;
      const sources = toBits(`np${i}/${d}`, npSources[i][d]);
      for (const r of list as readonly PolicyRule[])
        rules[d].push({
          sources,
          ...withIds(
            r.peers === 'all'
              ? undefined
              : union(
                  r.peers.map((p) => engine.peerSets.dense(engine.peerSets.idOf(p, np.namespace))),
                  W,
                ),
          ),
          deny: false,
          port: (port, protocol, c) =>
            r.ports === 'all' || r.ports.some((pp) => portMatches(pp, port, protocol, dest(c))),
        });
    }),
  );
  cilium?.entries.forEach((e, i) => {
    if (!ciSources[i].length) return;
    const d = e.rule.section.startsWith('ingress') ? 0 : 1;
    rules[d].push({
      sources: toBits(`ci${i}`, ciSources[i]),
      ...withIds(ciliumPeers(e.rule)),
      deny: e.rule.section.endsWith('Deny'),
      port: (port, protocol, c) =>
        e.rule.toPorts === 'all' ||
        e.rule.toPorts.some(
          (pr) => !pr.ports.length || pr.ports.some((pp) => ciliumPortMatches(pp, port, protocol, dest(c))),
        ),
    });
  });
  function ciliumPeers(rule: CiliumRule): Uint32Array | undefined {
    if (rule.peers === 'all') return undefined;
    const parts: Uint32Array[] = [];
    for (const p of rule.peers) {
      if (p.kind === 'endpoints') {
        const reserved = p.selector.requirements.find((r) => r.key.startsWith('reserved:'));
        if (reserved) {
          if (['cluster', 'all'].includes(reserved.key.slice(9))) parts.push(pods);
        } else parts.push(toBits(`sel:${JSON.stringify(p.selector)}`, cilium!.select(p.selector)));
      } else if (p.kind === 'entity' && (p.entity === 'all' || p.entity === 'cluster')) parts.push(pods);
      else if (p.kind === 'service')
        for (const sel of cilium!.serviceSelectors(p))
          parts.push(toBits(`sel:${JSON.stringify(sel)}`, cilium!.select(sel)));
    }
    return union(parts, W);
  }
  function withIds(peers: Uint32Array | undefined): { peers?: Uint32Array; ids?: Int32Array } {
    if (!peers) return {};
    const ids: number[] = [];
    for (let w = 0; w < W; w++)
      for (let v = peers[w]; v; v &= v - 1) ids.push((w << 5) + (31 - Math.clz32(v & -v)));
    return { peers, ids: new Int32Array(ids) };
  }
  // Ingress rules per destination class (the classes a rule speaks for).
  const ingressOf: Rule[][] = classes.map(() => []);
  for (const r of rules[0])
    for (let w = 0; w < W; w++)
      for (let v = r.sources[w]; v; v &= v - 1) ingressOf[(w << 5) + (31 - Math.clz32(v & -v))].push(r);
  const allIds = withIds(pods).ids!;
  const portClasses = probes(engine);
  let triples = 0;
  const kept: Uint32Array[][] = [];
  const open = new Uint32Array(W);
  for (const c of classes) if (!isolated[1][c.id]) open[c.id >>> 5] |= 1 << (c.id & 31);
  for (const { port, protocol } of portClasses) {
    // Egress, inverted: per destination class, the source classes admitted (col) and denied (deny).
    const col: (Uint32Array | undefined)[] = new Array(C);
    const deny: (Uint32Array | undefined)[] = new Array(C);
    for (const r of rules[1]) {
      const into = r.deny ? deny : col;
      const ids = r.ids ?? allIds;
      for (let k = 0; k < ids.length; k++) {
        const d = ids[k];
        if (!((pods[d >>> 5] >>> (d & 31)) & 1) || !r.port(port, protocol, d)) continue;
        const t = (into[d] ??= new Uint32Array(W));
        for (let w = 0; w < W; w++) t[w] |= r.sources[w];
      }
    }
    const rows: Uint32Array[] = [];
    const row = new Uint32Array(W);
    const denied = new Uint32Array(W);
    for (let d = 0; d < C; d++) {
      if (!((pods[d >>> 5] >>> (d & 31)) & 1)) {
        if (options.keep) rows.push(new Uint32Array(W));
        continue;
      }
      const inRow = ingressRow(d);
      let n = 0;
      const c = col[d];
      const x = deny[d];
      const out = options.keep ? new Uint32Array(W) : undefined;
      for (let w = 0; w < W; w++) {
        const v = inRow[w] & (open[w] | (c ? c[w] : 0)) & ~(x ? x[w] : 0) & pods[w];
        if (out) out[w] = v;
        n += popcount(v);
      }
      if (out) rows.push(out);
      triples += n;
    }
    if (options.keep) kept.push(rows);

    function ingressRow(d: number): Uint32Array {
      row.fill(0);
      denied.fill(0);
      if (!isolated[0][d]) row.set(pods);
      for (const r of ingressOf[d]) {
        if (!r.port(port, protocol, d)) continue;
        const target = r.deny ? denied : row;
        const peers = r.peers ?? pods;
        for (let w = 0; w < W; w++) target[w] |= peers[w];
      }
      for (let w = 0; w < W; w++) row[w] &= ~denied[w];
      return row;
    }
  }
  return { classes: C, portClasses, allowedTriples: triples, ...(options.keep ? { rows: kept } : {}) };
}

function union(parts: readonly Uint32Array[], W: number): Uint32Array {
  const out = new Uint32Array(W);
  for (const p of parts) for (let w = 0; w < W; w++) out[w] |= p[w];
  return out;
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
