/**
 * The cluster model kept current from single-object events (a watch event, or one object of a changed file):
 * `apply` updates the model in place when it can do so exactly, and otherwise rebuilds it from the whole object
 * set (correct, just slower). The result of every `apply` equals `buildCluster` over the object set then held,
 * for pods, Services, EndpointSlices and policies (a property test holds it: incremental.test.ts); diagnostics
 * are those of the last full build. docs/design/0007-incremental-model.md says what is updated in place.
 *
 * Updated in place:
 * - NetworkPolicy (networking.k8s.io) added, changed or deleted: the policy list; policy engines built over an
 *   earlier model are stale (`policyEpoch` moves on) and DNS is unaffected.
 * - Pod added, changed (labels, IPs, readiness, node) or deleted, when its record cannot depend on any other pod:
 *   bound to a declared node (`spec.nodeName`), addresses from `status.podIP(s)` that no other pod holds and that
 *   lie in no node range the twin's IPAM hands addresses out of, that node below `maxPodsPerNode`, a namespace
 *   that exists in its own right, no diagnostic, and (added or deleted) no `ownerReferences`; then the pod and
 *   the EndpointSlices of the Services in its namespace selecting it before or after.
 * - EndpointSlice or Endpoints of an existing Service added, changed or deleted: that Service's slices.
 * Everything else (Services, Nodes, Namespaces, workloads, routing, mesh, admin and Cilium policies, unknown kinds,
 * and any event above whose guard fails) rebuilds the whole model.
 */
import type { Diagnostic } from '../../model/diagnostic.ts';
import type {
  ClusterModel,
  EndpointSlice,
  Namespace,
  NetworkPolicy,
  Node,
  Pod,
  Service,
} from '../../model/types.ts';
import { defaultProfile } from '../../model/profile.ts';
import { objectKey } from '../../model/keys.ts';
import { cidrContains, parseCidr, parseIP, type Cidr } from '../../lib/ip.ts';
import type { RawObject } from '../../parse/index.ts';
import { buildCluster, type BuildOptions } from '../index.ts';
import { readEnvelopes, type Envelope } from '../_envelope.ts';
import { buildNetworkPolicies } from '../_network-policies.ts';
import { newSliceMemo, type SliceMemo } from '../_endpointslices.ts';
import { insertSorted, removeSorted } from './_sorted.ts';
import {
  builtSliceMemos,
  keepUnchanged,
  ownerOfSlice,
  ownerOfSliceObject,
  selects,
  slicesOfService,
} from './_slices.ts';
import { podAlone, type PodAlone } from './_pod-event.ts';

/** One object added or changed (`upsert`) or deleted, as a watch event gives it. */
export interface ObjectEvent {
  readonly type: 'upsert' | 'delete';
  readonly object: RawObject;
}

/** What one `apply` changed. With `rebuilt`, everything may have: the other fields are empty. */
export interface ModelChange {
  readonly rebuilt: boolean;
  /** Why the event was not applied in place (for logs and the benchmark). */
  readonly reason?: string;
  readonly pods: readonly { readonly before?: Pod; readonly after?: Pod }[];
  /** Per Service, its slices before and after; a slice object in both lists is unchanged (`keepUnchanged`). */
  readonly slices: readonly {
    readonly service: Service;
    readonly before: readonly EndpointSlice[];
    readonly after: readonly EndpointSlice[];
  }[];
  readonly policies: boolean;
}

const rebuiltChange = (reason: string): ModelChange => ({
  rebuilt: true,
  reason,
  pods: [],
  slices: [],
  policies: false,
});

const group = <K, V>(m: Map<K, V[]>, k: K, v: V) => {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
};

