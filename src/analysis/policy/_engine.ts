import type { Labels } from '../../lib/labels.ts';
import type { SourceRef } from '../../model/diagnostic.ts';
import type { ClusterModel, NetworkPolicy, PolicyPeer, Pod, Protocol } from '../../model/types.ts';
import { PeerSets } from './_peer-sets.ts';
import { SidePrograms } from './_side-programs.ts';
import { ClassIndex } from './_class-index.ts';
import { buildClasses, type PodClass } from './_classes.ts';
import { SlotWriter, slotOf } from './_pod-slots.ts';
import { selectPolicies, type PolicyLists } from './_policy-lists.ts';
import { walkPolicies } from './_policy-walk.ts';
import { keepShapes } from './_kept-shapes.ts';
import { recordRules, type RuleTable } from './_rule-table.ts';
import { AddressSegments, type CompiledBlock } from './_ip-blocks.ts';
import { peerMatches, type PeerTarget } from './_peers.ts';
import { evaluateSide, type SideContext } from './_side.ts';
import type { AdminTiers } from './_admin.ts';
import { compileAdminTiers } from './_admin.ts';
import { CiliumTier } from './_cilium.ts';
import type { CiliumTarget } from './_cilium-peers.ts';
import type { CiliumPolicy } from '../../model/cilium-policy.ts';
import { hostPolicyWarnings } from './_cilium-host-policies.ts';
import { namespaceLabelsNote } from './_cilium-decide.ts';
import { agentWarnings, type AgentSetting } from './_cilium-agent.ts';
import { auditedVerdict } from './_cilium-audit.ts';
import { egressPortNamesOf, knpTierWarnings } from './_cilium-knp.ts';
import { VerdictTable } from '../matrix/_verdict-table.ts';
import type { EngineOptions, ExplainOptions, HostNetworkMode, Party, SideVerdict, Verdict } from './types.ts';

/** Pod-pair `allows` queries (at most) before the verdict table is built. */
const TABLE_AFTER = 4096;
/** Questions about a pod answered by a scan of the pod list before every pod's slot mark is written. */
const SCAN_ASKS = 16;
/** Entries of the `allows` cache (Cilium tier) before it is dropped and refilled. */
const CACHE_LIMIT = 1 << 22;
/** Past this many classes pairs rarely repeat, and the cache costs more than the evaluation it saves. */
const CACHE_CLASSES = 4096;

/**
 * The classes `ClassIndex` indexes: in `node` mode hostNetwork classes are their node's address, which policies
 * never select. Module-level functions rather than a closure per engine: optimized code that inlines a closure
 * holds it weakly, and a closure made per compile dies with its engine, so every later compile would run that
 * code unoptimized again (design note 0008, seventeenth session).
 */
const everyClass = (): boolean => true;
const notOnNodeAddress = (c: PodClass): boolean => !c.hostNetwork;

// The policy walk's answer over no policy (its rule table's key maps, its targets), kept for the life of the process
// like the classes' and the index's (`_kept-shapes.ts`): the walk's files make it, the engine keeps it.
const walkSample = walkPolicies([], { table: true });
keepShapes(walkSample, walkSample.targets);

/**
 * NetworkPolicies (and the admin tiers) compiled once over equivalence classes of pods. `allows` answers one
 * connection from a per-class cache; `explain` gives the full verdict with the rules, peers and lines.
 */
