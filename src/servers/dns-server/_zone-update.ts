/**
 * The served zone kept current from model changes (src/cluster/incremental): the DNS index behind the answerer
 * is updated for the Services whose EndpointSlices changed and the pods that changed, and the compiled answers
 * (`AnswerTable`) of the names that could have changed are asked again. `ZoneTracker` does this next to the model
 * and describes each update as a `ZoneDelta` (plain data), which `applyZoneDelta` applies to another copy of the
 * zone (the serving process's). Exact by construction: every affected name is answered by the answerer over the
 * updated index, and the index is updated by the same functions that build it (`addressesOfSlice`,
 * `zoneSerial`), in the same order; a property test holds the result to a zone built afresh.
 * https://github.com/kubernetes/dns/blob/master/docs/specification.md
 */
import {
  addressesOfSlice,
  buildDnsData,
  newAddressMemo,
  sortByAddress,
  createDnsFromData,
  sliceSerial,
  zoneQuestions,
  type DnsData,
  type DnsIndex,
  type AddressMemo,
  type DnsQuestion,
  type EndpointAddress,
  type ServiceEntry,
  type Dns,
} from '../../analysis/dns/index.ts';
import type { ClusterModel, EndpointSlice, Pod } from '../../model/types.ts';
import type { IP } from '../../lib/ip.ts';
import { byNamespaceName } from '../../model/keys.ts';
import type { ModelChange } from '../../cluster/incremental/index.ts';
import { AnswerTable, questionPacket } from './_answer-table.ts';
import { newServerStats, reply } from './_respond.ts';

type Wire = Omit<EndpointAddress, 'service'>;

/** One update of the zone, as plain data (it crosses to the serving process). */
export interface ZoneDelta {
  /**
   * Changed Services (`name.namespace`) and their ready endpoints in index order, each either its position in the
   * Service's previous endpoints (unchanged: the serving copy keeps its object) or, new, as data.
   */
  readonly services: [string, (number | Wire)[]][];
  /** Changed addresses and the endpoints holding each (Service, index in its endpoints); [] removes. */
  readonly endpointsByIP: [string, [string, number][]][];
  /** Changed pod addresses and the namespaces of the pods holding each; [] removes. */
  readonly podsByIP: [string, string[]][];
  readonly serial: number;
  /** Plain query packets of the names that may have changed, and the answerer's new reply to each. */
  readonly answers: [Uint8Array, Uint8Array | undefined][];
}

type MutableIndex = {
  services: Map<string, ServiceEntry>;
  endpointsByIP: Map<string, EndpointAddress[]>;
  podsByIP: Map<string, string[]>;
  serial: number;
};

const mutable = (index: DnsIndex) => index as unknown as MutableIndex;
const wire = (a: EndpointAddress): Wire => {
  const { service: _s, ...rest } = a;
  return rest;
};

/** The ports of a slice as text, once per (shared) ports array. */
const portsText = new WeakMap<EndpointAddress['ports'], string>();
/** What an endpoint answers with: equal signatures, equal records. */
function sig(e: EndpointAddress): string {
  let ports = portsText.get(e.ports);
  if (ports === undefined) portsText.set(e.ports, (ports = JSON.stringify(e.ports)));
  return `${e.ip}|${e.hostname ?? ''}|${e.podName ?? ''}|${ports}`;
}

/** Applies `delta` to `data` (in place: answerers made from it answer from the new index) and to `table`. */
export function applyZoneDelta(data: DnsData, delta: ZoneDelta, table?: AnswerTable): void {
  const index = mutable(data.index);
  for (const [key, endpoints] of delta.services) {
    const entry = index.services.get(key);
    if (!entry) continue;
    index.services.set(key, {
      service: entry.service,
      endpoints: endpoints.map((e) =>
        typeof e === 'number' ? entry.endpoints[e] : { ...e, service: entry.service },
      ),
    });
  }
  for (const [ip, refs] of delta.endpointsByIP) {
    const list = refs
      .map(([key, i]) => index.services.get(key)?.endpoints[i])
      .filter((e): e is EndpointAddress => !!e);
    if (list.length) index.endpointsByIP.set(ip, list);
    else index.endpointsByIP.delete(ip);
  }
  for (const [ip, namespaces] of delta.podsByIP) {
    if (namespaces.length) index.podsByIP.set(ip, namespaces);
    else index.podsByIP.delete(ip);
  }
  index.serial = delta.serial;
  if (table) for (const [packet, r] of delta.answers) table.update(packet, r);
}