export class IncrementalCluster {
  readonly #options: BuildOptions;
  readonly #defaultNamespace: string;
  readonly #raws = new Map<string, RawObject>();
  #base!: ClusterModel;
  #nodeByName!: Map<string, Node>;
  #zoneOf!: Map<string, string | undefined>;
  #namespaceByName!: Map<string, Namespace>;
  #diagnostics!: Diagnostic[];
  #pods!: Pod[];
  #podByKey!: Map<string, Pod>;
  #podsByNs!: Map<string, Map<string, Pod>>;
  /** Per namespace, the pods carrying each `key=value` label (a Service's candidates: its rarest pair's pods). */
  #podsByPair!: Map<string, Map<string, Set<Pod>>>;
  #facts!: Map<string, PodAlone>;
  #serviceByKey!: Map<string, Service>;
  #servicesByNs!: Map<string, Service[]>;
  #slices!: EndpointSlice[];
  #slicesByOwner!: Map<string, EndpointSlice[]>;
  /** Per Service record, the endpoints and port lists of its computed slices (valid until the next rebuild). */
  #sliceMemo!: WeakMap<Service, SliceMemo>;
  #sliceObjects!: Map<string, Map<string, Envelope>>;
  #policies!: NetworkPolicy[];
  #holders!: Map<string, number>;
  #onNode!: Map<string, number>;
  /** Node ranges the twin's IPAM handed addresses out of, with the highest one handed out. */
  #allocatedRanges!: { cidr: Cidr; highest: bigint }[];
  #hostIPPods!: number;
  #clean!: boolean;
  /** Moves on whenever policies (or the whole model) change: engines compiled at an older epoch are stale. */
  policyEpoch = 0;
  /** Full rebuilds so far, the first build included. */
  rebuilds = 0;

  constructor(objects: readonly RawObject[], options: BuildOptions = {}) {
    this.#options = options;
    this.#defaultNamespace = options.defaultNamespace ?? 'default';
    for (const o of objects) {
      const key = this.#keyOf(o);
      if (key) this.#raws.set(key, o);
      else this.#raws.set(`#${this.#raws.size}`, o); // unreadable: kept for the builder to report
    }
    this.#rebuild();
  }

