import type { Diagnostic } from '../model/diagnostic.ts';
import type {
  ContainerPort,
  Endpoint,
  EndpointConditions,
  EndpointPort,
  EndpointSlice,
  Node,
  Pod,
  Protocol,
  Service,
} from '../model/types.ts';
import { byNamespaceName, objectKey } from '../model/keys.ts';
import { selectorFromMap } from '../lib/labels.ts';
import { LabelIndex } from '../lib/label-index.ts';
import { canonicalIP } from '../lib/ip.ts';
import type { Envelope } from './_envelope.ts';
import { stableSuffix } from './_names.ts';
import { namespacedMetaOf } from './_envelope.ts';
import { preferObservedSlices } from './_endpointslice-drift.ts';
import { trafficDistributionHints } from '../model/service-topology.ts';

export const controllerName = 'endpointslice-controller.k8s.io';
export const mirroringControllerName = 'endpointslicemirroring-controller.k8s.io';
const maxEndpointsPerSlice = 100;

/** Resolves a Service port's targetPort against one pod, as podutil.FindPort does; undefined when it does not resolve. */
export function findPort(pod: Pod, targetPort: number | string, protocol: Protocol): number | undefined {
  if (typeof targetPort === 'number') return targetPort;
  const hit = pod.ports.find((p) => p.name === targetPort && p.protocol === protocol);
  return hit?.containerPort;
}

/**
 * EndpointSlices as the EndpointSlice controller computes them for Services with a selector: one endpoint per
 * matching pod with an IP of the slice's family (finished pods left out, terminating pods kept), conditions
 * `serving` = pod ready, `terminating` = being deleted, `ready` = serving and not terminating (or always, with
 * publishNotReadyAddresses); named targetPorts resolved per pod (a pod without the name is left out of that
 * port); endpoints grouped by their resolved ports, at most 100 per slice. Selector-less Services keep their
 * manual EndpointSlices, and their Endpoints are mirrored. Slices the controller wrote that the input holds (a
 * cluster dump) are kept as observed in place of the computed ones (see `preferObservedSlices`).
 * https://kubernetes.io/docs/concepts/services-networking/endpoint-slices/
 */
export function buildEndpointSlices(
  services: readonly Service[],
  pods: readonly Pod[],
  nodes: readonly Node[],
  envs: readonly Envelope[],
  sink: (d: Diagnostic) => void,
): EndpointSlice[] {
  const zoneOf = new Map(nodes.map((n) => [n.name, n.zone]));
  const podsByNs = new Map<string, Pod[]>();
  for (const p of pods) {
    const list = podsByNs.get(p.namespace) ?? [];
    list.push(p);
    podsByNs.set(p.namespace, list);
  }
  const indexes = new Map<string, LabelIndex<Pod>>();
  const indexFor = (ns: string) => {
    let idx = indexes.get(ns);
    if (!idx) indexes.set(ns, (idx = new LabelIndex(podsByNs.get(ns) ?? [], (p) => p.labels)));
    return idx;
  };
  const computed: EndpointSlice[] = [];
  for (const svc of services) {
    if (!svc.selector || svc.type === 'ExternalName') continue;
    const selected = indexFor(svc.namespace).select(selectorFromMap(svc.selector));
    for (const slice of computedSlices(svc, selected, zoneOf)) computed.push(slice);
  }
  const manual = manualSlices(envs, services, sink);
  const out = [...preferObservedSlices(services, computed, manual, controllerName, sink), ...manual];
  return out.sort(byNamespaceName);
}

/**
 * What `computedSlices` keeps between calls for one Service record and one `zoneOf` (the incremental model's
 * per-Service memo): each pod record's endpoint per family, and the resolved ports of each container-port array.
 * Records are immutable (a changed pod or Service is a new object), so a memo hit is the object a fresh
 * computation would build, field for field; recomputing a Service's slices after one pod changed then builds the
 * endpoint of that pod alone, and unchanged endpoints and port lists keep their identity.
 */
