/**
 * The lookup tables CoreDNS's kubernetes plugin keeps from its watches, built once from the model: Services by
 * name, the ready endpoint addresses of each (from EndpointSlices), a reverse index of Service and endpoint
 * addresses, pods by IP. https://github.com/coredns/coredns/tree/master/plugin/kubernetes ("object" package)
 */
import type { ClusterModel, EndpointSlice, Service } from '../../model/types.ts';
import { parseIP } from '../../lib/ip.ts';

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

/** Sorts `list` by `byAddress`, each address parsed once instead of once per comparison (same order). */
export function sortByAddress(list: EndpointAddress[]): EndpointAddress[] {
  const parsed = new Map<EndpointAddress, ReturnType<typeof parseIP>>();
  for (const e of list) parsed.set(e, parseIP(e.ip));
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
 * The ready addresses a slice gives its Service (`service`, the index's copy; none when the index has no such
 * Service or the slice holds names), in the slice's order, sharing one ports array.
 */
export function addressesOfSlice(
  slice: EndpointSlice,
  service: DnsService | undefined,
  podNames: boolean,
): EndpointAddress[] {
  if (slice.addressType === 'FQDN' || !service) return [];
  const ports = slice.ports
    .filter((p) => p.port !== undefined)
    .map((p) => ({ name: p.name ?? '', port: p.port as number, protocol: p.protocol }));
  const out: EndpointAddress[] = [];
  for (const ep of slice.endpoints) {
    if (!ep.conditions.ready) continue;
    for (const ip of ep.addresses) {
      const podName = podNames && ep.targetRef?.startsWith('Pod/') ? ep.targetRef.split('/')[2] : undefined;
      out.push({
        ip,
        ...(ep.hostname ? { hostname: ep.hostname } : {}),
        ...(podName ? { podName } : {}),
        ports,
        service,
      });
    }
  }
  return out;
}

/** FNV-1a of one string (32 bits). */
function fnv(s: string): number {
  let hash = 2166136261;
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
  for (const ep of slice.endpoints) {
    if (!ep.conditions.ready) continue;
    for (const ip of ep.addresses) sum = (sum + fnv(`${slice.key}|${ip}|${ep.hostname ?? ''}`)) >>> 0;
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
