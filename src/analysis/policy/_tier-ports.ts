import type { Pod, PolicyRule, Protocol } from '../../model/types.ts';
import type { CiliumRule } from '../../model/cilium-policy.ts';
import type { PodClass } from './_classes.ts';

/** Protocols as bits of a mask: TCP 1, UDP 2, SCTP 4 (Cilium's `ANY` is 7). */
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
const bitOf = (p: string) => (p === 'TCP' ? 1 : p === 'UDP' ? 2 : p === 'SCTP' ? 4 : 7);

/** Ports that every rule treats alike at every destination: one protocol, one or more ranges. */
export interface TierPortClass {
  readonly protocol: Protocol;
  /** The first port, which stands for the class. */
  readonly port: number;
  readonly ranges: readonly (readonly [number, number])[];
}

/**
 * A rule's ports in one shape for both tiers: every port (`all`), numeric ranges as `(protocol mask, first,
 * last)` triples, and port names (each with its protocol mask), resolved at the destination pod.
 */
export interface TierPorts {
  readonly all: boolean;
  readonly ranges: Int32Array;
  readonly names: readonly string[];
  readonly nameProtocols: Uint8Array;
}

/** A NetworkPolicy rule's ports (`portMatches`: no port is every port of the protocol; names resolve at the pod). */
export function npPorts(rule: PolicyRule): TierPorts {
  if (rule.ports === 'all')
    return { all: true, ranges: new Int32Array(0), names: [], nameProtocols: new Uint8Array(0) };
  const ranges: number[] = [];
  const names: string[] = [];
  const protos: number[] = [];
  for (const pp of rule.ports)
    if (typeof pp.port === 'string') {
      names.push(pp.port);
      protos.push(bitOf(pp.protocol));
    } else if (pp.port === undefined) ranges.push(bitOf(pp.protocol), 0, 65535);
    else ranges.push(bitOf(pp.protocol), pp.port, pp.endPort ?? pp.port);
  return { all: false, ranges: Int32Array.from(ranges), names, nameProtocols: Uint8Array.from(protos) };
}

/** A Cilium rule's ports (`ciliumPortMatches`: port 0 is every port, `ANY` every protocol, a `toPorts` entry without ports every port). */
export function ciliumPorts(rule: CiliumRule): TierPorts {
  const all = { all: true, ranges: new Int32Array(0), names: [], nameProtocols: new Uint8Array(0) };
  if (rule.toPorts === 'all' || rule.toPorts.some((pr) => !pr.ports.length)) return all;
  const ranges: number[] = [];
  const names: string[] = [];
  const protos: number[] = [];
  for (const pr of rule.toPorts)
    for (const pp of pr.ports)
      if (typeof pp.port === 'string') {
        names.push(pp.port);
        protos.push(bitOf(pp.protocol));
      } else if (pp.port === 0) ranges.push(bitOf(pp.protocol), 0, 65535);
      else ranges.push(bitOf(pp.protocol), pp.port, pp.endPort ?? pp.port);
  return { all: false, ranges: Int32Array.from(ranges), names, nameProtocols: Uint8Array.from(protos) };
}

/**
 * The port classes of a set of rules, and masks over them. Per protocol, 1-65535 is cut at every boundary a
 * rule draws (a port, one past an endPort) and at every container port a used name resolves to in some class;
 * pieces inside the same ranges (the same rules and resolved names contain them) form one class.
 */
export class TierPortClasses {
  readonly classes: TierPortClass[] = [];
  /** Per protocol bit index: piece starts (ascending) and the class of each piece. */
  readonly #starts: Int32Array[] = [];
  readonly #classOf: Int32Array[] = [];

  constructor(rules: readonly TierPorts[], podClasses: readonly PodClass[]) {
    const specs = PROTOCOLS.map(() => new Map<number, [number, number]>());
    const names = new Set<string>();
    for (const r of rules) {
      for (let j = 0; j < r.ranges.length; j += 3)
        for (let b = 0; b < 3; b++)
          if (r.ranges[j] & (1 << b))
            specs[b].set(r.ranges[j + 1] * 65537 + r.ranges[j + 2], [r.ranges[j + 1], r.ranges[j + 2]]);
      r.names.forEach((n) => names.add(n));
    }
    if (names.size)
      for (const c of podClasses)
        for (const cp of c.firstPod.ports)
          if (cp.name && names.has(cp.name))
            specs[bitOf(cp.protocol) >> 1].set(cp.containerPort * 65537 + cp.containerPort, [
              cp.containerPort,
              cp.containerPort,
            ]);
    PROTOCOLS.forEach((protocol, b) => {
      const uniq = [...specs[b].values()];
      const cuts = new Set([1, 65536]);
      for (const [lo, hi] of uniq) cuts.add(Math.max(1, lo)).add(hi + 1);
      const points = [...cuts].filter((p) => p <= 65536).sort((x, y) => x - y);
      const bySig = new Map<string, number>();
      const starts: number[] = [];
      const classOf: number[] = [];
      for (let i = 0; i + 1 < points.length; i++) {
        const lo = points[i];
        const sig = uniq.map(([a, z]) => (lo >= a && lo <= z ? '1' : '0')).join('');
        let k = bySig.get(sig);
        if (k === undefined) {
          bySig.set(sig, (k = this.classes.length));
          this.classes.push({ protocol, port: lo, ranges: [] });
        }
        (this.classes[k].ranges as [number, number][]).push([lo, points[i + 1] - 1]);
        starts.push(lo);
        classOf.push(k);
      }
      this.#starts.push(Int32Array.from(starts));
      this.#classOf.push(Int32Array.from(classOf));
    });
  }

  /** The class of a port (1-65535) of a protocol. */
  classOf(protocol: Protocol, port: number): number {
    const b = protocol === 'TCP' ? 0 : protocol === 'UDP' ? 1 : 2;
    const starts = this.#starts[b];
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= port) lo = mid;
      else hi = mid - 1;
    }
    return this.#classOf[b][lo];
  }

  /**
   * The decided classes `list[base]`…`list[base + width - 1]` a rule's numeric ranges admit, as bits (every one
   * when `all`).
   */
  fixed(r: TierPorts, list: Int32Array, base: number, width: number): number {
    if (r.all) return width === 32 ? -1 : (1 << width) - 1;
    let m = 0;
    for (let p = 0; p < width; p++) {
      const pc = this.classes[list[base + p]];
      const bit = bitOf(pc.protocol);
      for (let j = 0; j < r.ranges.length; j += 3)
        if (r.ranges[j] & bit && pc.port >= r.ranges[j + 1] && pc.port <= r.ranges[j + 2]) {
          m |= 1 << p;
          break;
        }
    }
    return m;
  }

  /**
   * The decided classes of the pass a rule's port names admit at the destination pod, as bits: `pos[c]` is the
   * place of class c in the decided list (-1: not decided), the pass starts at place `base`.
   */
  named(r: TierPorts, destination: Pod, pos: Int32Array, base: number, width: number): number {
    let m = 0;
    for (let i = 0; i < r.names.length; i++)
      for (const cp of destination.ports)
        if (cp.name === r.names[i] && r.nameProtocols[i] & bitOf(cp.protocol)) {
          const at = pos[this.classOf(cp.protocol, cp.containerPort)];
          const k = at - base;
          if (at >= 0 && k < width && k >= 0) m |= 1 << k;
        }
    return m;
  }
}