export interface SliceMemo {
  readonly endpoints: { readonly IPv4: WeakMap<Pod, Endpoint>; readonly IPv6: WeakMap<Pod, Endpoint> };
  readonly resolved: WeakMap<readonly ContainerPort[], ResolvedPorts>;
  /** One ports array per signature, whichever pod's container ports resolved it first (equal contents). */
  readonly bySig: Map<string, readonly EndpointPort[]>;
}

export interface ResolvedPorts {
  readonly ports: readonly EndpointPort[];
  readonly sig: string;
}

export const newSliceMemo = (): SliceMemo => ({
  endpoints: { IPv4: new WeakMap(), IPv6: new WeakMap() },
  resolved: new WeakMap(),
  bySig: new Map(),
});

/**
 * The slices the controller computes for one Service with a selector from the pods it selects (in key order), one
 * family after the other; `zoneOf` gives each node's zone; `memo` (for this Service record and this `zoneOf`
 * only) keeps endpoints and port lists between calls.
 */
export function computedSlices(
  svc: Service,
  selected: readonly Pod[],
  zoneOf: ReadonlyMap<string, string | undefined>,
  memo?: SliceMemo,
): EndpointSlice[] {
  const out: EndpointSlice[] = [];
  for (const family of svc.ipFamilies)
    for (const slice of slicesFor(svc, selected, family, zoneOf, memo)) out.push(slice);
  return out;
}

/** A Service's ports resolved against one pod's container ports (a port whose target does not resolve is left out). */
function resolvePorts(svc: Service, pod: Pod): ResolvedPorts {
  const ports: EndpointPort[] = [];
  for (const sp of svc.ports) {
    const port = findPort(pod, sp.targetPort, sp.protocol);
    if (port === undefined) continue;
    ports.push({
      name: sp.name ?? '',
      port,
      protocol: sp.protocol,
      ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}),
    });
  }
  return { ports, sig: JSON.stringify(ports) };
}

/** The endpoint of one pod in `svc`'s slices of one family, at `address`. */
function endpointOf(
  svc: Service,
  pod: Pod,
  address: string,
  zoneOf: ReadonlyMap<string, string | undefined>,
): Endpoint {
  const serving = pod.ready;
  const terminating = pod.terminating;
  const zone = pod.nodeName ? zoneOf.get(pod.nodeName) : undefined;
  // The optional keys set in place, in the literal's order, rather than spread from a fresh object each: one
  // endpoint per selected pod (151k at 150k pods; design note 0006, Decision 16).
  const e: { -readonly [K in keyof Endpoint]: Endpoint[K] } = {
    addresses: [address],
    conditions: conditionsOf(svc.publishNotReadyAddresses || (serving && !terminating), serving, terminating),
  };
  if (pod.hostname && pod.subdomain === svc.name) e.hostname = pod.hostname;
  if (pod.nodeName) e.nodeName = pod.nodeName;
  if (zone) e.zone = zone;
  e.targetRef = pod.key;
  return e;
}

/**
 * The conditions of an endpoint, one object per combination of the three (at most eight), shared by every
 * endpoint that has it: an endpoint per selected pod and family (151k at 150k pods), and the model is never
 * mutated (design note 0006, Decision 14).
 */
const sharedConditions = new Map<number, EndpointConditions>();
function conditionsOf(ready: boolean, serving: boolean, terminating: boolean): EndpointConditions {
  const code = (ready ? 1 : 0) | (serving ? 2 : 0) | (terminating ? 4 : 0);
  let c = sharedConditions.get(code);
  if (!c) sharedConditions.set(code, (c = Object.freeze({ ready, serving, terminating })));
  return c;
}

/**
 * The hints of `trafficDistribution` PreferClose / PreferSameZone / PreferSameNode, per endpoint as the controller's
 * preferCloseHeuristic writes them: a ready endpoint gets its own zone (when it has one) and, for PreferSameNode,
 * its own node; a not-ready endpoint none. kube-proxy ignores hints unless every ready endpoint has them.
 * kubernetes/kubernetes staging/src/k8s.io/endpointslice/trafficdist/trafficdist.go
 */
