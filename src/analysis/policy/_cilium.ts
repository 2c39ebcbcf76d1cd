import { formatSelector, matches, selectorFromMap, type Labels, type Selector } from '../../lib/labels.ts';
import { parseIP } from '../../lib/ip.ts';
import {
  ciliumLabels,
  type CiliumDnsRule,
  type CiliumHttpRule,
  type CiliumPeer,
  type CiliumPolicy,
  type CiliumRule,
  type CiliumSpec,
} from '../../model/cilium-policy.ts';
import type { ClusterModel, Pod, Protocol } from '../../model/types.ts';
import type { PodClass } from './_classes.ts';
import type { ClassIndex } from './_class-index.ts';
import { blockContains, compileBlock, type CompiledBlock } from './_ip-blocks.ts';
import { dnsMatches as dnsRuleMatches, identityLabels, isIdentityKey, sortedHas } from './_cilium-match.ts';
import { decideSide } from './_cilium-decide.ts';
import { readCiliumAgent, type CiliumAgent } from './_cilium-agent.ts';
import type { CiliumTarget } from './_cilium-peers.ts';
import type { Miss, RuleRef } from './types.ts';

const EMPTY = new Int32Array(0);

/** One rule of one spec of one policy: what the per-class lists hold. */
export interface CiliumEntry {
  readonly policy: CiliumPolicy;
  readonly spec: CiliumSpec;
  readonly rule: CiliumRule;
  /** `ingress[0]`, or `specs[1].ingress[0]`. */
  readonly path: string;
}

/** A rule flattened for `fastSide`. */
interface FastEntry {
  readonly deny: boolean;
  readonly ports?: Int32Array;
  readonly names: readonly string[];
  readonly named: Int32Array;
  readonly peers?: Int32Array;
}

/** Does the pod declare the port under that name (a name declared twice: every declaration counts)? */
function onPod(pod: Pod, name: string, protocol: Protocol, port: number): boolean {
  for (const cp of pod.ports)
    if (cp.name === name && cp.protocol === protocol && cp.containerPort === port) return true;
  return false;
}

/** What the Cilium tier says about one side of a connection. */
export interface CiliumSide {
  /** Some selecting spec enables default deny in this direction. */
  readonly isolating: boolean;
  readonly isolatedBy: readonly { readonly policy: string; readonly source?: RuleRef['source'] }[];
  readonly deny?: RuleRef;
  readonly allow?: RuleRef;
  /** HTTP rules that apply: set when every allow rule that admits the connection carries HTTP rules. */
  readonly http?: readonly { readonly rule: CiliumHttpRule; readonly ref: RuleRef }[];
  /** DNS rules that apply (egress to a DNS server): set when every allow rule that admits the connection carries some. */
  readonly dns?: readonly CiliumDnsRule[];
  readonly misses: readonly Miss[];
  /** Rules of the side that use fields kubetwin does not model. */
  readonly unmodeled: readonly string[];
}

/**
 * The Cilium tier: CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy compiled over the engine's pod
 * classes. Per class and direction, the rules of the specs whose endpointSelector selects it; per peer
 * selector, the classes it selects (sorted ids). Default enforcement mode: a pod is isolated in a direction
 * when a selecting spec enables default deny there (by default, any spec with rules — allow or deny — in
 * that direction); then only allow rules admit, and deny rules override every allow.
 * https://docs.cilium.io/en/stable/security/policy/intro/#policy-enforcement-modes
 * https://docs.cilium.io/en/stable/security/policy/deny/
 */
