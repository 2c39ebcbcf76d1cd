/**
 * The service mesh, east-west: which pods carry the mesh's proxy, and where a meshed client's sidecar sends
 * an HTTP request for a Service — by the mesh's own routes (Istio VirtualService + DestinationRule subsets) or
 * Gateway API routes bound to the Service (GAMMA), else over every endpoint. One shared model; Istio and
 * Linkerd are profiles filling it (`istio/`, `linkerd/`).
 */
import { serviceNotExported } from './istio/_service-export.ts';
export { serviceNotExported } from './istio/_service-export.ts';
import type { MeshName } from '../../model/mesh.ts';
import type { ClusterModel, Pod, Service } from '../../model/types.ts';
import { lookup } from '../../model/lookup.ts';
import type { MeshProfile, ScopedClient } from './_profile.ts';
import { importsHost, scopeUnknown, sidecarScope } from './istio/_sidecar-scope.ts';
import { outsideSidecarScope } from './istio/_sidecar-route.ts';
import { gammaTables } from './_gamma.ts';
import { serviceFqdn, serviceForHost } from './_hosts.ts';
import { sidecarOutcome, destinations, evaluateTable, mirrorDestinations, opaquePort } from './_router.ts';
import { linkerdPortProtocol } from './linkerd/_opaque.ts';
import { linkerdArrival, type Arrival } from './linkerd/_arrival.ts';
import { istioArrival } from './istio/_hbone.ts';
import { istioWaypointPath, type WaypointPath } from './istio/_waypoint-path.ts';
export { judgeWaypointLegs, type WaypointLegs, type WaypointPath } from './istio/_waypoint-path.ts';
import { linkerdEgress, type EgressTraffic, type EgressVerdict } from './linkerd/_egress.ts';
export type { EgressTraffic, EgressVerdict } from './linkerd/_egress.ts';
import { istioProfile } from './istio/index.ts';
import { linkerdProfile } from './linkerd/index.ts';
import type { MeshDecision, MeshRequest, MeshRouteTable, Sidecar } from './types.ts';
import { inboundJudge, type InboundJudge } from './_inbound.ts';
import { externalRoute } from './_external.ts';
import { byLocality } from './_locality.ts';
import { behindWorkloadEntries, entryFor } from './istio/_service-entries.ts';
import { istioGatewayRoute, type IstioGatewayAnswer } from './istio/_gateway.ts';
import { istioMeshL4 } from './istio/_l4-route.ts';
import { ambientProxy, istioAmbient, serviceWaypoint } from './istio/_ambient.ts';
import { serviceWaypointOf } from './istio/_waypoint.ts';
/** The Istio ambient waypoint traffic addressed to a Service goes through (see `serviceWaypointOf`), if any. */
export { serviceWaypointOf as istioServiceWaypoint } from './istio/_waypoint.ts';
import { waypointRoute } from './istio/_waypoint-route.ts';
export type { IstioGatewayAnswer } from './istio/_gateway.ts';
export { meshSecurityGap } from './_inbound.ts';
export { meshMatrix, type MeshMatrix } from './_matrix.ts';

export type * from './types.ts';
export type {
  AuthzVerdict,
  InboundClient,
  InboundJudge,
  InboundQuery,
  MeshInbound,
  MtlsHop,
} from './_inbound.ts';
export { readyEndpoints } from './_router.ts';
export { plaintextToStrict, type PlaintextToStrict } from './istio/_tls-conflicts.ts';
export { clientPod, describeMirror, meshActual, meshEndpointNotes, type MeshActual } from './_answer.ts';
export { istioSidecar, stringMatches } from './istio/index.ts';
/** The AuthorizationPolicies that apply to a pod's Istio proxy (sidecar or gateway), and their verdict. */
export { authorize as istioAuthorize, policiesFor as istioPoliciesFor } from './istio/_authz.ts';
export { gatewayAuthorizationNote } from './_gateway-authz-note.ts';
export { linkerdSidecar } from './linkerd/index.ts';
export { linkerdInboundProxyPort } from './linkerd/_arrival.ts';
export { hbonePort } from './istio/_hbone.ts';
export {
  controlPlaneNamespace,
  controlPlaneTargets,
  meshControlPlane,
  type ControlPlanePort,
  type ControlPlaneTarget,
} from './_control-plane.ts';