function withCloseHints(e: Endpoint, hinting: 'zone' | 'zone-and-node'): Endpoint {
  if (!e.conditions.ready) return e;
  const forZones = e.zone ? [e.zone] : [];
  const forNodes = hinting === 'zone-and-node' && e.nodeName ? [e.nodeName] : [];
  if (!forZones.length && !forNodes.length) return e;
  return { ...e, hints: { forZones, ...(forNodes.length ? { forNodes } : {}) } };
}

function slicesFor(
  svc: Service,
  pods: readonly Pod[],
  family: 'IPv4' | 'IPv6',
  zoneOf: ReadonlyMap<string, string | undefined>,
  memo?: SliceMemo,
): EndpointSlice[] {
  const groups = new Map<string, { ports: readonly EndpointPort[]; endpoints: Endpoint[] }>();
  const v6 = family === 'IPv6';
  // The resolved ports and their signature depend only on the pod's container ports, which the replicas of a
  // template share (one array): resolved once per array, not once per pod.
  const resolved = memo?.resolved ?? new Map<readonly ContainerPort[], ResolvedPorts>();
  const endpoints = memo?.endpoints[family];
  for (const pod of pods) {
    if (pod.phase === 'Succeeded' || pod.phase === 'Failed') continue;
    let endpoint = endpoints?.get(pod);
    if (!endpoint) {
      const address = pod.ips.find((ip) => ip.includes(':') === v6);
      if (!address) continue;
      endpoint = endpointOf(svc, pod, address, zoneOf);
      endpoints?.set(pod, endpoint);
    }
    let hit = resolved.get(pod.ports);
    if (!hit) {
      hit = resolvePorts(svc, pod);
      const same = memo?.bySig.get(hit.sig);
      if (same) hit = { ports: same, sig: hit.sig };
      else memo?.bySig.set(hit.sig, hit.ports);
      resolved.set(pod.ports, hit);
    }
    const group = groups.get(hit.sig);
    if (group) group.endpoints.push(endpoint);
    else groups.set(hit.sig, { ports: hit.ports, endpoints: [endpoint] });
  }
  const hinting = trafficDistributionHints(svc);
  const slices: EndpointSlice[] = [];
  const prefix = svc.name.slice(0, 58);
  const entries = [...groups.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1));
  if (!entries.length)
    entries.push([
      '[]',
      {
        ports: svc.ports
          .map((sp) => ({
            name: sp.name ?? '',
            port: typeof sp.targetPort === 'number' ? sp.targetPort : undefined,
            protocol: sp.protocol,
          }))
          .filter((p) => p.port !== undefined),
        endpoints: [],
      },
    ]);
  for (const [sig, group] of entries) {
    for (let i = 0; i < Math.max(1, group.endpoints.length); i += maxEndpointsPerSlice) {
      const chunk = group.endpoints.slice(i, i + maxEndpointsPerSlice);
      const endpoints = hinting ? chunk.map((e) => withCloseHints(e, hinting)) : chunk;
      const name = `${prefix}-${stableSuffix(`${svc.key}/${family}/${sig}/${i}`)}`;
      slices.push({
        key: objectKey('EndpointSlice', svc.namespace, name),
        name,
        namespace: svc.namespace,
        labels: {
          ...svc.labels,
          'endpointslice.kubernetes.io/managed-by': controllerName,
          'kubernetes.io/service-name': svc.name,
        },
        annotations: {},
        serviceName: svc.name,
        addressType: family,
        ports: group.ports,
        endpoints,
        managedBy: controllerName,
      });
    }
  }
  return slices;
}

