/**
 * The analysed inputs kept current from single-object events, for `--watch` (serve dns, and the live mirror's
 * events): `buildFromTexts`'s result, but updated by `IncrementalCluster` (src/cluster/incremental) one object at a
 * time. The profile is inferred as `buildFromTexts` infers it — from the manifests (never from live objects), the
 * given ClusterProfile winning — and an event that may change what is inferred rebuilds with the profile inferred
 * again. docs/design/0007-incremental-model.md.
 *
 * What the inference reads (src/cluster/profile-inference): Nodes, Services, ServiceCIDRs, ConfigMaps,
 * DaemonSets, Cilium policies, and Pods in two cases: their `status.podIPs` when no Node states `spec.podCIDRs`,
 * and pods owned by a DaemonSet (the CNI agent). Those kinds are full rebuilds in `IncrementalCluster` already,
 * except Pods: a Pod event is taken in place only when some Node states its ranges and neither version of the pod
 * is owned by a DaemonSet. NetworkPolicies and EndpointSlices are not read by the inference.
 */
import type { RawObject } from '../parse/index.ts';
import { inferProfile } from '../cluster/index.ts';
import { IncrementalCluster, type ModelChange, type ObjectEvent } from '../cluster/incremental/index.ts';
import type { Diagnostic } from '../model/diagnostic.ts';
import type { Profile } from '../model/profile.ts';

export type { ModelChange, ObjectEvent } from '../cluster/incremental/index.ts';

export interface WatchedSettings {
  /** The ClusterProfile object in use (`--profile`, or the first among the manifests). */
  readonly profileObject?: RawObject;
  /** `-n`. */
  readonly namespace?: string;
  readonly maxPods?: number;
  /** Infer the profile from the objects (manifests); false for a live cluster, as `buildFromTexts` does. */
  readonly inferFromObjects: boolean;
}

const kindOf = (o: RawObject | undefined) => String(o?.body.kind ?? '');
const ownedByDaemonSet = (o: RawObject | undefined) => {
  const refs = (o?.body.metadata as { ownerReferences?: unknown } | undefined)?.ownerReferences;
  return Array.isArray(refs) && refs.some((r) => (r as { kind?: unknown })?.kind === 'DaemonSet');
};
const statesRanges = (o: RawObject) => {
  const spec = o.body.spec as { podCIDR?: unknown; podCIDRs?: unknown } | undefined;
  return !!spec?.podCIDR || (Array.isArray(spec?.podCIDRs) && spec.podCIDRs.length > 0);
};

export class WatchedCluster {
  readonly #settings: WatchedSettings;
  #cluster!: IncrementalCluster;
  #profile!: { profile: Profile; diagnostics: Diagnostic[]; text: string };
  /** The Pod objects held by `namespace/name` (for the DaemonSet-owner guard). */
  #podsByKey = new Map<string, RawObject>();
  /** Some Node object states its pod ranges (then pod addresses are not read by the inference). */
  #nodeRanges = false;
  /** In-place updates and full rebuilds so far (the first build is one). */
  inPlace = 0;
  rebuilds = 0;

  constructor(objects: readonly RawObject[], settings: WatchedSettings) {
    this.#settings = settings;
    this.#init(objects);
  }

