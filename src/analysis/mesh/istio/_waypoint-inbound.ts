/**
 * A connection from an ambient client to a Service bound to a waypoint: the client's ztunnel tunnels it to the
 * waypoint (HBONE mTLS with the client's identity), the waypoint enforces the AuthorizationPolicies that target it
 * or the Service (with HTTP attributes, as a sidecar does), then opens its own HBONE connection to the server,
 * whose ztunnel enforces the server's L4 policies on the **waypoint's** identity ("waypoint proxies do not
 * impersonate src identity on behalf of the client").
 * https://istio.io/latest/docs/ambient/usage/l4-policy/#authorization-policy-attachment
 * https://istio.io/latest/docs/ambient/usage/l7-features/
 */
import type { ClusterModel, Pod, Service } from '../../../model/types.ts';
import type { InboundQuery, MeshInbound } from '../_inbound.ts';
import { opaquePort } from '../_router.ts';
import { IDENTITY_NOT_KNOWN } from './_authz-match.ts';
import { authorize, type AuthzVerdict } from './_authz.ts';
import { waypointPolicies, waypointRouteGaps, type Waypoint } from './_waypoint.ts';
import { ztunnelAuthorize, ztunnelPolicies } from './_ztunnel-authz.ts';
import type { ZtunnelMtls } from './_ztunnel-mtls.ts';

const strip = (id: string) => id.replace(/^spiffe:\/\//, '');

/** The Service port a connection to the server's container port `port` was addressed to (the first such). */
const servicePortOf = (svc: Service, server: Pod, port: number) =>
  svc.ports.find(
    (p) =>
      p.protocol === 'TCP' &&
      (typeof p.targetPort === 'number'
        ? p.targetPort === port
        : server.ports.some((c) => c.name === p.targetPort && c.containerPort === port)),
  );

export interface ThroughWaypoint {
  readonly model: ClusterModel;
  readonly q: InboundQuery & { readonly client: { readonly pod: Pod }; readonly service: Service };
  readonly waypoint: Waypoint;
  /** The client's workload identity (`spiffe://…`). */
  readonly clientIdentity: string;
  readonly serverIdentity: string;
  readonly mode: ZtunnelMtls;
}

/** The verdict of the waypoint, then of the server's ztunnel, for one connection (or request). */
export function throughWaypoint(t: ThroughWaypoint): MeshInbound {
  const { model, q, waypoint: w } = t;
  const mesh = model.mesh!;
  const root = mesh.rootNamespace;
  const svc = q.service;
  const server = q.server;
  const where = `the waypoint ${w.namespace}/${w.name}`;
  const unknown: string[] = [...waypointRouteGaps(model, svc, { gamma: q.waypointRouted })];
  const sp = servicePortOf(svc, server, q.port);
  // The waypoint enforces only policies bound to it; `targetRefs` is what binds them, so it is no reason for doubt.
  const bound = waypointPolicies(mesh.authorizationPolicies, root, w, svc).map((p) => ({
    ...p,
    targetRefs: false,
  }));
  const facts = {
    peer: { principal: strip(t.clientIdentity) },
    sourceIp: q.client.pod.ip,
    port: sp?.port ?? q.port,
    tcp: !!(sp && opaquePort(sp)),
    ...(q.http ? { http: q.http } : {}),
  };
  const atWaypoint = authorize(bound, facts);
  if (sp && sp.port !== q.port) {
    const alt = authorize(bound, { ...facts, port: q.port });
    if (alt.allowed !== atWaypoint.allowed || alt.l7 !== atWaypoint.l7)
      unknown.push(
        `whether ${where} matches ports on the Service port ${sp.port} or the workload port ${q.port} is not modeled by kubetwin`,
      );
  }
  const wpod = w.pods[0];
  const wid = wpod
    ? `spiffe://${model.profile.clusterDomain}/ns/${wpod.namespace}/sa/${wpod.serviceAccountName}`
    : undefined;
  const atServer = ztunnelAuthorize(ztunnelPolicies(mesh.authorizationPolicies, root, server), {
    peer: wid ? { principal: strip(wid) } : 'unknown',
    ...(wpod ? { sourceIp: wpod.ip } : {}),
    destinationIp: server.ip,
    port: q.port,
    tcp: true,
  });
  if (!wid && atServer.unknown.some((u) => u.endsWith(IDENTITY_NOT_KNOWN)))
    unknown.push(
      `the pods of ${where} are not in the input: the identity the server's ztunnel sees (the waypoint's) is not known`,
    );
  const decided: AuthzVerdict = !atWaypoint.allowed ? atWaypoint : !atServer.allowed ? atServer : atWaypoint;
  const at =
    decided === atServer && !atServer.allowed ? `the ztunnel of ${server.namespace}/${server.name}` : where;
  const notes = [
    `${svc.namespace}/${svc.name} is bound to ${where} (${w.boundBy}): the connection goes through it`,
    ...atWaypoint.notes,
    ...(decided === atWaypoint
      ? [
          `then the ztunnel of ${server.namespace}/${server.name} sees ${wid ? `the waypoint's identity ${wid}` : "the waypoint's identity"}: ${atServer.reason}`,
        ]
      : [`${where} first: ${atWaypoint.reason}`]),
    // The server's ztunnel leaves the waypoint's own policies out; that is no news on this path.
    ...atServer.notes.filter((n) => !bound.some((p) => n.startsWith(`${p.key} uses targetRefs`))),
  ];
  return {
    mesh: 'istio',
    proxy: 'waypoint',
    mtls: {
      transport: 'mtls',
      clientIdentity: t.clientIdentity,
      serverIdentity: t.serverIdentity,
      why: `the client's ztunnel sends HBONE mTLS to ${where}, which opens its own to the server with ${wid ? `its identity ${wid}` : 'its identity'}`,
      mode: t.mode.mode,
      modeBy: t.mode.by,
      ...(t.mode.source ? { modeSource: t.mode.source } : {}),
      refused: false,
    },
    authz: decided,
    allowed: atWaypoint.allowed && atServer.allowed,
    l7: atWaypoint.allowed && atServer.allowed && atWaypoint.l7,
    unknown: [...new Set([...unknown, ...atWaypoint.unknown, ...atServer.unknown])].sort(),
    notes,
    summary: `${atWaypoint.allowed && atServer.allowed ? 'authorized' : 'DENIED'} by ${at}: ${decided.reason}`,
  };
}
