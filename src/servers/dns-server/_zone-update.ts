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
  sortByAddress,
  createDnsFromData,
  sliceSerial,
  zoneQuestions,
  type DnsData,
  type DnsIndex,
  type DnsQuestion,
  type EndpointAddress,
  type ServiceEntry,
  type Dns,
} from '../../analysis/dns/index.ts';
import type { ClusterModel, EndpointSlice, Pod } from '../../model/types.ts';
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
  #slicesByIP!: Map<string, Set<EndpointSlice>>;
  #podsByIP!: Map<string, Set<Pod>>;
  #podIndex!: boolean;
  #podNames!: boolean;

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
  }

  /** The compiled answers of the whole zone. */
  compile(model: ClusterModel): AnswerTable {
    return AnswerTable.compile(this.dns, zoneQuestions(this.data, model.pods));
  }

  #take(slice: EndpointSlice, addresses: EndpointAddress[]): void {
    this.#addresses.set(slice, addresses);
    for (const a of addresses) {
      const set = this.#slicesByIP.get(a.ip) ?? new Set<EndpointSlice>();
      set.add(slice);
      this.#slicesByIP.set(a.ip, set);
    }
  }

  #drop(slice: EndpointSlice): void {
    for (const a of this.#addresses.get(slice) ?? []) this.#slicesByIP.get(a.ip)?.delete(slice);
    this.#addresses.delete(slice);
  }

  #podAt(ip: string, p: Pod, add: boolean): void {
    const set = this.#podsByIP.get(ip) ?? new Set<Pod>();
    if (add) set.add(p);
    else set.delete(p);
    if (set.size) this.#podsByIP.set(ip, set);
    else this.#podsByIP.delete(ip);
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
    for (const { service, before: allBefore, after: allAfter } of change.slices) {
      // A slice object in both lists is unchanged (the model keeps its identity): its addresses stay indexed.
      const kept = new Set(allBefore.filter((s) => allAfter.includes(s)));
      const before = allBefore.filter((s) => !kept.has(s));
      const after = allAfter.filter((s) => !kept.has(s));
      // The serial is a sum over slices (zoneSerial): it moves by what the changed slices add and take away.
      for (const s of before) serial = (serial - sliceSerial(s, index.services)) >>> 0;
      for (const s of after) serial = (serial + sliceSerial(s, index.services)) >>> 0;
      const key = `${service.name}.${service.namespace}`;
      const old = index.services.get(key);
      if (!old) continue;
      const dropped: EndpointAddress[] = [];
      for (const s of before) {
        for (const a of this.#addresses.get(s) ?? []) dropped.push(a);
        this.#drop(s);
      }
      const added: EndpointAddress[] = [];
      for (const s of after) {
        const addresses = addressesOfSlice(s, old.service, this.#podNames);
        this.#take(s, addresses);
        for (const a of addresses) added.push(a);
      }
      const endpoints: EndpointAddress[] = [];
      for (const s of allAfter) for (const a of this.#addresses.get(s) ?? []) endpoints.push(a);
      sortByAddress(endpoints);
      const entry = { service: old.service, endpoints };
      index.services.set(key, entry);
      const was = new Map(old.endpoints.map((e, i) => [e, i]));
      services.push([key, endpoints.map((e) => was.get(e) ?? wire(e))]);
      // Names of endpoints that did not change answer as before: only the Service's own names (A, AAAA, SRV)
      // and the names and addresses of endpoints that came or went are asked again. Those of kept slices are
      // there before and after; an endpoint that only moved between changed slices neither came nor went.
      const had = new Set(dropped.map(sig));
      const has = new Set(added.map(sig));
      const gone = dropped.filter((e) => !has.has(sig(e)));
      const came = added.filter((e) => !had.has(sig(e)));
      for (const e of [...gone, ...came]) ips.add(e.ip);
      mini(new Map([[key, { service: old.service, endpoints: gone }]]), [], []);
      mini(new Map([[key, { service: old.service, endpoints: came }]]), [], []);
    }
    const endpointsByIP: ZoneDelta['endpointsByIP'] = [];
    const positions = new Map<string, Map<EndpointAddress, number>>();
    const positionIn = (key: string) => {
      let m = positions.get(key);
      if (!m) positions.set(key, (m = new Map(index.services.get(key)?.endpoints.map((e, i) => [e, i]))));
      return m;
    };
    for (const ip of ips) {
      const slices = [...(this.#slicesByIP.get(ip) ?? [])].sort(byNamespaceName);
      const list = slices.flatMap((s) => (this.#addresses.get(s) ?? []).filter((a) => a.ip === ip));
      if (list.length) index.endpointsByIP.set(ip, list);
      else index.endpointsByIP.delete(ip);
      endpointsByIP.push([
        ip,
        list.map((a) => {
          const key = `${a.service.name}.${a.service.namespace}`;
          return [key, positionIn(key).get(a) ?? -1];
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
