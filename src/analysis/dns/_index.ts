/**
 * The lookup tables CoreDNS's kubernetes plugin keeps from its watches, built once from the model: Services by
 * name, the ready endpoint addresses of each (from EndpointSlices), a reverse index of Service and endpoint
 * addresses, pods by IP. https://github.com/coredns/coredns/tree/master/plugin/kubernetes ("object" package)
 */
import type { ClusterModel, Endpoint, EndpointPort, EndpointSlice, Service } from '../../model/types.ts';
import { parseIP, type IP } from '../../lib/ip.ts';

export interface EndpointAddress {
  readonly ip: string;
  readonly hostname?: string;
  /** Name of the pod behind it, kept only for `endpoint_pod_names`. */
  readonly podName?: string;
  /** Ports of its slice (one array shared by the slice's endpoints); `[]` when the slice has none (A records still exist, SRV do not). */
  readonly ports: readonly { readonly name: string; readonly port: number; readonly protocol: string }[];
  /** The Service whose slice lists it. */
  readonly service: DnsService;
}

/** The part of a Service DNS reads (a slim copy: the model can be dropped once the index is built). */
export type DnsService = Pick<
  Service,
  'name' | 'namespace' | 'type' | 'headless' | 'clusterIPs' | 'ports' | 'externalName'
>;

export interface ServiceEntry {
  readonly service: DnsService;
  /** Ready addresses only (`conditions.ready` true or unset), as CoreDNS converts EndpointSlices. */
  readonly endpoints: readonly EndpointAddress[];
}

export interface DnsIndex {
  readonly namespaces: ReadonlySet<string>;
  /** Key `name.namespace`. */
  readonly services: ReadonlyMap<string, ServiceEntry>;
  /** Service ClusterIP → Service. */
  readonly serviceByIP: ReadonlyMap<string, DnsService>;
  /** Endpoint address → the ready endpoints with it (of any Service). */
  readonly endpointsByIP: ReadonlyMap<string, readonly EndpointAddress[]>;
  /** Primary pod IP → namespaces of the pods with it; built only for `pods verified`. */
  readonly podsByIP: ReadonlyMap<string, readonly string[]>;
  /** Addresses of the cluster DNS Service (the `ns.dns.<zone>` record). */
  readonly dnsServiceIPs: readonly string[];
  /** A stable number that changes when the answers may change (the SOA serial). */
  readonly serial: number;
}

export function byAddress(a: EndpointAddress, b: EndpointAddress): number {
  return byParsedAddress(a, parseIP(a.ip), b, parseIP(b.ip));
}

function byParsedAddress(
  a: EndpointAddress,
  x: ReturnType<typeof parseIP>,
  b: EndpointAddress,
  y: ReturnType<typeof parseIP>,
): number {
  if (!x || !y) return a.ip < b.ip ? -1 : 1;
  if (x.family !== y.family) return x.family - y.family;
  return x.value < y.value ? -1 : x.value > y.value ? 1 : (a.hostname ?? '') < (b.hostname ?? '') ? -1 : 0;
}

/**
 * Sorts `list` by `byAddress`, each address parsed once instead of once per comparison (same order); `parsed`, when
 * given, keeps the parsed addresses between calls (an incremental zone sorts a Service's endpoints again per change).
 */
export function sortByAddress(
  list: EndpointAddress[],
  parsed: Map<EndpointAddress, IP | undefined> | WeakMap<EndpointAddress, IP | undefined> = new Map(),
): EndpointAddress[] {
  for (const e of list) if (!parsed.has(e)) parsed.set(e, parseIP(e.ip));
  return list.sort((a, b) => byParsedAddress(a, parsed.get(a), b, parsed.get(b)));
}

/**
 * Builds the index in one pass over Services, EndpointSlices and (for `pods verified`) pods. Slim, because a DNS
 * server keeps it for as long as it runs: one object per ready endpoint, sharing its slice's ports and its Service,
 * the pod's name only for `endpoint_pod_names`.
 */
export function buildDnsIndex(
  model: ClusterModel,
  options: {
    podIndex?: boolean;
    podNames?: boolean;
    onSlice?: (slice: EndpointSlice, addresses: EndpointAddress[]) => void;
  } = {},
): DnsIndex {
  const services = new Map<string, ServiceEntry & { endpoints: EndpointAddress[] }>();
  const serviceByIP = new Map<string, DnsService>();
  for (const full of model.services) {
    const s = dnsService(full);
    services.set(`${s.name}.${s.namespace}`, { service: s, endpoints: [] });
    for (const ip of s.clusterIPs) serviceByIP.set(ip, s);
  }
  const endpointsByIP = new Map<string, EndpointAddress[]>();
  for (const slice of model.endpointSlices) {
    const entry = services.get(`${slice.serviceName}.${slice.namespace}`);
    const addresses = addressesOfSlice(slice, entry?.service, !!options.podNames);
    options.onSlice?.(slice, addresses);
    for (const address of addresses) {
      entry!.endpoints.push(address);
      const list = endpointsByIP.get(address.ip);
      if (list) list.push(address);
      else endpointsByIP.set(address.ip, [address]);
    }
  }
  for (const e of services.values()) sortByAddress(e.endpoints);
  const podsByIP = new Map<string, string[]>();
  if (options.podIndex)
    for (const p of model.pods) {
      if (!p.ip) continue;
      const list = podsByIP.get(p.ip) ?? [];
      list.push(p.namespace);
      podsByIP.set(p.ip, list);
    }
  const clusterDns = serviceByIP.get(model.profile.dnsServiceIP);
  return {
    namespaces: new Set(model.namespaces.map((n) => n.name)),
    services,
    serviceByIP,
    endpointsByIP,
    podsByIP,
    dnsServiceIPs: clusterDns ? clusterDns.clusterIPs : [model.profile.dnsServiceIP],
    serial: zoneSerial(model, services),
  };
}