export class PolicyEngine {
  readonly classes: readonly PodClass[];
  readonly hostNetwork: HostNetworkMode;
  readonly enforced: boolean;
  readonly policies: readonly NetworkPolicy[];
  /** Every named port a policy (or admin tier) uses; `PodClass.namedPorts` follows this order. */
  readonly portNames: readonly { readonly name: string; readonly protocol: string }[];
  /** The model's pods (a copy), and per position the class id (pod → class id: `_pod-slots.ts`, else `#fallback`). */
  readonly #pods: readonly Pod[];
  readonly #classIdOf: Int32Array;
  /** True once `#markPods` has written the pods' slot marks; questions answered by a scan before that. */
  #marked = false;
  #scans = 0;
  /** Positions of the pods whose slot another pod list has taken (built on first need). */
  #fallback?: Map<Pod, number>;
  /** Per class id: 1 when its pods are their node's address (hostNetwork in `node` mode). */
  readonly #nodeAddress: Uint8Array;
  readonly #nsLabels = new Map<string, Labels>();
  readonly #blocks: Map<PolicyPeer, CompiledBlock>;
  /** Per class id: indices of the policies selecting it with policyType Ingress / Egress. */
  readonly #ingressOf: PolicyLists;
  readonly #egressOf: PolicyLists;
  readonly #nodeOfIP = new Map<string, string>();
  readonly #cache = new Map<number, boolean>();
  /** The NetworkPolicy tier's verdict table (`#verdicts`); only `networkPolicyOnly` engines build one. */
  #table?: VerdictTable;
  /** True once the table was found too large (`VerdictTable.for`): the side programs answer. */
  #noTable = false;
  #queries = 0;
  /** `networkPolicyOnly` and the Cilium tier's enforcement, fixed at construction (read by every `allows`). */
  readonly #npOnly: boolean;
  readonly #ciliumOn: boolean;
  /** The cilium-config key under which Cilium drops nothing by policy (`enable-policy: never`, audit mode). */
  readonly #unenforcedBy?: AgentSetting;
  /** Cilium policies with a host (nodeSelector) spec: read, not enforced. */
  readonly #hostPolicies: readonly CiliumPolicy[];
  /** hostNetwork pods are their node's address (`hostNetwork === 'node'`). */
  readonly #nodeMode: boolean;
  /** Classes by namespace and label (hostNetwork classes in `node` mode left out: policies never select them). */
  readonly #index: ClassIndex;
  #peerSets?: PeerSets;
  #programs?: SidePrograms;
  readonly admin: AdminTiers;
  /** CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy (enforced when the profile's CNI is Cilium). */
  readonly cilium: CiliumTier;
  readonly model: ClusterModel;
  /**
   * The distinct numeric port ranges of the NetworkPolicy rules per protocol (keyed `first * 65537 + last`),
   * and the protocols each named port is used with: read once here for the port classes (`portClasses`), which
   * would otherwise walk every policy again.
   */
  readonly ruleRanges: Readonly<Record<Protocol, Map<number, readonly [number, number]>>>;
  readonly ruleNamedPorts: Map<string, Set<Protocol>>;
  /**
   * Every NetworkPolicy rule as flat arrays (peers by content key, ports by spec), laid out by the compile's own
   * walk of the policies (`walkPolicies`): every policy is touched once. Recorded on first ask, the table was a
   * second walk of every policy's rules, most of whose cost was their first touch (design note 0008, eleventh
   * session); engines built with `ruleTable: 'on-demand'` record it so (`recordRules`), as commands answering a
   * few pairs never ask for it (twelfth session).
   */
  get rules(): RuleTable {
    return (this.#rules ??= recordRules(this.policies, this.#blocks));
  }
  #rules?: RuleTable;

  constructor(model: ClusterModel, options: EngineOptions = {}) {
    this.model = model;
    this.hostNetwork = options.hostNetwork ?? 'node';
    this.#nodeMode = this.hostNetwork === 'node';
    this.policies = model.networkPolicies;
    for (const ns of model.namespaces) this.#nsLabels.set(ns.name, ns.labels);
    for (const n of model.nodes) if (n.internalIP) this.#nodeOfIP.set(n.internalIP, n.name);
    const walk = walkPolicies(this.policies, { table: options.ruleTable !== 'on-demand' });
    const { labelKeys, portNames, blocks, targets } = walk;
    this.#blocks = walk.blockOf;
    this.#rules = walk.rules;
    this.ruleNamedPorts = walk.ruleNamedPorts;
    this.ruleRanges = walk.ruleRanges;
    this.admin = compileAdminTiers(model);
    this.admin.labelKeys.forEach((k) => labelKeys.add(k));
    this.cilium = new CiliumTier(model);
    this.cilium.labelKeys.forEach((k) => labelKeys.add(k));
    // Cilium with `enable-policy: never` enforces no policy; in audit mode it drops nothing policy would drop.
    const agent = this.cilium.active ? this.cilium.agent : undefined;
    this.#unenforcedBy = agent?.mode === 'never' ? agent.modeSetting : agent?.audit;
    this.enforced = model.profile.cni.enforcesNetworkPolicy && !this.#unenforcedBy;
    this.#ciliumOn = this.cilium.enforcing && this.enforced;
    this.#hostPolicies = this.cilium.policies.filter((p) => p.specs.some((sp) => sp.nodeSelector));
    this.#npOnly = this.enforced && this.admin.empty && !this.#ciliumOn;
    for (const e of this.cilium.entries)
      if (e.rule.toPorts !== 'all')
        for (const pr of e.rule.toPorts)
          for (const pp of pr.ports)
            if (typeof pp.port === 'string')
              for (const protocol of pp.protocol === 'ANY' ? ['TCP', 'UDP', 'SCTP'] : [pp.protocol])
                portNames.set(`${pp.port}/${protocol}`, { name: pp.port, protocol });
    this.admin.portNames.forEach((p) => portNames.set(`${p.name}/${p.protocol}`, p));
    this.portNames = [...portNames.values()];
    this.#pods = model.pods.slice();
    // The pods' slot marks are written on first ask (`#idOf`): a command answering a few pairs asks for a few pods.
    const built = buildClasses(this.#pods, {
      labelKeys,
      portNames: this.portNames,
      segments: new AddressSegments([...blocks, ...this.admin.blocks]),
      serviceAccounts: this.cilium.serviceAccounts,
      hostByNode: this.#ciliumOn && this.hostNetwork === 'node',
    });
    this.classes = built.classes;
    this.#classIdOf = built.classIdOf;
    this.#nodeAddress = new Uint8Array(this.classes.length);
    if (this.#nodeMode) for (const c of this.classes) if (c.hostNetwork) this.#nodeAddress[c.id] = 1;
    this.#index = new ClassIndex(this.classes, this.#nodeMode ? notOnNodeAddress : everyClass, {
      keys: labelKeys,
      labels: built.labels,
    });
    this.cilium.bind(this.classes, this.#index, this.#nsLabels, this.portNames);
    const lists = selectPolicies(targets, this.classes.length, this.#index);
    this.#ingressOf = lists.ingress;
    this.#egressOf = lists.egress;
  }

  classOf(pod: Pod): PodClass | undefined {
    const id = this.#idOf(pod);
    return id < 0 ? undefined : this.classes[id];
  }

  /** The pod's class id, -1 when it is not one of the model's pods. */
  #idOf(pod: Pod): number {
    if (!this.#marked) {
      // The first few questions scan the list (~0.1 ms each at 150k pods) rather than mark every pod (~40 ms).
      if (++this.#scans <= SCAN_ASKS) {
        const i = this.#pods.indexOf(pod);
        return i < 0 ? -1 : this.#classIdOf[i];
      }
      this.#markPods();
    }
    const id = slotOf(this.#pods, pod);
    if (id >= 0) return id;
    if (!this.#fallback) {
      this.#fallback = new Map();
      for (let i = 0; i < this.#pods.length; i++) this.#fallback.set(this.#pods[i], i);
    }
    const i = this.#fallback.get(pod);
    return i === undefined ? -1 : this.#classIdOf[i];
  }

  /**
   * Writes every pod's slot mark (its class id), once, past the first `SCAN_ASKS` questions about a pod. Written
   * during the compile, the marks (one `defineProperty` per pod, 151,502 at realistic 150k: 30–45 ms CPU) were paid
   * by every command, though one that answers a pair asks about a few pods (design note 0008, twelfth session).
   * `allows` reads marks only once the verdict table exists, and `#verdicts` writes them when it builds the table.
   */
  #markPods(): void {
    const writer = new SlotWriter(this.#pods);
    for (let i = 0; i < this.#pods.length; i++) writer.put(this.#pods[i], this.#classIdOf[i]);
    writer.settle((id) => id);
    this.#marked = true;
  }

  nsLabels(namespace: string): Labels {
    return this.#nsLabels.get(namespace) ?? {};
  }

  /** The NetworkPolicies isolating the pod in a direction (empty: not isolated). */
  isolating(pod: Pod, direction: 'Ingress' | 'Egress'): NetworkPolicy[] {
    const c = this.classOf(pod);
    if (!c) return [];
    return Array.from(
      (direction === 'Ingress' ? this.#ingressOf : this.#egressOf).of(c.id),
      (i) => this.policies[i],
    );
  }

  /**
   * True when the NetworkPolicy tier alone decides every pod-to-pod verdict (policies enforced, no admin or
   * baseline policy, no Cilium policy): verdicts are then functions of (source class, destination class, port) read from
   * `policiesOf` and `peerSets`, apart from a pod and itself and a hostNetwork pod and its own node. A tier
   * added to the engine must make this false while it has policies, or class-level readers would miss it.
   */
  get networkPolicyOnly(): boolean {
    return this.#npOnly;
  }

  /**
   * Every policy isolating the pod in a direction: NetworkPolicies, then (when the CNI is Cilium) the Cilium
   * policies that put it in default deny and the `enable-policy: always` key. Empty: the pod is not isolated in that
   * direction (as under Cilium's `never` and audit modes).
   */
  isolatedBy(pod: Pod, direction: 'Ingress' | 'Egress'): { key: string; source?: SourceRef }[] {
    // Cilium in `never` or audit mode isolates no pod: nothing is dropped by policy.
    if (this.#unenforcedBy) return [];
    const out: { key: string; source?: SourceRef }[] = this.isolating(pod, direction).map((np) => ({
      key: np.key,
      source: np.source,
    }));
    const c = this.classOf(pod);
    if (c && this.cilium.active && !(c.hostNetwork && this.hostNetwork === 'node')) {
      for (const p of this.cilium.isolatingPolicies(c, direction)) out.push({ key: p.key, source: p.source });
      const mode = this.cilium.modeIsolation;
      if (mode) out.push({ key: mode.policy, ...(mode.source ? { source: mode.source } : {}) });
    }
    return out;
  }

  /**
   * Is the connection allowed? NetworkPolicy alone, pod to pod: a bit of the verdict table (after the first
   * queries); with the Cilium tier: cached per (source class, destination class, port, protocol).
   */
  allows(from: Party, to: Party, port: number, protocol: Protocol): boolean {
    // The hot path, kept small enough for V8 to inline into the caller's loop (design note 0008, "allows() at
    // 2M queries/s"): two pods' class ids from their marks, one bit of the table. Everything else — the first
    // queries, hostNetwork pods, a pod and itself, pods of another list, the Cilium and admin tiers — is
    // `#allowsSlow`, which answers exactly as before.
    const table = this.#table;
    if (table !== undefined && from.kind === 'pod' && to.kind === 'pod') {
      const fromPod = from.pod;
      const toPod = to.pod;
      const ai = slotOf(this.#pods, fromPod);
      const bi = slotOf(this.#pods, toPod);
      // A hostNetwork pod (node mode) is its node's address: with a pod on its own node the pair is allowed (a
      // pod-level exception, `#allowsSlow`); with any other, the table's class bit is the verdict (the plan
      // treats its class as the node address: never isolated, in ipBlock sets only, named ports match nothing).
      if (
        ai >= 0 &&
        bi >= 0 &&
        fromPod !== toPod &&
        ((this.#nodeAddress[ai] | this.#nodeAddress[bi]) === 0 || !onOneNode(fromPod, toPod))
      ) {
        const v = table.has(ai, bi, port, protocol === 'TCP' ? 0 : protocol === 'UDP' ? 1 : 2);
        if (v !== undefined) return v;
      }
    }
    return this.#allowsSlow(from, to, port, protocol);
  }

  /** `allows` off the table's hot path. */
  #allowsSlow(from: Party, to: Party, port: number, protocol: Protocol): boolean {
    if (this.#ciliumOn) return this.#ciliumAllows(from, to, port, protocol);
    if (this.#npOnly && from.kind === 'pod' && to.kind === 'pod') {
      const fromPod = from.pod;
      const toPod = to.pod;
      const ai = this.#idOf(fromPod);
      const bi = this.#idOf(toPod);
      // Every pair of two pods of this engine's list, hostNetwork ones on one node included (answered below from
      // their sides, without `explain`: the matrix's own-node corrections ask exactly those).
      if (ai >= 0 && bi >= 0 && fromPod !== toPod) {
        const aHost = this.#nodeAddress[ai] === 1;
        const bHost = this.#nodeAddress[bi] === 1;
        // hostNetwork pods in `node` mode are their node's address (as `explain` treats them): no side of theirs
        // is isolated, traffic with a pod on their own node is allowed, and on the other side only ipBlock
        // peers can match them (their classes are in ipBlock sets only) and named ports match nothing.
        if (aHost || bHost) {
          const a = this.classes[ai];
          const b = this.classes[bi];
          const sameNode = onOneNode(fromPod, toPod);
          return (
            // Under Cilium egress to the own node is the `host` entity, subject to policy (see _side.ts).
            (aHost ||
              (sameNode && !this.cilium.active) ||
              this.#side('Egress', a, b, undefined, undefined, port, protocol)) &&
            (bHost || (aHost && sameNode) || this.#side('Ingress', b, a, b, toPod, port, protocol))
          );
        }
        const table = this.#verdicts();
        if (table) {
          const v = table.has(ai, bi, port, protocol === 'TCP' ? 0 : protocol === 'UDP' ? 1 : 2);
          if (v !== undefined) return v;
        }
        const a = this.classes[ai];
        const b = this.classes[bi];
        return (
          this.#side('Egress', a, b, b, toPod, port, protocol) &&
          this.#side('Ingress', b, a, b, toPod, port, protocol)
        );
      }
    }
    return this.explain(from, to, port, protocol, false).allowed;
  }

  /**
   * The verdict table of the NetworkPolicy tier (class × class × port class → a bit), built once `allows` has
   * answered more pod pairs than there are classes (up to `TABLE_AFTER`): a few queries are cheaper through
   * the side programs than a table. Undefined while not built, or when it would not fit (`VerdictTable.for`).
   */
  #verdicts(): VerdictTable | undefined {
    if (this.#table !== undefined || this.#noTable) return this.#table;
    if (++this.#queries <= Math.min(TABLE_AFTER, this.classes.length)) return undefined;
    // The hot path of `allows` reads the marks from here on.
    if (!this.#marked) this.#markPods();
    this.#table = VerdictTable.for(this);
    this.#noTable = this.#table === undefined;
    return this.#table;
  }

  /**
   * `allows` with the Cilium tier: pod to pod between classes (members share every label, namespace, service
   * account and named port either tier reads), cached per (source class, destination class, port, protocol);
   * anything else (addresses, hostNetwork pods, a pod to itself, admin tiers) goes through `explain`.
   */
  #ciliumAllows(from: Party, to: Party, port: number, protocol: Protocol): boolean {
    const a = from.kind === 'pod' ? this.classOf(from.pod) : undefined;
    const b = to.kind === 'pod' ? this.classOf(to.pod) : undefined;
    if (
      !a ||
      !b ||
      from.kind !== 'pod' ||
      to.kind !== 'pod' ||
      from.pod === to.pod ||
      a.hostNetwork ||
      b.hostNetwork ||
      !this.admin.empty
    )
      return this.explain(from, to, port, protocol, false).allowed;
    const pod = to.pod;
    const decide = () =>
      this.#ciliumSide('Egress', a, b, b, pod, port, protocol) &&
      this.#ciliumSide('Ingress', b, a, b, pod, port, protocol);
    if (this.classes.length > CACHE_CLASSES) return decide();
    return this.#cached(a, b, port, protocol, !b.namedPorts.includes(-2), decide);
  }

  /**
   * A pod-to-pod verdict cached per (source class, destination class, port, protocol) while the classes are few
   * enough for pairs to repeat (a matrix, a test file); past that, the cache costs more than the evaluation it
   * saves. A Map holds at most 2^24 entries, so the cache is dropped and refilled past `CACHE_LIMIT`.
   */
  #cached(
    a: PodClass,
    b: PodClass,
    port: number,
    protocol: Protocol,
    cacheable: boolean,
    decide: () => boolean,
  ): boolean {
    if (!cacheable || this.classes.length > CACHE_CLASSES) return decide();
    const key =
      ((a.id * this.classes.length + b.id) * 65536 + port) * 4 +
      (protocol === 'TCP' ? 0 : protocol === 'UDP' ? 1 : 2);
    const hit = this.#cache.get(key);
    if (hit !== undefined) return hit;
    const v = decide();
    if (this.#cache.size >= CACHE_LIMIT) this.#cache.clear();
    this.#cache.set(key, v);
    return v;
  }

  /**
   * One side between pod classes with both tiers, without explanations: a Cilium deny drops; a pod isolated by
   * neither tier admits; else a Cilium allow rule or a NetworkPolicy rule (the side programs) must admit.
   */
  #ciliumSide(
    direction: 'Ingress' | 'Egress',
    cls: PodClass,
    other: PodClass,
    dest: PodClass,
    destPod: Pod,
    port: number,
    protocol: Protocol,
  ): boolean {
    const c = this.cilium.fastSide(direction, cls, other.id, port, protocol, dest, destPod);
    if (c === 'deny') return false;
    const np = (direction === 'Ingress' ? this.#ingressOf : this.#egressOf).count(cls.id) > 0;
    if (!np && !this.cilium.isolates(cls, direction)) return true;
    if (c === 'allow') return true;
    return np && this.#side(direction, cls, other, dest, destPod, port, protocol);
  }

  /**
   * Pod-to-pod side without explanations (no admin tiers, distinct pods): the fast path of `allows`. Ports are
   * matched as `portMatches` does (named ports resolved at the destination), peers by one membership test in
   * the compiled peer sets (the other pod's class), from the class's side program.
   */
  #side(
    direction: 'Ingress' | 'Egress',
    cls: PodClass,
    other: PodClass,
    dest: PodClass | undefined,
    destPod: Pod | undefined,
    port: number,
    protocol: Protocol,
  ): boolean {
    if (!(direction === 'Ingress' ? this.#ingressOf : this.#egressOf).count(cls.id)) return true;
    this.#programs ??= new SidePrograms(
      this.classes,
      this.policies,
      (c, d) => this.policiesOf(c, d),
      this.peerSets,
    );
    return this.#programs.admits(direction, cls, other.id, dest, destPod, port, protocol);
  }

  /** The classes each peer selects, shared by content (compiled on first use). */
  get peerSets(): PeerSets {
    return (this.#peerSets ??= new PeerSets(
      this.classes,
      this.#nsLabels,
      this.#index,
      // As `explain` sees them (#asTarget): a hostNetwork pod in `node` mode is its primary address.
      // Under Cilium, ipBlock is a CIDR rule: it never selects pods or nodes.
      (c) =>
        this.cilium.active
          ? []
          : c.hostNetwork && this.hostNetwork === 'node'
            ? c.firstPod.ip
              ? [c.firstPod.ip]
              : []
            : c.firstPod.ips,
      (peer) => this.#blocks.get(peer),
      this.rules,
    ));
  }

  /**
   * Why no policy drops a connection — the CNI does not enforce NetworkPolicy, or Cilium runs with
   * `enable-policy: never` or in audit mode — as answers say it; undefined when policies are enforced.
   */
  get notEnforced(): string | undefined {
    const by = this.#unenforcedBy;
    if (this.enforced) return undefined;
    if (!by)
      return `CNI ${this.model.profile.cni.name} does not enforce NetworkPolicy: every connection is allowed, whatever the policies say`;
    return by === this.cilium.agent.audit
      ? `${by.text}: Cilium's policy audit mode logs what policy would drop and lets every connection through`
      : `${by.text}: Cilium enforces no policy on any endpoint (policy enforcement mode never), every connection is allowed, whatever the policies say`;
  }

  /** The full verdict: both sides, the rule that admitted each, or why every rule missed. */
  explain(
    from: Party,
    to: Party,
    port: number,
    protocol: Protocol,
    options: boolean | ExplainOptions = true,
  ): Verdict {
    const opts = typeof options === 'boolean' ? { withReasons: options } : options;
    const src = this.#asTarget(from);
    const dst = this.#asTarget(to);
    const warnings: string[] = [];
    const ctx: SideContext = {
      engine: this,
      port,
      protocol,
      withReasons: opts.withReasons ?? true,
      http: opts.http,
      warnings,
    };
    this.#ciliumIgnored(src, dst, warnings);
    // The agent's settings matter with or without Cilium policies (enforcement mode, NetworkPolicy support).
    if (this.cilium.active && (this.enforced || this.#unenforcedBy))
      warnings.push(
        ...agentWarnings(
          this.cilium.agent,
          { networkPolicies: this.model.networkPolicies, selecting: (c) => this.cilium.selectingPolicies(c) },
          src,
          dst,
        ),
      );
    if (this.#ciliumOn && this.#hostPolicies.length)
      warnings.push(...hostPolicyWarnings(this.model, this.#hostPolicies, src, dst));
    const unenforced = this.#unenforcedBy;
    // Audit mode: the verdict as policy would give it, then what the datapath does with it (explanations only;
    // without them every connection is let through at L4, as below).
    if (unenforced && unenforced === this.cilium.agent.audit && opts.withReasons !== false)
      return auditedVerdict(policyVerdict(ctx, src, dst), unenforced);
    if (!this.enforced) {
      warnings.push(this.notEnforced!);
      const side = (direction: 'Egress' | 'Ingress'): SideVerdict => ({
        direction,
        allowed: true,
        reason: 'not-enforced',
        isolatedBy: [],
        misses: [],
        notes: unenforced ? [`${unenforced.text}: Cilium drops nothing by policy`] : [],
      });
      return { allowed: true, port, protocol, egress: side('Egress'), ingress: side('Ingress'), warnings };
    }
    return policyVerdict(ctx, src, dst);
  }

  /**
   * Warnings about the whole answer that per-pair verdicts cannot carry (`matrix`, counts): Cilium policies a
   * non-Cilium CNI ignores, Cilium rule fields kubetwin does not model. Sorted; empty when there are none.
   */
  get tierWarnings(): string[] {
    const out: string[] = [];
    if (this.cilium.policies.length && !this.cilium.active)
      out.push(
        `${this.cilium.policies.length} Cilium polic${this.cilium.policies.length === 1 ? 'y is' : 'ies are'} not enforced: the CNI is ${this.model.profile.cni.name}, not Cilium`,
      );
    if (this.cilium.active)
      for (const p of this.#hostPolicies)
        out.push(
          `${p.key} nodeSelector (a host firewall policy) is not modeled by kubetwin and may change verdicts on traffic into or out of the nodes it selects`,
        );
    if (this.cilium.active)
      for (const e of this.cilium.entries)
        for (const u of [
          ...e.rule.unmodeled,
          ...(e.rule.toPorts === 'all' ? [] : e.rule.toPorts.flatMap((pr) => pr.unmodeled)),
        ])
          out.push(
            `${e.policy.key} ${e.path}.${u} is not modeled by kubetwin and may change verdicts of the pods it selects`,
          );
    if (this.cilium.active)
      for (const d of this.cilium.agent.departures)
        out.push(`${d.text} is not modeled by kubetwin and may change verdicts`);
    if (this.cilium.active)
      for (const p of this.cilium.policies)
        for (const u of [
          ...(this.cilium.agent.nodeSelectorLabels ? [] : (p.nodeRules ?? [])),
          ...(p.unmodeled ?? []),
        ])
          out.push(`${p.key} ${u} is not modeled by kubetwin and may change verdicts of the pods it selects`);
    if (this.cilium.active)
      for (const e of this.cilium.entries)
        if (e.rule.peers !== 'all')
          for (const p of e.rule.peers)
            if (p.kind === 'endpoints' && p.unscoped)
              out.push(
                `${e.policy.key} ${e.path}.${p.path} (${namespaceLabelsNote}) may change verdicts of the pods it selects with pods of other namespaces: cells show the policy's namespace only`,
              );
    if (this.cilium.active && this.enforced)
      out.push(
        ...knpTierWarnings(
          this.model.networkPolicies,
          this.model.pods,
          egressPortNamesOf(this.cilium.entries),
        ),
      );
    return out.sort();
  }

  /** Cilium policies in a cluster whose CNI is not Cilium are not enforced: say so where they select a side. */
  #ciliumIgnored(src: PartyTarget, dst: PartyTarget, warnings: string[]): void {
    if (this.cilium.active || !this.cilium.policies.length) return;
    for (const t of [src, dst])
      if (t.cls)
        for (const key of this.cilium.selecting(t.cls))
          warnings.push(
            `${key} selects ${t.pod!.namespace}/${t.pod!.name} but the CNI is ${this.model.profile.cni.name}, not Cilium: it is not enforced, and this verdict ignores it`,
          );
  }

  /** A party as the Cilium tier sees it. */
  ciliumTarget(t: PartyTarget): CiliumTarget {
    if (t.pod) return { pod: t.pod, cls: t.cls, ip: t.pod.ip, node: t.node };
    return { ip: t.ip, node: t.node, fqdn: t.fqdn };
  }

  /** A pod as policies see it; a hostNetwork pod in `node` mode is its node's address. */
  #asTarget(p: Party): PartyTarget {
    if (p.kind === 'ip') return { ip: p.ip, node: this.#nodeOfIP.get(p.ip), fqdn: p.fqdn };
    const pod = p.pod;
    if (pod.hostNetwork && this.hostNetwork === 'node')
      return { ip: pod.ip ?? '', node: pod.nodeName, hostPod: pod };
    return { pod, nsLabels: this.nsLabels(pod.namespace), node: pod.nodeName, cls: this.classOf(pod) };
  }

  /** Indices of the policies isolating a class, ascending (a view: never written). */
  policiesOf(cls: PodClass, direction: 'Ingress' | 'Egress'): Int32Array {
    return (direction === 'Ingress' ? this.#ingressOf : this.#egressOf).of(cls.id);
  }

  /**
   * The same lists for every class at once, compressed (`ids[start[c]..start[c + 1]]`): for readers that walk
   * every class and would otherwise ask `policiesOf` once per class.
   */
  policyLists(direction: 'Ingress' | 'Egress'): PolicyLists {
    return direction === 'Ingress' ? this.#ingressOf : this.#egressOf;
  }

  blockOf(peer: PolicyPeer): CompiledBlock | undefined {
    return this.#blocks.get(peer);
  }

  /** Does a peer of a policy in `namespace` match the target? */
  peer(peer: PolicyPeer, namespace: string, target: PeerTarget & { readonly node?: string }) {
    // Under Cilium an ipBlock is a CIDR rule, which selects neither pods nor nodes (default CIDR match mode).
    // https://docs.cilium.io/en/stable/security/policy/language/#selecting-nodes-with-cidr-ipblock
    if (peer.ipBlock && this.cilium.active && (target.pod || target.node !== undefined))
      return { matched: false };
    return peerMatches(peer, this.#blocks.get(peer), namespace, target);
  }
}

/** Are both pods scheduled on the same node? */
function onOneNode(a: Pod, b: Pod): boolean {
  return a.nodeName !== undefined && a.nodeName === b.nodeName;
}

/** A party resolved for evaluation: a pod (with class and namespace labels) or an address (maybe a node's). */
export type PartyTarget = PeerTarget & {
  readonly node?: string;
  readonly cls?: PodClass;
  readonly hostPod?: Pod;
  readonly fqdn?: string;
};

/** The verdict the policies give: both sides evaluated, allowed when both allow, 403 when either refuses at L7. */
function policyVerdict(ctx: SideContext, src: PartyTarget, dst: PartyTarget): Verdict {
  const egress = evaluateSide(ctx, 'Egress', src, dst);
  const ingress = evaluateSide(ctx, 'Ingress', dst, src);
  const refused = egress.reason === 'l7-denied' || ingress.reason === 'l7-denied';
  return {
    allowed: egress.allowed && ingress.allowed,
    port: ctx.port,
    protocol: ctx.protocol,
    egress,
    ingress,
    warnings: [...new Set(ctx.warnings)],
    ...(refused ? { httpStatus: 403 as const } : {}),
  };
}
