import type { PolicyRule, Protocol } from '../../model/types.ts';
import { portMatches } from '../policy/index.ts';
import type { PodClass, PolicyEngine } from '../policy/index.ts';

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
  // Distinct [first, last] ranges per protocol, keyed first * 65537 + last: the rules' own (read once by the
  // engine), then the ports named ports resolve to.
  const specs: Record<Protocol, Map<number, readonly [number, number]>> = {
    TCP: new Map(engine.ruleRanges.TCP),
    UDP: new Map(engine.ruleRanges.UDP),
    SCTP: new Map(engine.ruleRanges.SCTP),
  };
  const add = (protocol: Protocol, a: number, b: number) => {
    const m = specs[protocol];
    const key = a * 65537 + b;
    if (!m.has(key)) m.set(key, [a, b]);
  };
  const named = engine.ruleNamedPorts;
  // Resolved named ports, from each class's resolution table (the pods only when a name is declared twice).
  engine.portNames.forEach((pn, i) => {
    const protocol = pn.protocol as Protocol;
    if (!named.get(pn.name)?.has(protocol)) return;
    for (const c of engine.classes) {
      const port = c.namedPorts[i];
      if (port >= 0) add(protocol, port, port);
      else if (port === -2)
        for (const cp of c.firstPod.ports)
          if (cp.name === pn.name && cp.protocol === protocol)
            add(protocol, cp.containerPort, cp.containerPort);
    }
  });
  const out: PortClass[] = [];
  for (const protocol of ['TCP', 'UDP', 'SCTP'] as const)
    out.push(...piecesOf(protocol, [...specs[protocol].values()]));
  return out;
}

/**
 * The classes of one protocol's ranges, in the order of their first piece. A sweep over the cut points keeps the
 * set of ranges covering the current piece (a byte per range) and a hash of it (the XOR of a fixed pseudo-random
 * number per range, updated as ranges open and close), so a piece costs the ranges that start or end at it, not
 * one signature over every range (the signature strings made this quadratic in the ranges). Pieces are merged
 * only when their covering sets are equal, checked exactly against the class's list of ranges on every hash hit.
 */
export function piecesOf(protocol: Protocol, ranges: readonly (readonly [number, number])[]): PortClass[] {
  const n = ranges.length;
  // A range ending before it starts (endPort below port) covers no piece; its cuts still count.
  const live = Array.from(ranges.keys()).filter((r) => ranges[r][0] <= ranges[r][1]);
  const opens = live.slice().sort((x, y) => ranges[x][0] - ranges[y][0]);
  const closes = live.sort((x, y) => ranges[x][1] - ranges[y][1]);
  const m = live.length;
  const cuts = new Set([1, 65536]);
  for (const [a, b] of ranges) cuts.add(a).add(b + 1);
  const points = [...cuts].sort((a, b) => a - b);
  const inside = new Uint8Array(n);
  let covering = 0;
  let hash = 0;
  let o = 0;
  let c = 0;
  const classes: { pc: { protocol: Protocol; port: number; ranges: [number, number][] }; ids: Int32Array }[] =
    [];
  const byHash = new Map<number, number[]>();
  for (let i = 0; i + 1 < points.length; i++) {
    const lo = points[i];
    for (; o < m && ranges[opens[o]][0] === lo; o++) {
      inside[opens[o]] = 1;
      covering++;
      hash ^= mix(opens[o] + 1);
    }
    for (; c < m && ranges[closes[c]][1] + 1 === lo; c++) {
      inside[closes[c]] = 0;
      covering--;
      hash ^= mix(closes[c] + 1);
    }
    const candidates = byHash.get(hash);
    let cls = candidates?.find((k) => sameSet(classes[k].ids, covering, inside));
    if (cls === undefined) {
      const ids = new Int32Array(covering);
      for (let r = 0, at = 0; r < n; r++) if (inside[r]) ids[at++] = r;
      cls = classes.push({ pc: { protocol, port: lo, ranges: [] }, ids }) - 1;
      if (candidates) candidates.push(cls);
      else byHash.set(hash, [cls]);
    }
    classes[cls].pc.ranges.push([lo, points[i + 1] - 1]);
  }
  return classes.map((k) => k.pc);
}

/** Is the set of ranges `ids` exactly the `covering` ranges marked in `inside`? */
function sameSet(ids: Int32Array, covering: number, inside: Uint8Array): boolean {
  if (ids.length !== covering) return false;
  for (let k = 0; k < ids.length; k++) if (!inside[ids[k]]) return false;
  return true;
}