export interface Mesh {
  readonly name?: MeshName;
  /** `profile`, or the control-plane object the mesh was detected from. */
  readonly detectedFrom?: string;
  /** Whether a pod runs the mesh's proxy (never, without a mesh). */
  sidecar(pod: Pod): Sidecar;
  /** Why Istio's ztunnel captures a pod that has no sidecar (ambient mode), or undefined (always, for Linkerd). */
  ambient(pod: Pod): string | undefined;
  /**
   * Where `client`'s sidecar sends `req` (host as the client wrote it, port the Service port), or why the
   * request names no Service port. Without a mesh, or from an unmeshed client, kube-proxy's choice: every
   * ready endpoint.
   */
  route(req: MeshRequest, client: Pod, explain?: boolean): MeshDecision | string;
  /** What routes a client namespace's requests for a Service (`Istio VirtualService ns/name`, ...), if anything. */
  routedBy(service: Service, clientNs: string): string | undefined;
  /**
   * What the server pod's proxy decides about one inbound connection or request (mTLS, then authorization);
   * undefined when no mesh proxy judges it (server outside the mesh, not TCP, or a mesh whose policy is not
   * modeled).
   */
  readonly inbound: InboundJudge;
  /**
   * Why a meshed client's own sidecar may refuse a connection to an address outside the cluster, or undefined:
   * under Istio's REGISTRY_ONLY outbound policy, an address no ServiceEntry `addresses` declares on that port
   * goes to the BlackHoleCluster (a hostname-only entry on an HTTP port matches by Host header, which a
   * connection does not carry), so the verdict is unknown.
   */
  outboundUnknown(client: Pod, ip: string, port: number): string | undefined;
  /**
   * The port a connection from `client` to `server`'s container `port` carries on the wire, when the mesh
   * changes it (Linkerd's opaque transport sends to the proxy's inbound port 4143; Istio ambient's ztunnel tunnels
   * over HBONE to 15008), with why; `{maybe}` when
   * it may; undefined when the connection keeps `port`. NetworkPolicies are judged on the port returned.
   */
  arrival(client: Pod, server: Pod, port: number): Arrival;
  /**
   * The Istio ambient waypoint a connection from `client` to `server` (addressed to `service`) passes: NetworkPolicies
   * then judge client → waypoint pod and waypoint pod → server on 15008 (`judgeWaypointLegs`), not client → server;
   * `{unknown}` where a waypoint is on the way but kubetwin cannot lay it out; undefined when it goes straight.
   */
  waypointPath(client: Pod, server: Pod, service?: Service): WaypointPath | undefined;
  /**
   * What a meshed Linkerd client's proxy does with a connection to an outside address `ip:port` (its EgressNetwork:
   * allowed, denied or unknown, with why), or undefined when no EgressNetwork captures it or another mesh runs.
   */
  egress(client: Pod, ip: string, port: number, traffic?: EgressTraffic): EgressVerdict | undefined;
  /**
   * Where the Istio ingress gateway sends a request from outside (`req.port` is the port the client connects
   * to): the Gateway server, the bound VirtualService's rule, the destinations. `gateway` (`ns/name`) names
   * the Istio Gateway; without it every Gateway is a candidate.
   */
  gatewayRoute(req: MeshRequest, gateway?: string): IstioGatewayAnswer;
}

const profiles: Readonly<Record<MeshName, (m: ClusterModel) => MeshProfile>> = {
  istio: istioProfile,
  linkerd: linkerdProfile,
};

const cache = new WeakMap<ClusterModel, Mesh>();

/** Compiles the mesh of a model once (cached per model). */
export function compileMesh(model: ClusterModel): Mesh {
  let m = cache.get(model);
  if (!m) cache.set(model, (m = build(model)));
  return m;
}

/**
 * One pod with an address per workload (or bare pod) whose pods carry the mesh's proxy, in model order: sidecars
 * and gateway proxies, and under Istio ambient's own proxies (waypoints, ztunnel), which talk to istiod too.
 */
export function meshedWorkloadPods(model: ClusterModel): Pod[] {
  const mesh = compileMesh(model);
  const istio = model.mesh?.name === 'istio';
  const seen = new Set<string>();
  return model.pods.filter((p) => {
    const proxied = mesh.sidecar(p).meshed || (istio && ambientProxy(p) !== undefined);
    if (!p.ip || !proxied || seen.has(p.owner ?? p.key)) return false;
    seen.add(p.owner ?? p.key);
    return true;
  });
}