export class CiliumTier {
  /** The profile's CNI is Cilium: the tier is enforced. */
  readonly active: boolean;
  readonly policies: readonly CiliumPolicy[];
  readonly cluster: string;
  /** Pod label keys the selectors read (they join the class signature). */
  readonly labelKeys = new Set<string>();
  /** Some selector reads the service account label (classes split by service account). */
  readonly serviceAccounts: boolean;
  readonly entries: CiliumEntry[] = [];
  #classes: readonly PodClass[] = [];
  /** The engine's port names (`PodClass.namedPorts` follows their order). */
  #portNames: readonly { readonly name: string; readonly protocol: string }[] = [];
  #index?: ClassIndex;
  #nsLabels: ReadonlyMap<string, Labels> = new Map();
  /** [direction][class id] → entry indices; isolating flags. */
  #of: number[][][] = [[], []];
  #isolating: Uint8Array[] = [];
  #isolatingBy: number[][][] = [[], []];
  readonly #sets = new Map<string, Int32Array>();
  /** Selections by selector object (most are read twice: by `bind` or the fast path, and by the reachability). */
  readonly #bySelector = new Map<Selector, Int32Array>();
  #namespaces?: string[];
  /** Per entry, compiled on first use by the fast path. */
  #fast: (FastEntry | undefined)[] = [];
  readonly #blocks = new Map<string, CompiledBlock | undefined>();
  readonly #services = new Map<CiliumPeer, { selectors: Selector[]; addresses: Set<string> }>();
  readonly model: ClusterModel;
  /** The kube-apiserver's addresses (the `default/kubernetes` endpoints). */
  readonly apiserver = new Set<string>();
  /** The agent settings of the input's `cilium-config` ConfigMap that depart from what kubetwin models. */
  readonly agent: CiliumAgent;
  /** `enable-policy: always`: every class is isolated both ways. */
  readonly #always: boolean;

  constructor(model: ClusterModel) {
    this.model = model;
    this.active = model.profile.cni.name.toLowerCase() === 'cilium';
    this.policies = model.ciliumPolicies ?? [];
    this.cluster = model.profile.cni.cluster ?? 'default';
    this.agent = readCiliumAgent(model);
    this.#always = this.active && this.agent.mode === 'always';
    let sa = false;
    const read = (s?: Selector) =>
      s?.requirements.forEach((r) => {
        if (r.key === ciliumLabels.serviceAccount) sa = true;
        else if (!isIdentityKey(r.key)) this.labelKeys.add(r.key);
      });
    for (const policy of this.policies)
      for (const spec of policy.specs) {
        read(spec.endpointSelector);
        for (const rule of spec.rules) {
          const path = `${spec.path === 'spec' ? '' : `${spec.path}.`}${rule.section}[${rule.index}]`;
          this.entries.push({ policy, spec, rule, path });
          if (rule.peers !== 'all') for (const p of rule.peers) if (p.kind === 'endpoints') read(p.selector);
        }
      }
    for (const s of model.endpointSlices)
      if (s.namespace === 'default' && s.serviceName === 'kubernetes')
        for (const e of s.endpoints) e.addresses.forEach((a) => this.apiserver.add(a));
    for (const e of this.entries)
      if (e.rule.peers !== 'all')
        for (const p of e.rule.peers)
          if (p.kind === 'service')
            for (const svc of model.services) {
              if (svc.namespace !== p.namespace) continue;
              if (
                p.name !== undefined ? svc.name !== p.name : !p.selector || !matches(p.selector, svc.labels)
              )
                continue;
              if (svc.selector) read(selectorFromMap(svc.selector));
            }
    this.serviceAccounts = sa;
  }

