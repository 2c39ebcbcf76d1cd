import { LabelIndex } from '../../lib/label-index.ts';
import { formatSelector, matches } from '../../lib/labels.ts';
import { parseIP } from '../../lib/ip.ts';
import type { Pod, PolicyPeer, PolicyRule, Protocol } from '../../model/types.ts';
import type { PodClass, PolicyEngine } from '../policy/index.ts';
import { blockContains } from '../policy/_ip-blocks.ts';
import { portMatches } from '../policy/_ports.ts';

/** Ports that no policy tells apart: one protocol, one or more ranges; `port` (the first) stands for all of them. */
export interface PortClass {
  readonly protocol: Protocol;
  readonly port: number;
  readonly ranges: readonly (readonly [number, number])[];
}

/**
 * Port equivalence classes: each protocol's 1-65535 cut at every numeric port, `endPort` and resolved named port
 * the policies use; pieces that every port spec treats alike (same specs containing them) form one class.
 */
export function portClasses(engine: PolicyEngine): PortClass[] {
  const specs: Record<Protocol, [number, number][]> = { TCP: [], UDP: [], SCTP: [] };
  const named = new Set<string>();
  for (const np of engine.policies)
    for (const r of [...np.ingress, ...np.egress])
      if (r.ports !== 'all')
        for (const pp of r.ports) {
          if (typeof pp.port === 'number') specs[pp.protocol].push([pp.port, pp.endPort ?? pp.port]);
          else if (typeof pp.port === 'string') named.add(`${pp.protocol}/${pp.port}`);
        }
  for (const c of engine.classes)
    for (const cp of c.pods[0].ports)
      if (cp.name && named.has(`${cp.protocol}/${cp.name}`))
        specs[cp.protocol].push([cp.containerPort, cp.containerPort]);
  const out: PortClass[] = [];
  for (const protocol of ['TCP', 'UDP', 'SCTP'] as const) {
    const uniq = [...new Map(specs[protocol].map((r) => [`${r[0]}-${r[1]}`, r])).values()];
    const cuts = new Set([1, 65536]);
    for (const [a, b] of uniq) cuts.add(a).add(b + 1);
    const points = [...cuts].sort((a, b) => a - b);
    const bySig = new Map<string, { protocol: Protocol; port: number; ranges: [number, number][] }>();
    for (let i = 0; i + 1 < points.length; i++) {
      const lo = points[i];
      const sig = uniq.map(([a, b]) => (lo >= a && lo <= b ? '1' : '0')).join('');
      const cls = bySig.get(sig) ?? bySig.set(sig, { protocol, port: lo, ranges: [] }).get(sig)!;
      cls.ranges.push([lo, points[i + 1] - 1]);
    }
    out.push(...bySig.values());
  }
  return out;
}

export interface Reachability {
  readonly classes: number;
  readonly portClasses: readonly PortClass[];
  /** Allowed (source class, destination class, port class) triples, NetworkPolicy tier only. */
  readonly allowedTriples: number;
  /** When kept: `rows[d * P + p]` is the bitset of source classes allowed to reach class d on port class p. */
  readonly rows?: readonly Uint32Array[];
}

/**
 * Every class pair on every port class, as bitsets: ingress rows (sources a destination admits) ANDed with
 * inverted egress rows (sources whose egress admits that destination). Pod-level exceptions (a pod to itself,
 * a pod and its own node) and the admin tiers are applied by `PolicyEngine.explain`, not here.
 */