/** The zone next to an incremental model: builds `ZoneDelta`s from `ModelChange`s and applies them to itself. */
export class ZoneTracker {
  data!: DnsData;
  dns!: Dns;
  #addresses!: Map<EndpointSlice, EndpointAddress[]>;
  /**
   * Per address, the slice (or slices) whose ready endpoints hold it. A changed slice replaces its earlier version
   * address by address (no set emptied and made again per endpoint); null marks an address emptied during an
   * update, dropped when the update ends unless a later slice of the same update took it.
   */
  #slicesByIP!: Map<string, EndpointSlice | Set<EndpointSlice> | null>;
  #emptied: string[] = [];
  #podsByIP!: Map<string, Set<Pod>>;
  #podIndex!: boolean;
  #podNames!: boolean;
  /** Address objects of unchanged endpoints, kept (see `AddressMemo`). */
  #memo!: AddressMemo;
  /** Parsed addresses of endpoint objects, for sorting a Service's endpoints again. */
  #parsed!: WeakMap<EndpointAddress, IP | undefined>;
  /** Each endpoint object's position in its Service's endpoints (checked before use: a hint, never trusted). */
  #position!: WeakMap<EndpointAddress, number>;
  /** Marks endpoint objects seen in one pass (`#mark` values are pass numbers). */
  #mark!: WeakMap<EndpointAddress, number>;
  #pass = 0;

  constructor(model: ClusterModel) {
    this.reset(model);
  }

  /** Builds the zone afresh (after a full rebuild of the model). */
  reset(model: ClusterModel): void {
    this.#addresses = new Map();
    this.#slicesByIP = new Map();
    this.data = buildDnsData(model, { onSlice: (slice, addresses) => this.#take(slice, addresses) });
    this.dns = createDnsFromData(this.data);
    const servers = this.data.config.servers;
    this.#podIndex = servers.some((s) => s.kubernetes?.pods === 'verified');
    this.#podNames = servers.some((s) => s.kubernetes?.endpointPodNames);
    this.#podsByIP = new Map();
    for (const p of model.pods) if (p.ip) this.#podAt(p.ip, p, true);
    this.#memo = newAddressMemo(this.#podNames);
    this.#parsed = new WeakMap();
    this.#position = new WeakMap();
    this.#mark = new WeakMap();
    for (const [slice, addresses] of this.#addresses) this.#remember(slice, addresses);
    for (const { endpoints } of this.data.index.services.values()) this.#positions(endpoints);
  }

  /** Puts the addresses the index builder made for `slice` in the memo, endpoint by endpoint. */
  #remember(slice: EndpointSlice, addresses: readonly EndpointAddress[]): void {
    if (!addresses.length) return;
    if (!this.#memo.ports.has(slice.ports)) this.#memo.ports.set(slice.ports, addresses[0].ports);
    this.#memo.source.set(addresses[0].ports, slice.ports);
    let at = 0;
    for (const ep of slice.endpoints) {
      if (!ep.conditions.ready) continue;
      this.#memo.endpoints.set(ep, addresses.slice(at, at + ep.addresses.length));
      at += ep.addresses.length;
    }
  }

  #positions(endpoints: readonly EndpointAddress[]): void {
    for (let i = 0; i < endpoints.length; i++) this.#position.set(endpoints[i], i);
  }

  /** `e`'s position in `endpoints` (-1 when absent), from the kept hint when it is right. */
  #positionIn(endpoints: readonly EndpointAddress[], e: EndpointAddress): number {
    const i = this.#position.get(e);
    return i !== undefined && endpoints[i] === e ? i : endpoints.indexOf(e);
  }

  /** The elements of `list` not in `other` (by identity), marked in one pass. */
  #notIn(list: readonly EndpointAddress[], other: readonly EndpointAddress[]): EndpointAddress[] {
    const pass = ++this.#pass;
    for (const e of other) this.#mark.set(e, pass);
    return list.filter((e) => this.#mark.get(e) !== pass);
  }

  /** The compiled answers of the whole zone. */
  compile(model: ClusterModel): AnswerTable {
    return AnswerTable.compile(this.dns, zoneQuestions(this.data, model.pods));
  }

  #take(slice: EndpointSlice, addresses: EndpointAddress[]): void {
    this.#addresses.set(slice, addresses);
    for (let i = 0; i < addresses.length; i++) this.#link(addresses[i].ip, slice);
  }