function manualSlices(
  envs: readonly Envelope[],
  services: readonly Service[],
  sink: (d: Diagnostic) => void,
): EndpointSlice[] {
  const out: EndpointSlice[] = [];
  const svcByKey = new Map(services.map((s) => [s.key, s]));
  // Slices the mirroring controller wrote, dumped beside their Endpoints: already mirrored, not mirrored again.
  const mirrored = new Set(
    envs
      .filter(
        (e) =>
          e.kind === 'EndpointSlice' &&
          e.labels['endpointslice.kubernetes.io/managed-by'] === mirroringControllerName,
      )
      .map((e) => objectKey('Service', e.namespace, e.labels['kubernetes.io/service-name'] ?? '')),
  );
  for (const env of envs) {
    const f = env.f;
    if (env.kind === 'EndpointSlice') {
      const serviceName = env.labels['kubernetes.io/service-name'];
      if (!serviceName)
        sink({
          code: 'orphan-endpointslice',
          severity: 'warning',
          message: `EndpointSlice ${env.name} has no kubernetes.io/service-name label; no Service uses it`,
          source: env.raw.source,
          object: env.key,
          hint: 'Add the label kubernetes.io/service-name: <service>.',
        });
      const addressType = f.str(['addressType']) ?? '';
      if (!['IPv4', 'IPv6', 'FQDN'].includes(addressType)) {
        f.report(
          'invalid-field',
          'error',
          ['addressType'],
          `addressType "${addressType}" must be IPv4, IPv6 or FQDN`,
        );
        continue;
      }
      const endpoints: Endpoint[] = f.list(['endpoints']).map((_, i) => {
        const at = ['endpoints', i];
        const ready = f.bool([...at, 'conditions', 'ready']) ?? true;
        const addresses = f.list([...at, 'addresses']).map((_, j) => f.str([...at, 'addresses', j]) ?? '');
        for (const a of addresses)
          if (addressType !== 'FQDN' && !canonicalIP(a))
            f.report(
              'invalid-ip',
              'error',
              [...at, 'addresses'],
              `endpoint address "${a}" is not an IP address`,
            );
        const hostname = f.str([...at, 'hostname']);
        const nodeName = f.str([...at, 'nodeName']);
        const zone = f.str([...at, 'zone']);
        const ref = f.str([...at, 'targetRef', 'name']);
        const hints = hintsOf(f, [...at, 'hints']);
        return {
          addresses: addresses.map((a) => canonicalIP(a) ?? a),
          conditions: {
            ready,
            // kube-proxy reads an unset serving as true (pkg/proxy/endpointslicecache.go addEndpoints): an endpoint
            // written terminating without it is still its fallback.
            serving: f.bool([...at, 'conditions', 'serving']) ?? true,
            terminating: f.bool([...at, 'conditions', 'terminating']) ?? false,
          },
          ...(hostname ? { hostname } : {}),
          ...(nodeName ? { nodeName } : {}),
          ...(zone ? { zone } : {}),
          ...(hints ? { hints } : {}),
          ...(ref
            ? { targetRef: objectKey(f.str([...at, 'targetRef', 'kind']) ?? 'Pod', env.namespace, ref) }
            : {}),
        };
      });
      const ports: EndpointPort[] = f.list(['ports']).map((_, i) => ({
        name: f.str(['ports', i, 'name']) ?? '',
        port: f.int(['ports', i, 'port']),
        protocol: (f.str(['ports', i, 'protocol']) ?? 'TCP') as Protocol,
      }));
      if (f.invalid) continue;
      out.push({
        ...namespacedMetaOf(env),
        serviceName: serviceName ?? '',
        addressType: addressType as EndpointSlice['addressType'],
        ports,
        endpoints,
        managedBy: env.labels['endpointslice.kubernetes.io/managed-by'] ?? 'manual',
      });
    } else if (env.kind === 'Endpoints') {
      const svc = svcByKey.get(objectKey('Service', env.namespace, env.name));
      if (!svc || svc.selector || env.labels['endpointslice.kubernetes.io/skip-mirror'] === 'true') {
        sink({
          code: 'endpoints-not-mirrored',
          severity: 'info',
          message: `Endpoints ${env.name} ${!svc ? 'has no Service of the same name' : svc.selector ? 'belongs to a Service with a selector, whose endpoints the controller computes' : 'is marked skip-mirror'}; it is not mirrored into an EndpointSlice`,
          source: env.raw.source,
          object: env.key,
        });
        continue;
      }
      if (mirrored.has(svc.key)) continue;
      const slices = mirror(env, svc);
      if (!slices.length) {
        // The mirroring controller writes no slice for an Endpoints without addresses: said, not dropped.
        sink({
          code: 'endpoints-not-mirrored',
          severity: 'info',
          message: `Endpoints ${env.name} lists no addresses; it is mirrored into no EndpointSlice, so Service ${svc.name} has no endpoints`,
          source: env.raw.source,
          object: env.key,
        });
      }
      out.push(...slices);
    }
  }
  return out;
}