/** A fixed pseudo-random 32-bit number per range index (a murmur3 finaliser): the covering set's hash is their XOR. */
function mix(x: number): number {
  let h = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

const NONE = new Int32Array(0);

/** A rule's ports over a chunk of at most 30 port classes: numeric ports are fixed, named ones per destination. */
export interface RulePorts {
  readonly all: boolean;
  /** Port classes (bits of the current chunk) the rule's numeric ports and ranges admit. */
  fixed: number;
  /** Indices of the rule's named ports in `PortMasks.named`. */
  readonly named: Int32Array;
  readonly rule: PolicyRule;
}

/**
 * Which port classes a rule admits at a destination, as bit masks over chunks of at most 30 port classes.
 * Named ports resolve against the destination class (its pods share the resolution of every name policies use).
 */
export class PortMasks {
  readonly named: string[] = [];
  /** Named port → protocol → index in `named`. */
  readonly #namedIndex = new Map<string, Map<Protocol, number>>();
  /** `protocol * 65536 + port` → port class, for the single ports named ports resolve to. */
  readonly #portClassOf = new Map<number, number>();
  /** The current destination's chunk mask per named port (see `destination`). */
  #at = new Int32Array(0);
  #dest: number | undefined;
  #slotOf?: Int32Array;
  readonly #protocols: Protocol[] = [];
  #base = 0;
  #width = 0;

  constructor(
    private readonly engine: PolicyEngine,
    private readonly ports: readonly PortClass[],
  ) {
    ports.forEach((pc, i) =>
      pc.ranges.forEach(([lo, hi]) => lo === hi && this.#portClassOf.set(protocolKey(pc.protocol, lo), i)),
    );
  }

  rule(rule: PolicyRule): RulePorts {
    if (rule.ports === 'all') return { all: true, fixed: 0, named: NONE, rule };
    let named: number[] | undefined;
    for (const pp of rule.ports)
      if (typeof pp.port === 'string') (named ??= []).push(this.kind(pp.port, pp.protocol));
    return { all: false, fixed: 0, named: named ? new Int32Array(named) : NONE, rule };
  }

  /** The index in `named` of a port name with a protocol (added on first use). */
  kind(name: string, protocol: Protocol): number {
    const byProtocol = this.#namedIndex.get(name) ?? this.#namedIndex.set(name, new Map()).get(name)!;
    let i = byProtocol.get(protocol);
    if (i === undefined) {
      byProtocol.set(protocol, (i = this.named.push(`${protocol}/${name}`) - 1));
      this.#protocols.push(protocol);
    }
    return i;
  }

  /** Moves to the chunk [base, base + width) and recomputes the fixed masks of `rules`. */
  chunk(base: number, width: number, rules: Iterable<RulePorts>): void {
    this.#base = base;
    this.#width = width;
    this.#at = new Int32Array(this.named.length);
    for (const r of rules) {
      if (r.all || r.rule.ports === 'all') continue;
      let m = 0;
      for (let p = 0; p < width; p++) {
        const pc = this.ports[base + p];
        for (const pp of r.rule.ports)
          if (typeof pp.port !== 'string' && portMatches(pp, pc.port, pc.protocol, undefined)) {
            m |= 1 << p;
            break;
          }
      }
      r.fixed = m;
    }
  }

  /**
   * Sets the destination class the next `mask` calls are for (undefined: not a pod, so named ports match
   * nothing): each named port's resolution there, as a mask over the chunk.
   */
  destination(d: number | undefined): void {
    this.#dest = d;
    const at = this.#at;
    at.fill(0);
    if (d === undefined || !at.length) return;
    const cls = this.engine.classes[d];
    const slots = this.#slots();
    for (let i = 0; i < slots.length; i++) {
      const port = cls.namedPorts[slots[i]];
      if (port >= 0) at[i] |= this.#bit(i, port);
      else if (port === -2) at[i] |= this.#declaredTwice(cls, i);
    }
  }

  /**
   * Every class's mask per named-port kind over the current chunk, into `out[at + id * named.length + i]`, as
   * `destination` then `mask` per class would give (classes `host` marks are their node's address: named ports
   * match nothing, left 0). One loop without a call per class; a kind's last resolved port and its bit are kept,
   * since neighbouring classes (one workload's) resolve a name alike.
   */
  fillNamed(classes: readonly PodClass[], host: Uint8Array, out: Int32Array, at: number): void {
    const N = this.named.length;
    const slots = this.#slots();
    const lastPort = new Int32Array(N).fill(-1);
    const lastBit = new Int32Array(N);
    for (const cls of classes) {
      if (host[cls.id] === 1) continue;
      const resolved = cls.namedPorts;
      const row = at + cls.id * N;
      for (let i = 0; i < N; i++) {
        const port = resolved[slots[i]];
        if (port >= 0) {
          if (port !== lastPort[i]) {
            lastPort[i] = port;
            lastBit[i] = this.#bit(i, port);
          }
          out[row + i] = lastBit[i];
        } else if (port === -2) out[row + i] = this.#declaredTwice(cls, i);
      }
    }
  }

  /** Named-port kind i at a class whose pods declare the name twice: every declaration's port class. */
  #declaredTwice(cls: PodClass, i: number): number {
    let m = 0;
    for (const cp of cls.firstPod.ports)
      if (`${cp.protocol}/${cp.name}` === this.named[i]) m |= this.#bit(i, cp.containerPort);
    return m;
  }

  /** Moves to the chunk [base, base + width) without rules (for `fillNamed` and `namedMask`). */
  within(base: number, width: number): void {
    this.chunk(base, width, []);
  }

  /** Named-port kind i's mask at the current destination (`destination`). */
  namedMask(i: number): number {
    return this.#dest === undefined ? 0 : this.#at[i];
  }

  /** The chunk bit of the port class holding `port` for named-port kind `i` (0 outside the chunk). */
  #bit(i: number, port: number): number {
    const pc = (this.#portClassOf.get(protocolKey(this.#protocols[i], port)) ?? -1) - this.#base;
    return pc >= 0 && pc < this.#width ? 1 << pc : 0;
  }

  /** For each entry of `named`, its index in the engine's `portNames` (the class resolution tables). */
  #slots(): Int32Array {
    if (this.#slotOf) return this.#slotOf;
    const index = new Map(this.engine.portNames.map((pn, i) => [`${pn.protocol}/${pn.name}`, i]));
    return (this.#slotOf = Int32Array.from(this.named, (key) => index.get(key)!));
  }

  /** The rule's mask at the current destination. */
  mask(r: RulePorts): number {
    if (r.all) return (1 << this.#width) - 1;
    let m = r.fixed;
    if (this.#dest === undefined) return m;
    const named = r.named;
    for (let k = 0; k < named.length; k++) m |= this.#at[named[k]];
    return m;
  }
}

function protocolKey(protocol: Protocol, port: number): number {
  return (protocol === 'TCP' ? 0 : protocol === 'UDP' ? 1 : 2) * 65536 + port;
}
