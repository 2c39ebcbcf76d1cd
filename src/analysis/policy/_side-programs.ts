import type { NetworkPolicy, Pod, PolicyRule, Protocol } from '../../model/types.ts';
import type { PodClass } from './_classes.ts';
import type { PeerSets } from './_peer-sets.ts';
import { portMatches } from './_ports.ts';

const protocolCode = (p: Protocol) => (p === 'TCP' ? 0 : p === 'UDP' ? 1 : 2);
/** Rule flags in a program. */
const ALL_PORTS = 1;
const ALL_PEERS = 2;
/** A named port whose resolution at the destination must be checked on the pod (duplicate names). */
const ON_POD = -2;

/**
 * Each class's rules in one direction, flattened into one Int32Array (a "side program") so that a pairwise
 * query reads one contiguous block instead of chasing policy, rule and port objects:
 * `[rules, (flags, ports, peers, (protocol, first, last | named, nameIndex, 0)…, peerSetId…)…]`.
 * Named ports resolve through the destination class (its pods share every name a policy uses); the semantics
 * are `portMatches` and the peer sets' (same tests in the property test as `explain`).
 */
export class SidePrograms {
  readonly #programs: (Int32Array | undefined)[][];
  readonly #policyPrograms: (Int32Array | undefined)[][] = [[], []];
  readonly #names = new Map<string, number>();
  /** Per class × name: the container port the name resolves to (-1: none, ON_POD: check the pod). */
  #resolved?: Int32Array;

  constructor(
    private readonly classes: readonly PodClass[],
    private readonly policies: readonly NetworkPolicy[],
    private readonly policiesOf: (
      c: PodClass,
      d: 'Ingress' | 'Egress',
    ) => ArrayLike<number> & Iterable<number>,
    private readonly sets: PeerSets,
  ) {
    // Filled at random class ids on first use: dense arrays, so V8 keeps them out of dictionary mode.
    this.#programs = [0, 1].map(() => new Array<Int32Array | undefined>(classes.length).fill(undefined));
    for (const np of policies)
      for (const rules of [np.ingress, np.egress])
        for (const r of rules)
          if (r.ports !== 'all')
            for (const pp of r.ports)
              if (typeof pp.port === 'string') {
                const key = `${pp.protocol}/${pp.port}`;
                if (!this.#names.has(key)) this.#names.set(key, this.#names.size);
              }
  }

  /**
   * Does some rule of `cls`'s policies in this direction admit `other` on the port? `dest` is the destination
   * class and pod (undefined: the destination is an address, where named ports match nothing).
   */
  admits(
    direction: 'Ingress' | 'Egress',
    cls: PodClass,
    other: number,
    dest: PodClass | undefined,
    destPod: Pod | undefined,
    port: number,
    protocol: Protocol,
  ): boolean {
    const d = direction === 'Ingress' ? 0 : 1;
    const prog = this.#programs[d][cls.id] ?? this.#compile(d, cls);
    const proto = protocolCode(protocol);
    const resolved = dest ? this.#resolvedTable() : undefined;
    const names = this.#names.size;
    let at = 1;
    for (let r = prog[0]; r > 0; r--) {
      const flags = prog[at];
      const ports = prog[at + 1];
      const peers = prog[at + 2];
      at += 3;
      let hit = (flags & ALL_PORTS) !== 0;
      for (let k = 0; k < ports; k++, at += 3) {
        if (hit || prog[at] !== proto) continue;
        const a = prog[at + 1];
        if (a >= 0) hit = port >= a && port <= prog[at + 2];
        else if (resolved && dest) {
          const to = resolved[dest.id * names + prog[at + 2]];
          hit = to === ON_POD ? this.#onPod(prog[at + 2], destPod, port, protocol) : to === port;
        }
      }
      if (hit && (flags & ALL_PEERS) !== 0) return true;
      if (hit) for (let k = 0; k < peers; k++) if (this.sets.has(prog[at + k], other)) return true;
      at += peers;
    }
    return false;
  }

  /** A class's program: its policies' programs (each compiled once) laid end to end. */
  #compile(d: number, cls: PodClass): Int32Array {
    const parts: Int32Array[] = [];
    let rules = 0;
    let length = 1;
    for (const i of this.policiesOf(cls, d === 0 ? 'Ingress' : 'Egress')) {
      const part = this.#policyPrograms[d][i] ?? this.#policy(d, i);
      parts.push(part);
      rules += part[0];
      length += part.length - 1;
    }
    const out = new Int32Array(length);
    out[0] = rules;
    let at = 1;
    for (const part of parts) {
      out.set(part.subarray(1), at);
      at += part.length - 1;
    }
    return (this.#programs[d][cls.id] = out);
  }

  #policy(d: number, i: number): Int32Array {
    const np = this.policies[i];
    const rules = d === 0 ? np.ingress : np.egress;
    const out: number[] = [rules.length];
    for (const rule of rules) this.#rule(rule, np, out);
    return (this.#policyPrograms[d][i] = new Int32Array(out));
  }

  #rule(rule: PolicyRule, np: NetworkPolicy, out: number[]): void {
    const ports = rule.ports === 'all' ? [] : rule.ports;
    const peers = rule.peers === 'all' ? [] : rule.peers;
    out.push((rule.ports === 'all' ? ALL_PORTS : 0) | (rule.peers === 'all' ? ALL_PEERS : 0), ports.length);
    out.push(peers.length);
    for (const pp of ports) {
      const proto = protocolCode(pp.protocol);
      if (typeof pp.port === 'string') out.push(proto, -1, this.#names.get(`${pp.protocol}/${pp.port}`)!);
      else if (pp.port === undefined) out.push(proto, 0, 65535);
      else out.push(proto, pp.port, pp.endPort ?? pp.port);
    }
    for (const peer of peers) out.push(this.sets.idOf(peer, np.namespace));
  }

  #resolvedTable(): Int32Array {
    if (this.#resolved) return this.#resolved;
    const n = this.#names.size;
    const table = new Int32Array(this.classes.length * n).fill(-1);
    for (const c of this.classes)
      for (const cp of c.firstPod.ports) {
        const i = cp.name ? this.#names.get(`${cp.protocol}/${cp.name}`) : undefined;
        if (i === undefined) continue;
        const at = c.id * n + i;
        table[at] = table[at] === -1 ? cp.containerPort : ON_POD;
      }
    return (this.#resolved = table);
  }

  #onPod(name: number, pod: Pod | undefined, port: number, protocol: Protocol): boolean {
    const key = [...this.#names].find(([, i]) => i === name)![0];
    const pp = { protocol, port: key.slice(key.indexOf('/') + 1) };
    return portMatches(pp, port, protocol, pod);
  }
}