/**
 * An endpoint's `hints` as written (`forZones[].name`, `forNodes[].name`): kube-proxy reads them from any slice,
 * whoever wrote it (pkg/proxy/topology.go). Undefined when the endpoint carries none.
 * https://kubernetes.io/docs/reference/kubernetes-api/service-resources/endpoint-slice-v1/#EndpointSlice
 */
function hintsOf(f: Envelope['f'], at: (string | number)[]): Endpoint['hints'] {
  const names = (field: string) =>
    f
      .list([...at, field])
      .map((_, i) => f.str([...at, field, i, 'name']))
      .filter((n): n is string => !!n);
  const forZones = names('forZones');
  const forNodes = names('forNodes');
  if (!forZones.length && !forNodes.length) return undefined;
  return { forZones, ...(forNodes.length ? { forNodes } : {}) };
}

/** The EndpointSlice mirroring controller: each subset of a selector-less Service's Endpoints becomes slices. */
function mirror(env: Envelope, svc: Service): EndpointSlice[] {
  const f = env.f;
  const out: EndpointSlice[] = [];
  f.list(['subsets']).forEach((_, s) => {
    const at = ['subsets', s];
    const ports: EndpointPort[] = f.list([...at, 'ports']).map((_, i) => ({
      name: f.str([...at, 'ports', i, 'name']) ?? '',
      port: f.int([...at, 'ports', i, 'port']),
      protocol: (f.str([...at, 'ports', i, 'protocol']) ?? 'TCP') as Protocol,
    }));
    const read = (field: string, ready: boolean) =>
      f.list([...at, field]).map((_, i) => {
        const ip = f.str([...at, field, i, 'ip']) ?? '';
        const hostname = f.str([...at, field, i, 'hostname']);
        const nodeName = f.str([...at, field, i, 'nodeName']);
        return { ip: canonicalIP(ip), hostname, nodeName, ready };
      });
    const addresses = [...read('addresses', true), ...read('notReadyAddresses', false)].filter((a) => a.ip);
    for (const family of ['IPv4', 'IPv6'] as const) {
      const endpoints: Endpoint[] = addresses
        .filter((a) => a.ip!.includes(':') === (family === 'IPv6'))
        .map((a) => ({
          addresses: [a.ip!],
          conditions: { ready: a.ready, serving: a.ready, terminating: false },
          ...(a.hostname ? { hostname: a.hostname } : {}),
          ...(a.nodeName ? { nodeName: a.nodeName } : {}),
        }));
      if (!endpoints.length) continue;
      const name = `${env.name.slice(0, 58)}-${stableSuffix(`${env.key}/${s}/${family}`)}`;
      out.push({
        key: objectKey('EndpointSlice', svc.namespace, name),
        name,
        namespace: svc.namespace,
        labels: {
          ...env.labels,
          'endpointslice.kubernetes.io/managed-by': mirroringControllerName,
          'kubernetes.io/service-name': svc.name,
        },
        annotations: {},
        source: env.raw.source,
        serviceName: svc.name,
        addressType: family,
        ports,
        endpoints,
        managedBy: mirroringControllerName,
      });
    }
  });
  return out;
}
