/**
 * Istio `ServiceEntry` → the mesh model. What istiod's validation refuses (no hosts, a port without a number,
 * endpoints with resolution NONE, endpoints and a workloadSelector together, a wildcard host with DNS
 * resolution) is reported at its line and the object is left out.
 * https://istio.io/latest/docs/reference/config/networking/service-entry/
 */
import type {
  IstioWorkloadEntry,
  ServiceEntry,
  ServiceEntryEndpoint,
  ServiceEntryPort,
} from '../../model/mesh.ts';
import { namespacedMetaOf, type Envelope } from '../_envelope.ts';
import type { FieldReader } from '../_fields.ts';

const refused = 'istiod validation refuses it, so kubetwin leaves the object out.';
const locations = ['MESH_EXTERNAL', 'MESH_INTERNAL'] as const;
const resolutions = ['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN'] as const;

export function readServiceEntry(e: Envelope): ServiceEntry {
  const f = e.f;
  const bad = (at: (string | number)[], message: string) =>
    f.report('invalid-mesh-entry', 'error', at, `${message}; ${refused}`);
  const strings = (at: (string | number)[]) => f.list(at).flatMap((_, i) => f.str([...at, i]) ?? []);
  const hosts = strings(['spec', 'hosts']).map((h) => h.toLowerCase());
  if (!hosts.length) bad(['spec', 'hosts'], 'spec.hosts must name at least one host');
  const ports: ServiceEntryPort[] = f.list(['spec', 'ports']).flatMap((_, i) => {
    const at = ['spec', 'ports', i];
    const number = f.int([...at, 'number']);
    if (number === undefined) {
      bad(at, `ports[${i}] has no number`);
      return [];
    }
    return [
      {
        number,
        name: f.str([...at, 'name']),
        protocol: f.str([...at, 'protocol'])?.toUpperCase(),
        targetPort: f.int([...at, 'targetPort']),
      },
    ];
  });
  const location = f.str(['spec', 'location']) ?? 'MESH_EXTERNAL';
  const resolution = f.str(['spec', 'resolution']) ?? 'NONE';
  if (!(locations as readonly string[]).includes(location))
    bad(['spec', 'location'], `location "${location}" must be MESH_EXTERNAL or MESH_INTERNAL`);
  if (!(resolutions as readonly string[]).includes(resolution))
    bad(['spec', 'resolution'], `resolution "${resolution}" must be one of ${resolutions.join(', ')}`);
  const endpoints: ServiceEntryEndpoint[] = f
    .list(['spec', 'endpoints'])
    .map((_, i) => readEndpoint(f, ['spec', 'endpoints', i]));
  const selector = f.map(['spec', 'workloadSelector'])
    ? f.stringMap(['spec', 'workloadSelector', 'labels'])
    : undefined;
  if (selector && endpoints.length)
    bad(['spec', 'workloadSelector'], 'workloadSelector and endpoints cannot both be set');
  if (resolution === 'NONE' && endpoints.length)
    bad(['spec', 'endpoints'], 'endpoints cannot be set with resolution NONE');
  if (resolution.startsWith('DNS') && !endpoints.length)
    hosts.forEach((h, i) => {
      if (h.startsWith('*')) bad(['spec', 'hosts', i], `wildcard host ${h} cannot be resolved by DNS`);
    });
  const t = f.get(['metadata', 'creationTimestamp']);
  return {
    ...namespacedMetaOf(e),
    hosts,
    addresses: strings(['spec', 'addresses']),
    ports,
    location: location as ServiceEntry['location'],
    resolution: resolution as ServiceEntry['resolution'],
    endpoints,
    ...(selector ? { workloadSelector: selector } : {}),
    exportTo: strings(['spec', 'exportTo']),
    creationTimestamp: typeof t === 'string' ? t : undefined,
  };
}

/** A WorkloadEntry spec (an entry of `endpoints`, or a WorkloadEntry's `spec`): address, ports by name, labels. */
function readEndpoint(f: FieldReader, at: (string | number)[]): ServiceEntryEndpoint {
  const ports = f.map([...at, 'ports']) ?? {};
  return {
    address: f.str([...at, 'address']) ?? '',
    ports: Object.fromEntries(
      Object.keys(ports).flatMap((k) => {
        const n = f.int([...at, 'ports', k]);
        return n === undefined ? [] : [[k, n]];
      }),
    ),
    labels: f.stringMap([...at, 'labels']),
  };
}

/**
 * Istio `WorkloadEntry` → the mesh model: its address, port map and labels (what a ServiceEntry's
 * `workloadSelector` picks it by). `network`, `locality`, `weight` and `serviceAccount` are not read.
 * https://istio.io/latest/docs/reference/config/networking/workload-entry/
 */
export function readWorkloadEntry(e: Envelope): IstioWorkloadEntry {
  return { ...namespacedMetaOf(e), ...readEndpoint(e.f, ['spec']) };
}