function build(model: ClusterModel): Mesh {
  const name = model.mesh?.name;
  const profile = name ? profiles[name](model) : undefined;
  const gamma = gammaTables(
    model.services,
    // Linkerd also routes by its own policy.linkerd.io HTTPRoutes parented to a Service.
    [...(model.routing?.routes ?? []), ...(name === 'linkerd' ? (model.mesh?.linkerd.httpRoutes ?? []) : [])],
    model.routing?.referenceGrants ?? [],
  );
  const namespaces = new Map(model.namespaces.map((n) => [n.name, n]));
  const sidecars = new Map<string, Sidecar>();
  const l = lookup(model);
  const byIP = new Map<string, Service>();
  for (const s of model.services) for (const ip of s.clusterIPs) byIP.set(ip, s);
  const sidecar = (pod: Pod): Sidecar => {
    let s = sidecars.get(pod.key);
    if (!s) {
      s = profile
        ? profile.sidecar(pod, namespaces.get(pod.namespace))
        : { meshed: false, reason: 'no service mesh (set mesh.name in the profile)' };
      sidecars.set(pod.key, s);
    }
    return s;
  };
  /** The mesh's table for a Service, else the GAMMA one; notes when both exist. */
  const tableFor = (
    svc: Service,
    clientNs: string,
    client?: ScopedClient,
  ): { table?: MeshRouteTable; notes: string[] } => {
    const own = profile?.table(svc, clientNs, client);
    const g = gamma(svc, clientNs);
    if (own && g)
      return {
        table: own,
        notes: [
          `HTTPRoutes also name ${svc.namespace}/${svc.name} (GAMMA); kubetwin takes the ${own.by} and ignores them`,
        ],
      };
    return { table: own ?? g, notes: [] };
  };
  const mesh: Mesh = {
    name,
    detectedFrom: model.mesh?.detectedFrom,
    sidecar,
    ambient: (pod) =>
      name === 'istio' && !sidecar(pod).meshed ? istioAmbient(pod, namespaces.get(pod.namespace)) : undefined,
    inbound: inboundJudge(model, sidecar),
    outboundUnknown(client, ip, port) {
      if (name !== 'istio' || !sidecar(client).meshed) return undefined;
      // The client's Sidecar may set its own outbound policy and leave entries out (SidecarScope).
      const scope = sidecarScope(model, client);
      if (scope.unsure) return scope.unsure;
      if (scope.mode !== 'REGISTRY_ONLY') return scopeUnknown(scope);
      const e = entryFor(model.mesh?.serviceEntries ?? [], ip, port, client.namespace);
      const imp = e?.port ? importsHost(scope, e.entry.hosts, e.entry.namespace, port) : undefined;
      if (imp?.imported === true) return undefined;
      if (imp)
        return `${imp.why}, and the outbound policy is REGISTRY_ONLY (${scope.modeBy}): the client's sidecar sends such a connection to the BlackHoleCluster unless a hostname ServiceEntry matches the request's Host (not judged for a connection)`;
      const policy = scope.sidecar?.outboundTrafficPolicy
        ? `${scope.modeBy}`
        : "Istio's outboundTrafficPolicy is REGISTRY_ONLY";
      return `${policy} and no ServiceEntry exported to ${client.namespace} declares ${ip} port ${port} in its addresses: the client's sidecar sends such a connection to the BlackHoleCluster unless a hostname ServiceEntry matches the request's Host (not judged for a connection)`;
    },
    arrival:
      name === 'linkerd'
        ? linkerdArrival(model, sidecar)
        : name === 'istio'
          ? istioArrival(model, sidecar)
          : () => undefined,
    waypointPath: name === 'istio' ? istioWaypointPath(model, sidecar) : () => undefined,
    egress(client, ip, port, traffic) {
      if (name === 'linkerd')
        return sidecar(client).meshed ? linkerdEgress(model, client, ip, port, traffic) : undefined;
      // Another mesh runs: Linkerd's objects have no effect. None known: whether Linkerd judges it is not known.
      const v = name ? undefined : linkerdEgress(model, client, ip, port, traffic);
      return v
        ? {
            verdict: 'unknown',
            by: v.by,
            why: `${v.by} is in the input and would judge this connection, but no mesh is known to run (set mesh.name: linkerd in the profile if Linkerd runs): ${v.why}`,
          }
        : undefined;
    },
    gatewayRoute: (req, gateway) =>
      istioGatewayRoute(model, name === 'istio' ? profile : istioProfile(model), req, gateway),
    routedBy: (svc, clientNs) => (profile ? tableFor(svc, clientNs).table?.by : undefined),
    route(req, client, explain = true) {
      const svc = serviceForHost(
        req.host,
        client.namespace,
        model.profile.clusterDomain,
        l.serviceByRef,
        (ip) => byIP.get(ip),
      );
      if (!svc) return externalRoute(model, profile, req, client, sidecar(client));
      const sp = svc.ports.find((p) => p.port === req.port && p.protocol === 'TCP');
      if (!sp)
        return `Service ${svc.namespace}/${svc.name} has no TCP port ${req.port} (ports: ${svc.ports.map((p) => `${p.port}/${p.protocol}`).join(', ') || 'none'})`;
      const me = sidecar(client);
      const notes: string[] = [];
      const service = { namespace: svc.namespace, name: svc.name, port: req.port };
      const common = {
        mesh: name,
        client: `${client.namespace}/${client.name}`,
        clientMeshed: me.meshed,
        service,
      };
      const everyEndpoint = (by: string): MeshDecision => {
        const ds = destinations(
          model,
          profile,
          [{ namespace: svc.namespace, name: svc.name, weight: 100 }],
          req.port,
          client,
          notes,
        );
        return { ...common, by, status: ds[0]?.problem ? 503 : 200, lost: [], destinations: ds, notes };
      };
      if (!profile) return everyEndpoint('kube-proxy (no service mesh: set mesh.name in the profile)');
      if (!me.meshed) {
        const amb = name === 'istio' ? istioAmbient(client, namespaces.get(client.namespace)) : undefined;
        notes.push(
          amb
            ? `client ${client.namespace}/${client.name} has no istio sidecar but is in ambient mode (${amb}): its ztunnel carries the connection at L4, so sidecar routes do not apply to it (a waypoint's would)`
            : `client ${client.namespace}/${client.name} has no ${name} proxy (${me.reason}): mesh routes do not apply to it`,
        );
        // An ambient client's request for a Service bound to a waypoint: the waypoint routes it (GAMMA).
        const bound =
          amb && name === 'istio' ? serviceWaypointOf(model, svc, namespaces.get(svc.namespace)) : undefined;
        if (bound?.gateway && !opaquePort(sp))
          return waypointRoute({
            model,
            profile,
            gamma,
            svc,
            waypoint: bound,
            req,
            client,
            explain,
            common,
            notes,
          });
        const waypoint = name === 'istio' ? serviceWaypoint(svc, namespaces.get(svc.namespace)) : undefined;
        if (waypoint)
          return {
            ...everyEndpoint('kube-proxy (client outside the mesh)'),
            unknown: `Service ${svc.namespace}/${svc.name} has an Istio ambient waypoint (${waypoint}): ${
              !amb
                ? 'requests from ambient clients go through it, and whether this client (not in ambient mode) does is not modeled by kubetwin'
                : bound?.gateway
                  ? `requests from ambient clients go through it, and port ${sp.port} is not HTTP to Istio (L4 routing at the waypoint is not modeled by kubetwin)`
                  : 'requests from ambient clients go through it, and its Gateway (class istio-waypoint) is not in the input, so its routes and L7 policy are not known'
            }`,
          };
        // ztunnel is L4: a GAMMA route of a Service no waypoint serves does not apply to an ambient client.
        const idle = amb && name === 'istio' ? gamma(svc, client.namespace) : undefined;
        if (idle)
          notes.push(
            `${idle.by} name Service ${svc.namespace}/${svc.name}, but no waypoint serves it: ztunnel carries an ambient client's connection at L4 and does not apply HTTP routes`,
          );
        return everyEndpoint('kube-proxy (client outside the mesh)');
      }
      const hidden =
        name === 'istio' ? serviceNotExported(svc, client.namespace, model.mesh?.exportDefaults) : undefined;
      if (hidden)
        return {
          ...everyEndpoint('istio sidecar (Service not exported to the client namespace)'),
          unknown: hidden,
        };
      // The client's Sidecar may not import the Service (SidecarScope): passthrough or black hole.
      const scope = name === 'istio' ? sidecarScope(model, client) : undefined;
      if (scope?.sidecar) {
        const out = outsideSidecarScope(
          {
            scope,
            hosts: [serviceFqdn(svc, model.profile.clusterDomain)],
            hostNs: svc.namespace,
            port: req.port,
            routed: !!profile.table(svc, client.namespace, { pod: client, port: req.port }),
          },
          common,
          everyEndpoint,
        );
        if (out) return out;
      }
      const opaque = name === 'istio' ? opaquePort(sp) : undefined;
      if (opaque) {
        const kind = opaque === 'tls' || opaque === 'https' ? 'tls' : 'tcp';
        notes.push(
          `port ${sp.port}${sp.name ? ` (${sp.name})` : ''} is a ${opaque} port to Istio: the sidecar proxies it as ${kind.toUpperCase()}, so HTTP routes do not apply; VirtualService ${kind} rules do`,
        );
        return istioMeshL4(model, profile, svc, req, client, kind, common, notes);
      }
      const linkerdPort =
        name === 'linkerd' ? linkerdPortProtocol(svc, sp, namespaces.get(svc.namespace)) : undefined;
      if (linkerdPort?.opaque === true) {
        notes.push(
          `port ${sp.port}${sp.name ? ` (${sp.name})` : ''} is opaque to Linkerd (${linkerdPort.by}): the client's proxy forwards the connection as TCP without protocol detection, so HTTPRoutes and ServiceProfile routes do not apply`,
        );
        return everyEndpoint('linkerd proxy (opaque port: every ready endpoint)');
      }
      const { table, notes: tableNotes } = tableFor(svc, client.namespace, { pod: client, port: req.port });
      const policy = profile.policy(svc, client, req);
      notes.push(...tableNotes, ...(table?.notes ?? []), ...policy.notes);
      // Which VirtualServices, DestinationRules and ServiceEntries this client sees rests on exportTo defaults.
      if (name === 'istio' && model.mesh?.exportToAssumed) notes.push(model.mesh.exportToAssumed);
      if (
        name === 'linkerd' &&
        table &&
        model.mesh?.serviceProfiles.some(
          (p) => p.name === `${svc.name}.${svc.namespace}.svc.${model.profile.clusterDomain}`,
        )
      )
        notes.push(
          'a ServiceProfile also describes this Service; Linkerd may prefer it over HTTPRoutes (linkerd.io/2.15/features/httproute) — kubetwin routes by the HTTPRoute',
        );
      const withPolicy = (d: MeshDecision): MeshDecision =>
        byLocality(model, client, policy.locality, {
          ...d,
          timeout: d.timeout ?? policy.timeout,
          retries: d.retries ?? policy.retries,
        });
      if (table && linkerdPort?.opaque === 'unknown')
        return {
          ...everyEndpoint(`linkerd proxy (HTTP routes or opaque TCP: ${table.by} applies only to HTTP)`),
          unknown: `whether ${table.by} applies: ${linkerdPort.by}`,
        };
      if (!table)
        return withPolicy(
          everyEndpoint(`${name} sidecar default (no route names this Service: every ready endpoint)`),
        );
      const evaluated = evaluateTable(table, req, { pod: client }, explain);
      const outcome = sidecarOutcome(common, table.by, evaluated, notes);
      if ('answered' in outcome) return outcome.answered;
      const { forward: a, won, lost } = outcome;
      const ds = destinations(model, profile, a.targets, req.port, client, notes);
      const usable = ds.filter((d) => !d.problem && d.weight > 0);
      if (usable.length && usable.length < ds.filter((d) => d.weight > 0).length)
        notes.push(
          'part of the traffic is weighted to a destination that cannot take it: those requests get 503',
        );
      return byLocality(model, client, policy.locality, {
        ...common,
        by: table.by,
        status: usable.length ? 200 : 503,
        winner: won,
        lost,
        destinations: ds,
        rewrittenPath: a.rewrittenPath,
        rewrittenHost: a.rewrittenHost,
        timeout: a.timeout ?? policy.timeout,
        retries: a.retries ?? policy.retries,
        ...mirrorDestinations(model, profile, a.mirrors, req.port, client),
        ...(a.sometimes ? { sometimes: a.sometimes } : {}),
        notes: [...new Set(notes)],
      });
    },
  };
  // Istio: a Kubernetes Service's selector also picks the WorkloadEntries of its namespace (not modeled).
  if (name !== 'istio') return mesh;
  return {
    ...mesh,
    route: (req, client, explain) =>
      unsureSidecar(model, client, mesh, behindWorkloadEntries(model, mesh.route(req, client, explain))),
  };
}

/** An answer for a meshed client two Sidecars apply to (istio.io: undefined) is unknown, whichever istiod takes. */
function unsureSidecar(
  model: ClusterModel,
  client: Pod,
  mesh: Mesh,
  d: MeshDecision | string,
): MeshDecision | string {
  if (typeof d === 'string' || d.unknown || !mesh.sidecar(client).meshed) return d;
  const unsure = sidecarScope(model, client).unsure;
  return unsure ? { ...d, unknown: unsure } : d;
}