/** The slim copy of a Service that DNS keeps. */
export function dnsService(full: Service): DnsService {
  return {
    name: full.name,
    namespace: full.namespace,
    type: full.type,
    headless: full.headless,
    clusterIPs: full.clusterIPs,
    ports: full.ports,
    ...(full.externalName !== undefined ? { externalName: full.externalName } : {}),
  };
}

/**
 * What `addressesOfSlice` keeps between calls for one `podNames` setting: the DNS ports of each slice ports array
 * and the addresses of each endpoint. Model records are immutable and an unchanged endpoint keeps its object
 * (src/cluster/_endpointslices.ts `SliceMemo`), so an incremental zone re-reads only the endpoints that changed,
 * and unchanged ones keep their address objects (sent to the serving copy as positions, not data).
 */
export interface AddressMemo {
  readonly podNames: boolean;
  /** The DNS ports of a slice ports array, and back (an address is kept only for slices of the same ports). */
  readonly ports: WeakMap<readonly EndpointPort[], EndpointAddress['ports']>;
  readonly source: WeakMap<EndpointAddress['ports'], readonly EndpointPort[]>;
  readonly endpoints: WeakMap<Endpoint, readonly EndpointAddress[]>;
}

export const newAddressMemo = (podNames: boolean): AddressMemo => ({
  podNames,
  ports: new WeakMap(),
  source: new WeakMap(),
  endpoints: new WeakMap(),
});

/**
 * The ready addresses a slice gives its Service (`service`, the index's copy; none when the index has no such
 * Service or the slice holds names), in the slice's order, sharing one ports array. With `memo` (same `podNames`),
 * an endpoint read before for the same Service and ports gives the same objects.
 */
export function addressesOfSlice(
  slice: EndpointSlice,
  service: DnsService | undefined,
  podNames: boolean,
  memo?: AddressMemo,
): EndpointAddress[] {
  if (slice.addressType === 'FQDN' || !service) return [];
  if (memo && memo.podNames !== podNames) memo = undefined;
  let ports = memo?.ports.get(slice.ports);
  if (!ports) {
    ports = slice.ports
      .filter((p) => p.port !== undefined)
      .map((p) => ({ name: p.name ?? '', port: p.port as number, protocol: p.protocol }));
    memo?.ports.set(slice.ports, ports);
    memo?.source.set(ports, slice.ports);
  }
  const out: EndpointAddress[] = [];
  for (const ep of slice.endpoints) {
    if (!ep.conditions.ready) continue;
    const known = memo?.endpoints.get(ep);
    if (known?.length && known[0].service === service && memo!.source.get(known[0].ports) === slice.ports) {
      for (const a of known) out.push(a);
      continue;
    }
    const mine: EndpointAddress[] = [];
    for (const ip of ep.addresses) {
      const podName = podNames && ep.targetRef?.startsWith('Pod/') ? ep.targetRef.split('/')[2] : undefined;
      mine.push({
        ip,
        ...(ep.hostname ? { hostname: ep.hostname } : {}),
        ...(podName ? { podName } : {}),
        ports,
        service,
      });
    }
    memo?.endpoints.set(ep, mine);
    for (const a of mine) out.push(a);
  }
  return out;
}

/** FNV-1a (32 bits) of `hash`'s text followed by `s`: `fnv(a + b)` is `fnv(b, fnv(a))`. */
function fnv(s: string, hash = 2166136261): number {
  for (let i = 0; i < s.length; i++) hash = Math.imul(hash ^ s.charCodeAt(i), 16777619) >>> 0;
  return hash;
}

/**
 * What one slice adds to the serial: the sum (mod 2^32) of the FNV-1a hashes of its ready addresses; 0 for an
 * FQDN slice or one whose Service the index lacks (`services`, keyed `name.namespace`).
 */
export function sliceSerial(slice: EndpointSlice, services: ReadonlyMap<string, unknown>): number {
  if (slice.addressType === 'FQDN' || !services.has(`${slice.serviceName}.${slice.namespace}`)) return 0;
  let sum = 0;
  // Each term is fnv(`${slice.key}|${ip}|${hostname}`), hashed piece by piece (an incremental zone sums it per
  // change: no text made per endpoint).
  const head = fnv('|', fnv(slice.key));
  for (const ep of slice.endpoints) {
    if (!ep.conditions.ready) continue;
    for (const ip of ep.addresses) sum = (sum + fnv(ep.hostname ?? '', fnv('|', fnv(ip, head)))) >>> 0;
  }
  return sum;
}

/**
 * The SOA serial, a stable number that changes when the answers may: the sum (mod 2^32) of the FNV-1a hashes of
 * every Service's key and addresses and of every ready endpoint address of a slice whose Service the index holds.
 * A sum, not one hash over the model in order, so that a change of some slices moves it by their difference
 * alone (`sliceSerial` before and after): the incremental zone (servers/dns-server/_zone-update.ts) keeps it
 * current in time proportional to the change. CoreDNS serves the time of its last watch event instead
 * (plugin/kubernetes `Modified`); a twin has no such clock and needs the same serial for the same input.
 */
export function zoneSerial(model: ClusterModel, services: ReadonlyMap<string, unknown>): number {
  let sum = 0;
  for (const s of model.services)
    sum = (sum + fnv(`${s.key}|${s.clusterIPs.join(',')}|${s.externalName ?? ''}`)) >>> 0;
  for (const slice of model.endpointSlices) sum = (sum + sliceSerial(slice, services)) >>> 0;
  return sum;
}