export function computeReachability(engine: PolicyEngine, options: { keep?: boolean } = {}): Reachability {
  const classes = engine.classes;
  const C = classes.length;
  const W = (C + 31) >>> 5;
  const ports = portClasses(engine);
  const all = new Uint32Array(W).fill(0xffffffff);
  if (C % 32) all[W - 1] = (1 << (C % 32)) - 1 || 0xffffffff;
  const byNs = new Map<string, PodClass[]>();
  for (const c of classes)
    if (!(c.hostNetwork && engine.hostNetwork === 'node'))
      (byNs.get(c.namespace) ?? byNs.set(c.namespace, []).get(c.namespace)!).push(c);
  const index = new Map([...byNs].map(([ns, cs]) => [ns, new LabelIndex(cs, (c) => c.labels)]));
  const peerCache = new Map<PolicyPeer, Int32Array>();
  const classIPs = classes.map((c) => c.pods[0].ips.map((t) => parseIP(t)!).filter(Boolean));
  // Peer sets are shared by content: many peers repeat the same selectors in the same namespace.
  const byContent = new Map<string, Int32Array>();
  const nsByselector = new Map<string, string[]>();
  const peerSet = (peer: PolicyPeer, ns: string): Int32Array => {
    let hit = peerCache.get(peer);
    if (hit) return hit;
    const block = peer.ipBlock ? engine.blockOf(peer) : undefined;
    const key = peer.ipBlock
      ? `b:${block?.key ?? ''}`
      : `${peer.namespaceSelector ? `s:${formatSelector(peer.namespaceSelector)}` : `n:${ns}`}|${peer.podSelector ? formatSelector(peer.podSelector) : '*'}`;
    hit = byContent.get(key);
    if (!hit) {
      const ids: number[] = [];
      if (block) {
        for (const c of classes) if (classIPs[c.id].some((ip) => blockContains(block, ip))) ids.push(c.id);
      } else if (!peer.ipBlock) {
        let namespaces = [ns];
        if (peer.namespaceSelector) {
          const nk = formatSelector(peer.namespaceSelector);
          namespaces = nsByselector.get(nk) ?? [];
          if (!nsByselector.has(nk))
            nsByselector.set(
              nk,
              (namespaces = engine.model.namespaces
                .filter((n) => matches(peer.namespaceSelector!, n.labels))
                .map((n) => n.name)),
            );
        }
        for (const n of namespaces)
          for (const c of peer.podSelector
            ? (index.get(n)?.select(peer.podSelector) ?? [])
            : (byNs.get(n) ?? []))
            ids.push(c.id);
      }
      hit = Int32Array.from(ids);
      byContent.set(key, hit);
    }
    peerCache.set(peer, hit);
    return hit;
  };
  // Large sets are ORed word by word from a bitset (kept per set), small ones bit by bit.
  const dense = new Map<Int32Array, Uint32Array>();
  const orIds = (bits: Uint32Array, ids: Int32Array) => {
    if (ids.length > W) {
      let d = dense.get(ids);
      if (!d) {
        d = new Uint32Array(W);
        for (let i = 0; i < ids.length; i++) d[ids[i] >>> 5] |= 1 << (ids[i] & 31);
        dense.set(ids, d);
      }
      for (let w = 0; w < W; w++) bits[w] |= d[w];
      return;
    }
    for (let i = 0; i < ids.length; i++) bits[ids[i] >>> 5] |= 1 << (ids[i] & 31);
  };
  const isolated = (c: PodClass, dir: 'Ingress' | 'Egress') => engine.policiesOf(c, dir).length > 0;
  // Policy → selected classes (egress side) and the egress-open classes.
  const selected = engine.policies.map(() => [] as number[]);
  const openEgress = new Uint32Array(W);
  for (const c of classes) {
    for (const i of engine.policiesOf(c, 'Egress')) selected[i].push(c.id);
    if (!isolated(c, 'Egress')) openEgress[c.id >>> 5] |= 1 << (c.id & 31);
  }
  // Inverted egress, in compressed rows: destination class → egress rules whose peers contain it.
  const egressRuleList: { rule: PolicyRule; policy: number }[] = [];
  const everyPeer: number[] = [];
  engine.policies.forEach((np, i) => {
    if (!np.policyTypes.includes('Egress') || !selected[i].length) return;
    for (const rule of np.egress) {
      if (rule.peers === 'all') everyPeer.push(egressRuleList.length);
      egressRuleList.push({ rule, policy: i });
    }
  });
  const invStart = new Int32Array(C + 1);
  const stamp = new Int32Array(C).fill(-1);
  const eachTarget = (fn: (d: number, r: number) => void) =>
    egressRuleList.forEach(({ rule, policy }, r) => {
      if (rule.peers === 'all') return;
      for (const peer of rule.peers)
        for (const d of peerSet(peer, engine.policies[policy].namespace))
          if (stamp[d] !== r) {
            stamp[d] = r;
            fn(d, r);
          }
    });
  eachTarget((d) => invStart[d + 1]++);
  for (let d = 0; d < C; d++) invStart[d + 1] += invStart[d];
  const invRules = new Int32Array(invStart[C]);
  const fill = invStart.slice(0, C);
  stamp.fill(-1);
  eachTarget((d, r) => (invRules[fill[d]++] = r));
  const selectedIds = selected.map((s) => Int32Array.from(s));
  // Scratch sets for counting without W-wide work when the sets are sparse (cleared after each row).
  const S = new Uint32Array(W);
  const E = new Uint32Array(W);
  const sList = new Int32Array(C);
  const eList = new Int32Array(C);
  const openIds = Int32Array.from(
    classes.filter((c) => (openEgress[c.id >>> 5] >>> (c.id & 31)) & 1).map((c) => c.id),
  );
  const has = (bits: Uint32Array, id: number) => (bits[id >>> 5] >>> (id & 31)) & 1;
  const denseOf = (ids: Int32Array): Uint32Array => {
    let d = dense.get(ids);
    if (!d) {
      d = new Uint32Array(W);
      for (let i = 0; i < ids.length; i++) d[ids[i] >>> 5] |= 1 << (ids[i] & 31);
      dense.set(ids, d);
    }
    return d;
  };
  /** |ingress ∩ egress| for one row, touching only the ids involved unless both sides are large. */
  const countRow = (
    ingressAll: boolean,
    ingressPeers: readonly Int32Array[],
    egressSets: readonly Int32Array[],
  ): number => {
    let sn = 0;
    let en = 0;
    const denseList: Uint32Array[] = [];
    if (!ingressAll)
      for (const ids of ingressPeers) {
        if (ids.length > W) denseList.push(denseOf(ids));
        else
          for (let i = 0; i < ids.length; i++) {
            const id = ids[i];
            if (!has(S, id)) {
              S[id >>> 5] |= 1 << (id & 31);
              sList[sn++] = id;
            }
          }
      }
    for (const ids of egressSets)
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i];
        if (!has(openEgress, id) && !has(E, id)) {
          E[id >>> 5] |= 1 << (id & 31);
          eList[en++] = id;
        }
      }
    let count = 0;
    const inI = (id: number) => {
      if (has(S, id)) return true;
      for (const d of denseList) if (has(d, id)) return true;
      return false;
    };
    if (ingressAll) count = openIds.length + en;
    else if (!denseList.length) {
      for (let i = 0; i < sn; i++) if (has(openEgress, sList[i]) || has(E, sList[i])) count++;
    } else if (openIds.length + en < W * 4) {
      for (let i = 0; i < openIds.length; i++) if (inI(openIds[i])) count++;
      for (let i = 0; i < en; i++) if (inI(eList[i])) count++;
    } else {
      for (let w = 0; w < W; w++) {
        let v = S[w];
        for (const d of denseList) v |= d[w];
        count += popcount(v & (openEgress[w] | E[w]));
      }
    }
    for (let i = 0; i < sn; i++) S[sList[i] >>> 5] = 0;
    for (let i = 0; i < en; i++) E[eList[i] >>> 5] = 0;
    return count;
  };
  const rows: Uint32Array[] = [];
  let triples = 0;
  const ingress = new Uint32Array(W);
  const egress = new Uint32Array(W);
  // Which port classes a rule admits at a destination, as a bit mask over a chunk of at most 30 port classes:
  // numeric ports and ranges are the same for every destination; named ports resolve against the destination pod.
  const portClassOf = new Map<string, number>();
  ports.forEach((pc, i) =>
    pc.ranges.forEach(([lo, hi]) => lo === hi && portClassOf.set(`${pc.protocol}/${lo}`, i)),
  );
  const staticMasks = new Map<PolicyRule, number>();
  const ruleMask = (r: PolicyRule, dPod: Pod | undefined, base: number, width: number): number => {
    const full = (1 << width) - 1;
    if (r.ports === 'all') return full;
    let m = staticMasks.get(r);
    if (m === undefined) {
      m = 0;
      for (let p = 0; p < width; p++) {
        const pc = ports[base + p];
        if (
          r.ports.some(
            (pp) => typeof pp.port !== 'string' && portMatches(pp, pc.port, pc.protocol, undefined),
          )
        )
          m |= 1 << p;
      }
      staticMasks.set(r, m);
    }
    if (dPod)
      for (const pp of r.ports) {
        if (typeof pp.port !== 'string') continue;
        for (const cp of dPod.ports)
          if (cp.name === pp.port && cp.protocol === pp.protocol) {
            const i = portClassOf.get(`${cp.protocol}/${cp.containerPort}`);
            if (i !== undefined && i >= base && i < base + width) m |= 1 << (i - base);
          }
      }
    return m;
  };
  const ingressPeers: Int32Array[] = [];
  const egressSets: Int32Array[] = [];
  for (let base = 0; base < ports.length; base += 30) {
    const width = Math.min(30, ports.length - base);
    staticMasks.clear();
    for (const d of classes) {
      const dHost = d.hostNetwork && engine.hostNetwork === 'node';
      const dPod = dHost ? undefined : d.pods[0];
      const ingressRules: { rule: PolicyRule; ns: string }[] = [];
      if (!dHost)
        for (const i of engine.policiesOf(d, 'Ingress'))
          for (const rule of engine.policies[i].ingress)
            ingressRules.push({ rule, ns: engine.policies[i].namespace });
      const invd = invRules.subarray(invStart[d.id], invStart[d.id + 1]);
      const egressRules = everyPeer.length ? Int32Array.from([...everyPeer, ...invd]) : invd;
      const inMask = Int32Array.from(ingressRules, (x) => ruleMask(x.rule, dPod, base, width));
      const egMask = Int32Array.from(egressRules, (r) => ruleMask(egressRuleList[r].rule, dPod, base, width));
      // Port classes that select the same rules at d give the same row: computed once.
      const done: { p: number; count: number; row?: Uint32Array }[] = [];
      for (let p = 0; p < width; p++) {
        const same = (q: number) => {
          for (let k = 0; k < inMask.length; k++)
            if (((inMask[k] >>> p) & 1) !== ((inMask[k] >>> q) & 1)) return false;
          for (let k = 0; k < egMask.length; k++)
            if (((egMask[k] >>> p) & 1) !== ((egMask[k] >>> q) & 1)) return false;
          return true;
        };
        const seen = done.find((x) => same(x.p));
        if (seen) {
          triples += seen.count;
          if (options.keep) rows[d.id * ports.length + base + p] = seen.row!;
          continue;
        }
        let ingressAll = dHost || !isolated(d, 'Ingress');
        ingressPeers.length = 0;
        for (let k = 0; k < ingressRules.length && !ingressAll; k++) {
          if (!((inMask[k] >>> p) & 1)) continue;
          const r = ingressRules[k].rule;
          if (r.peers === 'all') ingressAll = true;
          else for (const peer of r.peers) ingressPeers.push(peerSet(peer, ingressRules[k].ns));
        }
        egressSets.length = 0;
        for (let k = 0; k < egressRules.length; k++)
          if ((egMask[k] >>> p) & 1) egressSets.push(selectedIds[egressRuleList[egressRules[k]].policy]);
        if (!options.keep) {
          const count = countRow(ingressAll, ingressPeers, egressSets);
          triples += count;
          done.push({ p, count });
          continue;
        }
        // Kept rows: ingress bitset AND egress bitset, word by word.
        if (ingressAll) ingress.set(all);
        else {
          ingress.fill(0);
          for (const ids of ingressPeers) orIds(ingress, ids);
        }
        egress.set(openEgress);
        for (const ids of egressSets) orIds(egress, ids);
        let count = 0;
        const row = new Uint32Array(W);
        for (let w = 0; w < W; w++) {
          const v = ingress[w] & egress[w];
          row[w] = v;
          count += popcount(v);
        }
        triples += count;
        done.push({ p, count, row });
        rows[d.id * ports.length + base + p] = row;
      }
    }
  }
  return { classes: C, portClasses: ports, allowedTriples: triples, ...(options.keep ? { rows } : {}) };
}

function popcount(v: number): number {
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