  /** Binds the tier to the engine's classes (built with `labelKeys`, `serviceAccounts` and `portNames`). */
  bind(
    classes: readonly PodClass[],
    index: ClassIndex,
    nsLabels: ReadonlyMap<string, Labels>,
    portNames: readonly { readonly name: string; readonly protocol: string }[],
  ): void {
    this.#classes = classes;
    this.#portNames = portNames;
    // Filled at random indices on first use: a dense array, so V8 keeps it out of dictionary mode.
    this.#fast = new Array<FastEntry | undefined>(this.entries.length).fill(undefined);
    this.#index = index;
    this.#nsLabels = nsLabels;
    // No Cilium policy (nearly every cluster): no per-class list or flag at all; readers take a missing list as
    // empty and a missing flag as not isolated (four class-long arrays were ~3 MB of the engine at 100k classes).
    if (!this.policies.length) {
      this.#of = [[], []];
      this.#isolating = [NO_FLAGS, NO_FLAGS];
      this.#isolatingBy = [[], []];
      return;
    }
    // Classes no entry names share one empty list (never written): no array per class when the tier has none.
    this.#of = [perClass(classes.length), perClass(classes.length)];
    this.#isolating = [new Uint8Array(classes.length), new Uint8Array(classes.length)];
    const bySpec = new Map<CiliumSpec, Int32Array>();
    this.entries.forEach((e, i) => {
      if (!e.spec.endpointSelector) return;
      let ids = bySpec.get(e.spec);
      if (!ids) bySpec.set(e.spec, (ids = this.select(e.spec.endpointSelector)));
      const d = e.rule.section.startsWith('ingress') ? 0 : 1;
      for (const id of ids) addTo(this.#of[d], id, i);
    });
    // Default deny per direction, and which policies cause it (specs without rules may enable it too).
    this.#isolatingBy = [perClass(classes.length), perClass(classes.length)];
    this.policies.forEach((p, pi) => {
      for (const spec of p.specs) {
        if (!spec.endpointSelector || !(spec.defaultDeny.ingress || spec.defaultDeny.egress)) continue;
        const ids = bySpec.get(spec) ?? this.select(spec.endpointSelector);
        for (let d = 0; d < 2; d++) {
          if (!(d === 0 ? spec.defaultDeny.ingress : spec.defaultDeny.egress)) continue;
          const flags = this.#isolating[d];
          const by = this.#isolatingBy[d];
          for (let k = 0; k < ids.length; k++) {
            flags[ids[k]] = 1;
            const list = by[ids[k]];
            if (list[list.length - 1] !== pi) addTo(by, ids[k], pi);
          }
        }
      }
    });
  }

  /** The Cilium policies that put a class in default deny in a direction (empty: not isolated by Cilium). */
  isolatingPolicies(cls: PodClass, direction: 'Ingress' | 'Egress'): readonly CiliumPolicy[] {
    return (this.#isolatingBy[direction === 'Ingress' ? 0 : 1][cls.id] ?? []).map((i) => this.policies[i]);
  }

  /** Identity labels of a class (its members share every label a Cilium selector reads). */
  labelsOf(c: PodClass): Labels {
    return identityLabels(c.firstPod, this.#nsLabels.get(c.namespace) ?? {}, this.cluster);
  }

  /**
   * Ids of the classes a selector over identity labels selects, sorted: the namespace requirement picks the
   * namespaces, pod-label requirements go through the class index, identity labels are checked per class.
   */
  select(selector: Selector): Int32Array {
    let out = this.#bySelector.get(selector);
    if (!out) this.#bySelector.set(selector, (out = this.#select(selector)));
    return out;
  }

  #select(selector: Selector): Int32Array {
    // The common shape — one namespace and pod labels — straight from the class index (sorted, shared).
    let ns: string | undefined;
    let simple = !selector.nothing;
    for (const r of selector.requirements)
      if (r.key === ciliumLabels.namespace) {
        simple &&= ns === undefined && r.operator === 'In' && r.values.length === 1;
        ns = r.values[0];
      } else if (isIdentityKey(r.key)) simple = false;
    if (simple && ns !== undefined) {
      if (!this.#nsLabels.has(ns)) return EMPTY;
      const pod = selector.requirements.filter((r) => r.key !== ciliumLabels.namespace);
      return this.#index!.select(ns, { requirements: pod });
    }
    const key = formatSelector(selector);
    const hit = this.#sets.get(key);
    if (hit) return hit;
    const nsReqs = selector.requirements.filter((r) => r.key === ciliumLabels.namespace);
    const podReqs = selector.requirements.filter((r) => !isIdentityKey(r.key));
    const rest = selector.requirements.filter(
      (r) => isIdentityKey(r.key) && r.key !== ciliumLabels.namespace,
    );
    const ids: number[] = [];
    this.#namespaces ??= [...this.#nsLabels.keys()].sort();
    const inNs = nsReqs.find((r) => r.operator === 'In');
    const candidates = inNs ? inNs.values.filter((n) => this.#nsLabels.has(n)) : this.#namespaces;
    if (!selector.nothing && !rest.some((r) => r.key.startsWith('reserved:')))
      for (const ns of candidates) {
        if (!matches({ requirements: nsReqs }, { [ciliumLabels.namespace]: ns })) continue;
        for (const id of this.#index!.select(ns, { requirements: podReqs }))
          if (!rest.length || matches({ requirements: rest }, this.labelsOf(this.#classes[id]))) ids.push(id);
      }
    const out = new Int32Array(ids).sort();
    this.#sets.set(key, out);
    return out;
  }

  /** Is class `id` in a sorted id list? */
  static has(ids: Int32Array, id: number): boolean {
    return sortedHas(ids, id);
  }

  /** Entry indices of the rules that apply to a class in a direction (policy key, spec, section, index order). */
  rulesOf(cls: PodClass, direction: 'Ingress' | 'Egress'): readonly number[] {
    return this.#of[direction === 'Ingress' ? 0 : 1][cls.id] ?? [];
  }

  /**
   * Is the class in default deny in the direction? Under `enable-policy: always` every endpoint is, whether a rule
   * selects it or not (computePolicyEnforcementAndRules returns true both ways).
   */
  isolates(cls: PodClass, direction: 'Ingress' | 'Egress'): boolean {
    return this.#always || this.#isolating[direction === 'Ingress' ? 0 : 1][cls.id] === 1;
  }

  /**
   * The tier judges pods: the CNI is Cilium and some Cilium policy exists, or the enforcement mode is `always`
   * (which isolates every pod with no policy at all).
   */
  get enforcing(): boolean {
    return this.active && (this.policies.length > 0 || this.#always);
  }

  /** What isolates a class in a direction beyond its policies: the `always` mode's ConfigMap key. */
  get modeIsolation(): { readonly policy: string; readonly source?: RuleRef['source'] } | undefined {
    const m = this.agent.modeSetting;
    return this.#always && m ? { policy: m.text, ...(m.source ? { source: m.source } : {}) } : undefined;
  }

  /** The policies with rules for a class, in key order. */
  selectingPolicies(cls: PodClass): CiliumPolicy[] {
    const out = new Set<CiliumPolicy>();
    for (const d of [0, 1]) for (const i of this.#of[d][cls.id] ?? []) out.add(this.entries[i].policy);
    return [...out].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  /** The policies selecting a class (for the warning when the CNI is not Cilium). */
  selecting(cls: PodClass): string[] {
    const keys = new Set<string>();
    for (const d of [0, 1]) for (const i of this.#of[d][cls.id] ?? []) keys.add(this.entries[i].policy.key);
    return [...keys].sort();
  }

  /**
   * One side: `subject` is the pod whose policies apply, `target` the other end; `destination` the pod that
   * resolves named ports (undefined for an address). See `decideSide` (_cilium-decide.ts).
   */
  decide(
    direction: 'Ingress' | 'Egress',
    subject: CiliumTarget & { readonly cls: PodClass },
    target: CiliumTarget,
    port: number,
    protocol: Protocol,
    destination: Pod | undefined,
    withReasons: boolean,
  ): CiliumSide {
    return decideSide(this, { direction, subject, target, port, protocol, destination, withReasons });
  }

  /**
   * One side between two pod classes without explanations (the fast path of `allows`): `deny` when a deny rule
   * matches, `allow` when an allow rule does, `none` otherwise. Same semantics as `decide` for pod targets:
   * a port name resolves through the destination class (its pods share the resolution of every name a policy
   * uses; a name declared twice is checked on the destination pod).
   */
  fastSide(
    direction: 'Ingress' | 'Egress',
    cls: PodClass,
    other: number,
    port: number,
    protocol: Protocol,
    dest: PodClass,
    destination: Pod,
  ): 'deny' | 'allow' | 'none' {
    const list = this.#of[direction === 'Ingress' ? 0 : 1][cls.id];
    if (!list || !list.length) return 'none';
    let allow = false;
    const proto = protocol === 'TCP' ? 1 : protocol === 'UDP' ? 2 : 4;
    const pi = proto >> 1;
    for (let k = 0; k < list.length; k++) {
      const c = this.#fast[list[k]] ?? this.#compileFast(list[k]);
      if (allow && !c.deny) continue;
      const p = c.ports;
      if (p) {
        let hit = false;
        for (let j = 0; j < p.length && !hit; j += 3) {
          if (!(p[j] & proto)) continue;
          if (p[j + 1] >= 0) hit = port >= p[j + 1] && port <= p[j + 2];
          else {
            const at = c.named[p[j + 2] * 3 + pi];
            const to = at < 0 ? -1 : dest.namedPorts[at];
            hit = to === port || (to === -2 && onPod(destination, c.names[p[j + 2]], protocol, port));
          }
        }
        if (!hit) continue;
      }
      if (c.peers && !sortedHas(c.peers, other)) continue;
      if (c.deny) return 'deny';
      allow = true;
    }
    return allow ? 'allow' : 'none';
  }

  /**
   * An entry flattened for the fast path: ports as `(protocol mask, first, last)` triples (`first` -1: the name
   * `names[last]`, resolved at the destination; `named[3 * last + protocol bit]` is its index in the engine's
   * port names, -1 when it has none; undefined: every port), peers as one sorted list of the pod classes they
   * select (undefined: every pod).
   */
  #compileFast(i: number): FastEntry {
    const rule = this.entries[i].rule;
    const names: string[] = [];
    let ports: Int32Array | undefined = undefined;
    if (rule.toPorts !== 'all' && !rule.toPorts.some((pr) => !pr.ports.length)) {
      const out: number[] = [];
      for (const pr of rule.toPorts)
        for (const pp of pr.ports) {
          const mask = pp.protocol === 'ANY' ? 7 : pp.protocol === 'TCP' ? 1 : pp.protocol === 'UDP' ? 2 : 4;
          if (typeof pp.port === 'string') out.push(mask, -1, names.push(pp.port) - 1);
          else if (pp.port === 0) out.push(mask, 0, 65535);
          else out.push(mask, pp.port, pp.endPort ?? pp.port);
        }
      ports = new Int32Array(out);
    }
    const named = new Int32Array(names.length * 3).fill(-1);
    names.forEach((n, k) =>
      ['TCP', 'UDP', 'SCTP'].forEach((protocol, b) => {
        named[k * 3 + b] = this.#portNames.findIndex((pn) => pn.name === n && pn.protocol === protocol);
      }),
    );
    const sets = this.#compilePodPeers(rule);
    let peers: Int32Array | undefined = undefined;
    if (sets !== 'all') {
      const all = new Set<number>();
      for (const set of sets) for (const id of set) all.add(id);
      peers = Int32Array.from([...all].sort((a, b) => a - b));
    }
    // One object shape for every entry (fields always present) keeps `fastSide` monomorphic.
    return (this.#fast[i] = { deny: rule.section.endsWith('Deny'), ports, names, named, peers });
  }

  #compilePodPeers(rule: CiliumRule): readonly Int32Array[] | 'all' {
    if (rule.peers === 'all') return 'all';
    const sets: Int32Array[] = [];
    for (const p of rule.peers) {
      if (p.kind === 'entity' && (p.entity === 'all' || p.entity === 'cluster')) return 'all';
      if (p.kind === 'endpoints') {
        const reserved = p.selector.requirements.find((r) => r.key.startsWith('reserved:'));
        if (!reserved) sets.push(this.select(p.selector));
        else if (['all', 'cluster'].includes(reserved.key.slice('reserved:'.length))) return 'all';
      }
      if (p.kind === 'service') for (const sel of this.service(p).selectors) sets.push(this.select(sel));
    }
    return sets;
  }

  /** Is the address in the CIDR and outside every except block? */
  inBlock(cidr: string, except: readonly string[], ip: string): boolean {
    const key = `${cidr}|${except.join(',')}`;
    if (!this.#blocks.has(key)) this.#blocks.set(key, compileBlock(cidr, except));
    const b = this.#blocks.get(key);
    const parsed = parseIP(ip);
    return !!b && !!parsed && blockContains(b, parsed);
  }

  /** What a `toServices` peer stands for: pod selectors (Services with a selector) and endpoint addresses. */
  service(p: CiliumPeer & { kind: 'service' }) {
    let s = this.#services.get(p);
    if (s) return s;
    s = { selectors: [] as Selector[], addresses: new Set<string>() };
    for (const svc of this.model.services) {
      if (svc.namespace !== p.namespace) continue;
      if (p.name !== undefined ? svc.name !== p.name : !p.selector || !matches(p.selector, svc.labels))
        continue;
      if (svc.selector) {
        const sel = selectorFromMap(svc.selector);
        s.selectors.push({
          requirements: [
            ...sel.requirements,
            { key: ciliumLabels.namespace, operator: 'In', values: [svc.namespace] },
          ],
        });
      } else
        for (const slice of this.model.endpointSlices)
          if (slice.namespace === svc.namespace && slice.serviceName === svc.name)
            for (const ep of slice.endpoints) ep.addresses.forEach((a) => s!.addresses.add(a));
    }
    this.#services.set(p, s);
    return s;
  }

  /** The pod selectors a `toServices` peer stands for (Services with a selector; scoped to their namespace). */
  serviceSelectors(p: CiliumPeer & { kind: 'service' }): readonly Selector[] {
    return this.service(p).selectors;
  }

  /** The outside names that resolve to an address (the profile's externalHosts), plus the name asked for. */
  namesOf(ip: string, asked?: string): string[] {
    const names = Object.entries(this.model.profile.externalHosts)
      .filter(([, ips]) => ips.includes(ip))
      .map(([n]) => n);
    return asked && !names.includes(asked) ? [asked, ...names] : names;
  }

  /**
   * Does the class's egress carry a DNS rule admitting the lookup of `name`? Without it the DNS proxy never sees
   * the answer and toFQDNs selects nothing (https://docs.cilium.io/en/stable/security/policy/language/#dns-based).
   */
  dnsAllowed(cls: PodClass, name: string): boolean {
    for (const i of this.rulesOf(cls, 'Egress')) {
      const r = this.entries[i].rule;
      if (r.section !== 'egress' || r.toPorts === 'all') continue;
      for (const pr of r.toPorts) if (pr.dns?.some((d) => dnsRuleMatches(d, name))) return true;
    }
    return false;
  }
}

/** Per class flags of a tier without policies: none (a class past the end reads as not isolated). */
const NO_FLAGS = new Uint8Array(0);

/** A list shared by every class nothing was added to (`perClass`, `addTo`); never written. */
const NONE: number[] = [];

/** One list per class, all the shared empty one until something is added (`addTo`). */
function perClass(n: number): number[][] {
  return new Array<number[]>(n).fill(NONE);
}

/** Appends `i` to class `id`'s list, giving the class its own list on the first. */
function addTo(lists: number[][], id: number, i: number): void {
  const list = lists[id];
  if (list === NONE) lists[id] = [i];
  else list.push(i);
}