  #infer(objects: readonly RawObject[]) {
    const inferred = inferProfile(this.#settings.inferFromObjects ? objects : [], {
      given: this.#settings.profileObject,
    });
    return { ...inferred, text: JSON.stringify(inferred.profile) };
  }

  #podKey(o: RawObject): string {
    const meta = (o.body.metadata ?? {}) as { namespace?: unknown; name?: unknown };
    return `${String(meta.namespace ?? this.#settings.namespace ?? 'default')}/${String(meta.name)}`;
  }

  #readFacts(objects: readonly RawObject[]): void {
    this.#podsByKey = new Map(objects.filter((o) => kindOf(o) === 'Pod').map((o) => [this.#podKey(o), o]));
    this.#nodeRanges = objects.some((o) => kindOf(o) === 'Node' && statesRanges(o));
  }

  #init(objects: readonly RawObject[]): void {
    this.rebuilds++;
    this.#readFacts(objects);
    this.#profile = this.#infer(objects);
    this.#cluster = new IncrementalCluster(objects, {
      profile: this.#profile.profile,
      defaultNamespace: this.#settings.namespace,
      maxPods: this.#settings.maxPods,
    });
  }

  get model() {
    return this.#cluster.model;
  }

  /** The profile's diagnostics and the builder's (those of the last full build). */
  get diagnostics(): Diagnostic[] {
    return [...this.#profile.diagnostics, ...this.#cluster.diagnostics];
  }

  objects(): RawObject[] {
    return this.#cluster.objects();
  }

  /** Whether an in-place Pod event could change what the profile inference reads. */
  #podMovesProfile(event: ObjectEvent, key: string): boolean {
    if (!this.#settings.inferFromObjects) return false;
    if (ownedByDaemonSet(event.object) || ownedByDaemonSet(this.#podsByKey.get(key))) return true;
    return !this.#nodeRanges;
  }

  /** Applies one event; `rebuilt` when the whole model was built again. */
  apply(event: ObjectEvent): ModelChange {
    const kind = kindOf(event.object);
    const podKey = this.#podKey(event.object);
    if (kind === 'Pod' && this.#podMovesProfile(event, podKey))
      return this.#replace(event, podKey, 'the pod may change the inferred profile');
    const change = this.#cluster.apply(event);
    if (kind === 'Pod') {
      if (event.type === 'delete') this.#podsByKey.delete(podKey);
      else this.#podsByKey.set(podKey, event.object);
    }
    if (!change.rebuilt) {
      this.inPlace++;
      return change;
    }
    this.rebuilds++;
    // A rebuilt event may be one the inference reads: infer again, and build again if the profile moved.
    const objects = this.#cluster.objects();
    this.#readFacts(objects);
    if (this.#settings.inferFromObjects && this.#infer(objects).text !== this.#profile.text) {
      this.rebuilds--;
      this.#init(objects);
    }
    return change;
  }

  /**
   * Applies a batch of events (one file's change, one burst of watch events): each in place when all are of kinds
   * that can be, else one full rebuild over the final object set (not one per event). `ordered` gives the final
   * object set in the inputs' own order (files, then documents), which any rebuild reads.
   */
  applyAll(events: readonly ObjectEvent[], ordered?: () => RawObject[]): ModelChange[] {
    const inPlaceKinds = ['Pod', 'NetworkPolicy', 'EndpointSlice', 'Endpoints'];
    if (events.length <= 1 || events.every((e) => inPlaceKinds.includes(kindOf(e.object)))) {
      const changes = events.map((e) => this.apply(e));
      // A rebuild reads the objects in the order events left them (new ones last); where order decides (two
      // pods claiming one address), a full build of the inputs reads them in their own order: build that.
      if (ordered && changes.some((c) => c.rebuilt)) this.#init(ordered());
      return changes;
    }
    if (ordered) {
      this.#init(ordered());
      return [
        {
          rebuilt: true,
          reason: `${events.length} events, some of kinds that rebuild`,
          pods: [],
          slices: [],
          policies: false,
        },
      ];
    }
    const objects = new Map<string, RawObject>();
    const key = (o: RawObject) => {
      const m = (o.body.metadata ?? {}) as { namespace?: unknown; name?: unknown };
      const ns = kindOf(o) === 'Pod' ? this.#podKey(o) : String(m.namespace ?? '');
      return `${kindOf(o)}|${ns}|${String(m.name)}`;
    };
    for (const o of this.#cluster.objects()) objects.set(key(o), o);
    for (const e of events)
      if (e.type === 'delete') objects.delete(key(e.object));
      else objects.set(key(e.object), e.object);
    this.#init([...objects.values()]);
    return [
      {
        rebuilt: true,
        reason: `${events.length} events, some of kinds that rebuild`,
        pods: [],
        slices: [],
        policies: false,
      },
    ];
  }

  /** A Pod event the inference may read: the object set updated and everything built again. */
  #replace(event: ObjectEvent, podKey: string, reason: string): ModelChange {
    const objects = this.#cluster.objects();
    const at = objects.findIndex((o) => kindOf(o) === 'Pod' && this.#podKey(o) === podKey);
    if (event.type === 'delete') {
      if (at >= 0) objects.splice(at, 1);
    } else if (at >= 0) objects[at] = event.object;
    else objects.push(event.object);
    this.#init(objects);
    return { rebuilt: true, reason, pods: [], slices: [], policies: false };
  }
}