  #drop(slice: EndpointSlice): void {
    const addresses = this.#addresses.get(slice) ?? [];
    for (let i = 0; i < addresses.length; i++) this.#unlink(addresses[i].ip, slice);
    this.#addresses.delete(slice);
  }

  #link(ip: string, slice: EndpointSlice): void {
    const at = this.#slicesByIP.get(ip);
    if (!at) this.#slicesByIP.set(ip, slice);
    else if (at instanceof Set) at.add(slice);
    else if (at !== slice) this.#slicesByIP.set(ip, new Set([at, slice]));
  }

  /** Takes `slice` off `ip`; an address left with none keeps its key (null) until the update ends. */
  #unlink(ip: string, slice: EndpointSlice): void {
    const at = this.#slicesByIP.get(ip);
    if (at === slice) {
      this.#slicesByIP.set(ip, null);
      this.#emptied.push(ip);
    } else if (at instanceof Set) {
      at.delete(slice);
      if (at.size === 1) this.#slicesByIP.set(ip, at.values().next().value as EndpointSlice);
    }
  }

  /** The slices holding `ip`, in the model's (name) order. */
  #slicesAt(ip: string): EndpointSlice[] {
    const at = this.#slicesByIP.get(ip);
    return !at ? [] : at instanceof Set ? [...at].sort(byNamespaceName) : [at];
  }

  #podAt(ip: string, p: Pod, add: boolean): void {
    const set = this.#podsByIP.get(ip) ?? new Set<Pod>();
    if (add) set.add(p);
    else set.delete(p);
    if (set.size) this.#podsByIP.set(ip, set);
    else this.#podsByIP.delete(ip);
  }

  /**
   * One Service's changed slices (`before` replaced by `after`; `all` its slices now) applied to the index: its
   * sorted endpoints, their delta entry (unchanged endpoint objects as their previous positions), and the
   * endpoints that went and came. Names of endpoints that did not change answer as before: only the Service's own
   * names (A, AAAA, SRV) and the names and addresses of endpoints that came or went are asked again. Those of kept
   * slices are there before and after; an endpoint that only moved between changed slices neither came nor went
   * (the same object, or, among the others, one that answers the same: equal signatures).
   */
  #service(
    key: string,
    old: ServiceEntry,
    before: readonly EndpointSlice[],
    after: readonly EndpointSlice[],
    all: readonly EndpointSlice[],
  ): { delta: ZoneDelta['services'][number]; gone: EndpointAddress[]; came: EndpointAddress[] } {
    const index = mutable(this.data.index);
    const dropped: EndpointAddress[] = [];
    for (const s of before) {
      const addresses = this.#addresses.get(s) ?? [];
      for (let i = 0; i < addresses.length; i++) dropped.push(addresses[i]);
      this.#drop(s);
    }
    const added: EndpointAddress[] = [];
    for (const s of after) {
      const addresses = addressesOfSlice(s, old.service, this.#podNames, this.#memo);
      this.#take(s, addresses);
      for (let i = 0; i < addresses.length; i++) added.push(addresses[i]);
    }
    let size = 0;
    for (const s of all) size += this.#addresses.get(s)?.length ?? 0;
    const endpoints = new Array<EndpointAddress>(size);
    let at = 0;
    for (const s of all) {
      const addresses = this.#addresses.get(s) ?? [];
      for (let i = 0; i < addresses.length; i++) endpoints[at++] = addresses[i];
    }
    sortByAddress(endpoints, this.#parsed);
    index.services.set(key, { service: old.service, endpoints });
    const positions = new Array<number | Wire>(size);
    for (let i = 0; i < size; i++) {
      const was = this.#positionIn(old.endpoints, endpoints[i]);
      positions[i] = was >= 0 ? was : wire(endpoints[i]);
    }
    this.#positions(endpoints);
    const gone0 = this.#notIn(dropped, added);
    const came0 = this.#notIn(added, dropped);
    const had = new Set(gone0.map(sig));
    const has = new Set(came0.map(sig));
    return {
      delta: [key, positions],
      gone: gone0.filter((e) => !has.has(sig(e))),
      came: came0.filter((e) => !had.has(sig(e))),
    };
  }

  /** The delta of `change` (already applied to `model`), applied here too; undefined when DNS is unaffected. */
  update(change: ModelChange): ZoneDelta | undefined {
    if (change.rebuilt) throw new Error('a rebuilt model resets the zone');
    if (!change.pods.length && !change.slices.length) return undefined;
    const index = mutable(this.data.index);
    const questions: DnsQuestion[] = [];
    const mini = (services: Map<string, ServiceEntry>, ips: Iterable<string>, pods: Pod[]) =>
      questions.push(
        ...zoneQuestions(
          {
            ...this.data,
            index: {
              ...this.data.index,
              services,
              serviceByIP: new Map(),
              endpointsByIP: new Map([...ips].map((ip) => [ip, []])),
            },
          },
          pods,
        ),
      );
    const ips = new Set<string>();
    const services: ZoneDelta['services'] = [];
    let serial = index.serial;
    this.#emptied = [];
    for (const { service, before: allBefore, after: allAfter } of change.slices) {
      // A slice object in both lists is unchanged (the model keeps its identity): its addresses stay indexed.
      const before = allBefore.filter((s) => !allAfter.includes(s));
      const after = allAfter.filter((s) => !allBefore.includes(s));
      // The serial is a sum over slices (zoneSerial): it moves by what the changed slices add and take away.
      for (const s of before) serial = (serial - sliceSerial(s, index.services)) >>> 0;
      for (const s of after) serial = (serial + sliceSerial(s, index.services)) >>> 0;
      const key = `${service.name}.${service.namespace}`;
      const old = index.services.get(key);
      if (!old) continue;
      const { delta, gone, came } = this.#service(key, old, before, after, allAfter);
      services.push(delta);
      for (const e of gone) ips.add(e.ip);
      for (const e of came) ips.add(e.ip);
      const from = questions.length;
      mini(new Map([[key, { service: old.service, endpoints: gone }]]), [], []);
      mini(new Map([[key, { service: old.service, endpoints: came }]]), [], []);
      // A ClusterIP Service's own names (A/AAAA of its ClusterIPs, SRV of its ports) answer from the Service
      // alone; only whether it has ready endpoints (`ignore empty_service`) could change them.
      const svc = old.service;
      const now = index.services.get(key)?.endpoints.length ?? 0;
      if (!svc.headless && svc.type !== 'ExternalName' && old.endpoints.length > 0 === now > 0) {
        const own = `${svc.name}.${svc.namespace}.svc.`;
        let to = from;
        for (let i = from; i < questions.length; i++) {
          const q = questions[i];
          if (q.type !== 'SRV' && !q.name.startsWith(own)) questions[to++] = q;
        }
        questions.length = to;
      }
    }
    for (const ip of this.#emptied) if (this.#slicesByIP.get(ip) === null) this.#slicesByIP.delete(ip);
    const endpointsByIP: ZoneDelta['endpointsByIP'] = [];
    for (const ip of ips) {
      const list: EndpointAddress[] = [];
      for (const s of this.#slicesAt(ip))
        for (const a of this.#addresses.get(s) ?? []) if (a.ip === ip) list.push(a);
      if (list.length) index.endpointsByIP.set(ip, list);
      else index.endpointsByIP.delete(ip);
      endpointsByIP.push([
        ip,
        list.map((a) => {
          const key = `${a.service.name}.${a.service.namespace}`;
          return [key, this.#positionIn(index.services.get(key)?.endpoints ?? [], a)];
        }),
      ]);
    }
    mini(new Map(), ips, []);
    const podsByIP: ZoneDelta['podsByIP'] = [];
    const podIPs = new Set<string>();
    for (const { before, after } of change.pods) {
      if (before?.ip) this.#podAt(before.ip, before, false);
      if (after?.ip) this.#podAt(after.ip, after, true);
      for (const p of [before, after]) if (p?.ip) podIPs.add(p.ip);
      mini(
        new Map(),
        [],
        [before, after].filter((p): p is Pod => !!p),
      );
    }
    if (this.#podIndex)
      for (const ip of podIPs) {
        const namespaces = [...(this.#podsByIP.get(ip) ?? [])].sort(byNamespaceName).map((p) => p.namespace);
        if (namespaces.length) index.podsByIP.set(ip, namespaces);
        else index.podsByIP.delete(ip);
        podsByIP.push([ip, namespaces]);
      }
    index.serial = serial;
    const stats = newServerStats();
    const seen = new Set<string>();
    const answers: ZoneDelta['answers'] = [];
    for (const q of questions) {
      const id = `${q.name.toLowerCase()} ${q.type}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const packet = questionPacket(q);
      if (!packet) continue;
      const copy = Buffer.from(packet);
      answers.push([copy, reply(copy, this.dns, 'tcp', stats)?.bytes]);
    }
    return { services, endpointsByIP, podsByIP, serial: index.serial, answers };
  }
}