  /** The current model (pods and slices are the live arrays: read, never write). */
  get model(): ClusterModel {
    return { ...this.#base, pods: this.#pods, endpointSlices: this.#slices, networkPolicies: this.#policies };
  }

  /** Diagnostics of the last full build. */
  get diagnostics(): readonly Diagnostic[] {
    return this.#diagnostics;
  }

  /** The objects now held, in the order a full rebuild reads them. */
  objects(): RawObject[] {
    return [...this.#raws.values()];
  }

  /** Applies one event; see the file comment for what is done in place. */
  apply(event: ObjectEvent): ModelChange {
    const diagnostics: Diagnostic[] = [];
    const [env] = readEnvelopes([event.object], this.#defaultNamespace, (d) => diagnostics.push(d));
    if (!env) return this.#fallback(event, this.#heldKey(event.object), 'the object cannot be read alone');
    const old = this.#raws.get(env.key);
    let change: ModelChange | undefined;
    let why = `${env.kind} events rebuild the model`;
    if (event.type === 'delete' && !old) return { rebuilt: false, pods: [], slices: [], policies: false };
    if (env.listed && env.kind === 'NetworkPolicy' && env.group === 'networking.k8s.io')
      change = this.#policy(event, env, old, diagnostics);
    else if (env.kind === 'Pod' && env.listed) {
      change = this.#pod(event, env, old, diagnostics);
      why = 'the pod may move other pods, workloads, nodes or namespaces';
    } else if (env.kind === 'EndpointSlice' || env.kind === 'Endpoints') {
      change = this.#sliceObject(event, env, old, diagnostics);
      why = 'the slice object names no existing Service or has problems';
    }
    if (change) {
      if (event.type === 'delete') this.#raws.delete(env.key);
      else this.#raws.set(env.key, event.object);
      return change;
    }
    return this.#fallback(event, env.key, why);
  }

  /**
   * The key under which an object that cannot be read (an invalid field) is held, when an earlier version of it
   * is: the new version replaces it (the builder then reports it and leaves it out, as a full build of the new
   * object set does), instead of the old version staying next to it.
   */
  #heldKey(o: RawObject): string | undefined {
    const meta = (o.body.metadata ?? {}) as { namespace?: unknown; name?: unknown };
    if (typeof o.body.kind !== 'string' || typeof meta.name !== 'string') return undefined;
    const ns = typeof meta.namespace === 'string' ? meta.namespace : this.#defaultNamespace;
    return [objectKey(o.body.kind, ns, meta.name), objectKey(o.body.kind, undefined, meta.name)].find((k) =>
      this.#raws.has(k),
    );
  }

  #keyOf(o: RawObject): string | undefined {
    return readEnvelopes([o], this.#defaultNamespace, () => undefined)[0]?.key;
  }

  #fallback(event: ObjectEvent, key: string | undefined, reason: string): ModelChange {
    const k = key ?? `#${this.#raws.size}`;
    if (event.type === 'delete') this.#raws.delete(k);
    else this.#raws.set(k, event.object);
    this.#rebuild();
    return rebuiltChange(reason);
  }

  #rebuild(): void {
    this.rebuilds++;
    this.policyEpoch++;
    const raws = [...this.#raws.values()];
    const built = buildCluster(raws, this.#options);
    this.#base = built.model;
    this.#nodeByName = new Map(built.model.nodes.map((n) => [n.name, n]));
    this.#zoneOf = new Map(built.model.nodes.map((n) => [n.name, n.zone]));
    this.#namespaceByName = new Map(built.model.namespaces.map((n) => [n.name, n]));
    this.#diagnostics = built.diagnostics;
    this.#clean = !built.diagnostics.some((d) => d.code === 'ip-conflict' || d.code === 'invalid-ip');
    this.#pods = [...built.model.pods];
    this.#podByKey = new Map(this.#pods.map((p) => [p.key, p]));
    this.#podsByNs = new Map();
    this.#podsByPair = new Map();
    this.#holders = new Map();
    this.#onNode = new Map();
    for (const p of this.#pods) this.#index(p, 1);
    this.#serviceByKey = new Map(built.model.services.map((s) => [s.key, s]));
    this.#servicesByNs = new Map();
    for (const s of built.model.services) group(this.#servicesByNs, s.namespace, s);
    this.#slices = [...built.model.endpointSlices];
    this.#slicesByOwner = new Map();
    for (const s of this.#slices) group(this.#slicesByOwner, ownerOfSlice(s), s);
    this.#policies = [...built.model.networkPolicies];
    // Facts about the Pod objects (explicit IPs, owners) and the slice objects per Service, read once.
    this.#facts = new Map();
    this.#sliceObjects = new Map();
    this.#hostIPPods = 0;
    const envs = readEnvelopes(
      raws.filter((r) => ['Pod', 'EndpointSlice', 'Endpoints'].includes(String(r.body.kind))),
      this.#defaultNamespace,
      () => undefined,
    );
    for (const env of envs) {
      if (env.kind === 'Pod') {
        const alone = podAlone(env, built.model.nodes, this.#nodeByName, built.model.profile);
        if (alone) this.#facts.set(env.key, alone);
        if (alone?.hostIP) this.#hostIPPods++;
      } else {
        const owner = ownerOfSliceObject(env);
        if (owner) {
          const m = this.#sliceObjects.get(owner) ?? new Map<string, Envelope>();
          m.set(env.key, env);
          this.#sliceObjects.set(owner, m);
        }
      }
    }
    this.#sliceMemo = builtSliceMemos(
      this.#slices,
      this.#serviceByKey,
      this.#podByKey,
      new Set(this.#sliceObjects.keys()),
    );
    // Where the twin's IPAM handed out addresses (sequentially from .2, skipping explicit ones): an explicit
    // address at or below the highest handed out could move other pods; one above it cannot.
    const ranges = built.model.nodes.map((n) => ({
      name: n.name,
      cidrs: n.podCIDRs.map((t) => parseCidr(t)).filter((c): c is Cidr => !!c),
    }));
    const rangesOf = new Map(ranges.map((r) => [r.name, r.cidrs]));
    const highest = new Map<Cidr, bigint>();
    for (const p of this.#pods) {
      if (!p.nodeName || p.hostNetwork || !p.ips.length || this.#facts.get(p.key)?.explicit) continue;
      for (const ip of p.ips) {
        const parsed = parseIP(ip);
        const cidr = parsed && rangesOf.get(p.nodeName)?.find((c) => cidrContains(c, parsed));
        if (!parsed || !cidr) continue;
        if (!highest.has(cidr) || parsed.value > (highest.get(cidr) as bigint))
          highest.set(cidr, parsed.value);
      }
    }
    this.#allocatedRanges = [...highest].map(([cidr, h]) => ({ cidr, highest: h }));
  }

  #index(p: Pod, sign: 1 | -1): void {
    const ns = this.#podsByNs.get(p.namespace) ?? new Map<string, Pod>();
    this.#podsByNs.set(p.namespace, ns);
    if (sign > 0) ns.set(p.key, p);
    else ns.delete(p.key);
    const pairs = this.#podsByPair.get(p.namespace) ?? new Map<string, Set<Pod>>();
    this.#podsByPair.set(p.namespace, pairs);
    for (const k in p.labels) {
      const pair = `${k}=${p.labels[k]}`;
      const set = pairs.get(pair) ?? new Set<Pod>();
      if (sign > 0) set.add(p);
      else set.delete(p);
      if (set.size) pairs.set(pair, set);
      else pairs.delete(pair);
    }
    for (const ip of p.ips) this.#holders.set(ip, (this.#holders.get(ip) ?? 0) + sign);
    if (p.nodeName) this.#onNode.set(p.nodeName, (this.#onNode.get(p.nodeName) ?? 0) + sign);
  }

  #policy(
    event: ObjectEvent,
    env: Envelope,
    old: RawObject | undefined,
    diags: Diagnostic[],
  ): ModelChange | undefined {
    const before = this.#policies.find((p) => p.key === env.key);
    const after = event.type === 'upsert' ? buildNetworkPolicies([env])[0] : undefined;
    if (diags.length || (event.type === 'upsert' && !after) || (old && !before)) return undefined;
    if (before) removeSorted(this.#policies, before);
    if (after) insertSorted(this.#policies, after);
    this.policyEpoch++;
    return { rebuilt: false, pods: [], slices: [], policies: true };
  }

  /** A guarded pod's facts (undefined when its record could depend on other pods). */
  #exactPod(alone: PodAlone | undefined, self: string, adding: boolean): PodAlone | undefined {
    if (!alone || alone.diagnostics.length || !this.#clean) return undefined;
    const { pod, boundNode } = alone;
    const node = boundNode && this.#nodeByName.get(boundNode);
    if (!pod || !node || !this.#raws.has(objectKey('Node', undefined, node.name))) return undefined;
    const profile = this.#options.profile ?? defaultProfile;
    const defaultNodes =
      profile.nodes === defaultProfile.nodes && this.#base.nodes.every((n) => n.fromProfile);
    if (defaultNodes || !alone.explicit || pod.nodeName !== boundNode) return undefined;
    if ((this.#onNode.get(boundNode) ?? 0) + (adding ? 1 : 0) >= this.#base.profile.maxPodsPerNode)
      return undefined;
    const nsRecord = this.#namespaceByName.get(pod.namespace);
    if (!nsRecord || nsRecord.implicit) return undefined;
    for (const ip of pod.ips) {
      const holders = (this.#holders.get(ip) ?? 0) - (this.#podByKey.get(self)?.ips.includes(ip) ? 1 : 0);
      if (holders > 0) return undefined;
      const parsed = parseIP(ip);
      if (
        !alone.hostNetwork &&
        (!parsed ||
          this.#allocatedRanges.some((r) => cidrContains(r.cidr, parsed) && parsed.value <= r.highest))
      )
        return undefined;
    }
    return alone;
  }

  #pod(
    event: ObjectEvent,
    env: Envelope,
    old: RawObject | undefined,
    diags: Diagnostic[],
  ): ModelChange | undefined {
    const nodes = this.#base.nodes;
    const profile = this.#base.profile;
    const beforeFacts = old ? this.#facts.get(env.key) : undefined;
    const before = this.#podByKey.get(env.key);
    if (old && (!beforeFacts || !before)) return undefined;
    if (!old && before) return undefined; // a pod of a workload by the same name
    if (beforeFacts && !this.#exactPod(beforeFacts, env.key, false)) return undefined;
    const afterFacts = event.type === 'upsert' ? podAlone(env, nodes, this.#nodeByName, profile) : undefined;
    if (event.type === 'upsert') {
      if (
        diags.length ||
        !this.#exactPod(afterFacts, env.key, !before || before.nodeName !== afterFacts?.pod?.nodeName)
      )
        return undefined;
    }
    // Adding or deleting an owned pod changes its workload; a changed owner moves it to another one.
    const owners = (beforeFacts ?? afterFacts)!.owners;
    if (beforeFacts && afterFacts ? beforeFacts.owners !== afterFacts.owners : owners) return undefined;
    // Whether any pod reports its host IP decides how the add-ons are placed.
    const hostIPs = this.#hostIPPods - (beforeFacts?.hostIP ? 1 : 0) + (afterFacts?.hostIP ? 1 : 0);
    if (hostIPs > 0 !== this.#hostIPPods > 0) return undefined;
    let after = afterFacts?.pod;
    if (after && before?.owner) after = { ...after, owner: before.owner };
    // Commit.
    this.#hostIPPods = hostIPs;
    if (afterFacts) this.#facts.set(env.key, afterFacts);
    else this.#facts.delete(env.key);
    if (before) {
      this.#index(before, -1);
      removeSorted(this.#pods, before);
      this.#podByKey.delete(before.key);
    }
    if (after) {
      this.#index(after, 1);
      insertSorted(this.#pods, after);
      this.#podByKey.set(after.key, after);
    }
    const services = (this.#servicesByNs.get(env.namespace ?? '') ?? []).filter(
      (s) => selects(s, before?.labels) || selects(s, after?.labels),
    );
    return {
      rebuilt: false,
      pods: [{ before, after }],
      slices: services.map((s) => this.#reslice(s)),
      policies: false,
    };
  }

  #sliceObject(
    event: ObjectEvent,
    env: Envelope,
    old: RawObject | undefined,
    diags: Diagnostic[],
  ): ModelChange | undefined {
    const owner = ownerOfSliceObject(env);
    const svc = owner ? this.#serviceByKey.get(owner) : undefined;
    const objects = owner ? this.#sliceObjects.get(owner) : undefined;
    if (!owner || !svc || diags.length) return undefined;
    // A changed slice object must still name the same Service.
    if (old && !objects?.has(env.key)) return undefined;
    const m = objects ?? new Map<string, Envelope>();
    this.#sliceObjects.set(owner, m);
    const previous = m.get(env.key);
    if (event.type === 'upsert') m.set(env.key, env);
    else m.delete(env.key);
    const change = this.#reslice(svc);
    // The builder may report the new object (an invalid address, a bad addressType): then rebuild.
    if (diags.length) {
      if (previous) m.set(env.key, previous);
      else m.delete(env.key);
      this.#reslice(svc);
      return undefined;
    }
    return { rebuilt: false, pods: [], slices: [change], policies: false };
  }

  /** The pods of `svc`'s namespace that may match its selector: those with its rarest `key=value` pair. */
  #candidates(svc: Service): Iterable<Pod> {
    const all = this.#podsByNs.get(svc.namespace);
    const pairs = this.#podsByPair.get(svc.namespace);
    if (!all || !pairs || !svc.selector) return [];
    let best: Iterable<Pod> = all.values();
    let size = all.size;
    for (const k in svc.selector) {
      const set = pairs.get(`${k}=${svc.selector[k]}`);
      if (!set) return [];
      if (set.size < size) [best, size] = [set, set.size];
    }
    return best;
  }

  /** Recomputes one Service's slices and puts them in place of its old ones. */
  #reslice(svc: Service): ModelChange['slices'][number] {
    const before = this.#slicesByOwner.get(svc.key) ?? [];
    const pods = this.#candidates(svc);
    let memo = this.#sliceMemo.get(svc);
    if (!memo) this.#sliceMemo.set(svc, (memo = newSliceMemo()));
    const after = keepUnchanged(
      before,
      slicesOfService(
        svc,
        pods,
        this.#base.nodes,
        this.#zoneOf,
        [...(this.#sliceObjects.get(svc.key)?.values() ?? [])],
        memo,
      ),
    );
    const kept = new Set(before.filter((s) => after.includes(s)));
    for (const s of before) if (!kept.has(s)) removeSorted(this.#slices, s);
    for (const s of after) if (!kept.has(s)) insertSorted(this.#slices, s);
    if (after.length) this.#slicesByOwner.set(svc.key, after);
    else this.#slicesByOwner.delete(svc.key);
    return { service: svc, before, after };
  }
}
