import type { PolicyRule, Protocol } from '../../model/types.ts';
import { portMatches } from '../policy/index.ts';
import type { PolicyEngine } from '../policy/index.ts';

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
  readonly #namedIndex = new Map<string, number>();
  readonly #portClassOf = new Map<string, number>();
  /** Per class: the port classes each named port resolves to there, made on demand. */
  readonly #resolved: (number[][] | undefined)[];
  #base = 0;
  #width = 0;

  constructor(
    private readonly engine: PolicyEngine,
    private readonly ports: readonly PortClass[],
  ) {
    ports.forEach((pc, i) =>
      pc.ranges.forEach(([lo, hi]) => lo === hi && this.#portClassOf.set(`${pc.protocol}/${lo}`, i)),
    );
    this.#resolved = engine.classes.map(() => undefined);
  }

  rule(rule: PolicyRule): RulePorts {
    if (rule.ports === 'all') return { all: true, fixed: 0, named: new Int32Array(0), rule };
    const named: number[] = [];
    for (const pp of rule.ports)
      if (typeof pp.port === 'string') {
        const key = `${pp.protocol}/${pp.port}`;
        let i = this.#namedIndex.get(key);
        if (i === undefined) this.#namedIndex.set(key, (i = this.named.push(key) - 1));
        named.push(i);
      }
    return { all: false, fixed: 0, named: Int32Array.from(named), rule };
  }

  /** Moves to the chunk [base, base + width) and recomputes the fixed masks of `rules`. */
  chunk(base: number, width: number, rules: Iterable<RulePorts>): void {
    this.#base = base;
    this.#width = width;
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

  /** The rule's mask at destination class `d` (undefined `d`: not a pod, so named ports match nothing). */
  mask(r: RulePorts, d: number | undefined): number {
    if (r.all) return (1 << this.#width) - 1;
    let m = r.fixed;
    if (d === undefined || !r.named.length) return m;
    const at = this.#resolvedAt(d);
    for (let k = 0; k < r.named.length; k++)
      for (const pc of at[r.named[k]]) {
        const i = pc - this.#base;
        if (i >= 0 && i < this.#width) m |= 1 << i;
      }
    return m;
  }

  #resolvedAt(d: number): number[][] {
    let at = this.#resolved[d];
    if (!at) {
      at = this.named.map(() => []);
      for (const cp of this.engine.classes[d].pods[0].ports) {
        const i = cp.name ? this.#namedIndex.get(`${cp.protocol}/${cp.name}`) : undefined;
        const pc = this.#portClassOf.get(`${cp.protocol}/${cp.containerPort}`);
        if (i !== undefined && pc !== undefined) at[i].push(pc);
      }
      this.#resolved[d] = at;
    }
    return at;
  }
}
