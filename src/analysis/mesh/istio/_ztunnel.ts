/**
 * What the server's ztunnel decides about one inbound connection to an Istio ambient pod: the transport (HBONE mTLS
 * with the client's identity, or plaintext) against the port's PeerAuthentication mode, then ztunnel's L4
 * authorization (`_ztunnel-authz.ts`). A waypoint bound to the server is not modeled: such a connection is unknown.
 * https://istio.io/latest/docs/ambient/usage/l4-policy/
 * https://istio.io/latest/docs/ambient/architecture/hbone/
 */
import type { ClusterModel, Pod } from '../../../model/types.ts';
import type { InboundQuery, MeshInbound, MtlsHop } from '../_inbound.ts';
import type { Sidecar } from '../types.ts';
import { IDENTITY_NOT_KNOWN } from './_authz-match.ts';
import { ambientUnknowns } from './_ambient.ts';
import { ztunnelMtls } from './_ztunnel-mtls.ts';
import { ztunnelAuthorize, ztunnelPolicies } from './_ztunnel-authz.ts';
import { serviceWaypointOf } from './_waypoint.ts';
import { throughWaypoint } from './_waypoint-inbound.ts';

export interface ZtunnelContext {
  readonly model: ClusterModel;
  readonly sidecar: (pod: Pod) => Sidecar;
  /** Why ztunnel captures a pod without a sidecar, or undefined. */
  readonly ambientOf: (pod: Pod) => string | undefined;
}

interface ClientTransport {
  readonly transport: MtlsHop['transport'];
  readonly identity?: string;
  readonly why: string;
}

/**
 * What reaches the server's ztunnel: an ambient client's ztunnel tunnels the connection over HBONE, mTLS with the
 * client's workload identity (https://istio.io/latest/docs/ambient/architecture/data-plane/); a pod without any
 * Istio proxy, or an address outside the mesh, sends plaintext, which the server's ztunnel captures with no
 * identity; what a sidecar sends to an ambient pod depends on istiod's HBONE flags, not in the input.
 */
function clientTransport(ctx: ZtunnelContext, q: InboundQuery): ClientTransport {
  if (!('pod' in q.client)) return { transport: 'plaintext', why: 'the client is outside the mesh' };
  const pod = q.client.pod;
  const s = ctx.sidecar(pod);
  if (s.meshed)
    return {
      transport: 'unknown',
      why: `the client's istio sidecar sends HBONE mTLS to an ambient pod only where istiod's HBONE flags are on (PILOT_ENABLE_SENDING_HBONE), which are not in the input`,
    };
  const amb = ctx.ambientOf(pod);
  if (!amb) return { transport: 'plaintext', why: `the client has no istio proxy: ${s.reason}` };
  const domain = ctx.model.profile.clusterDomain;
  return {
    transport: 'mtls',
    identity: `spiffe://${domain}/ns/${pod.namespace}/sa/${pod.serviceAccountName}`,
    why: `the client is in Istio ambient mode (${amb}): its ztunnel sends HBONE mTLS with the client's identity`,
  };
}

const strip = (id?: string) => id?.replace(/^spiffe:\/\//, '');

/** The verdict of the server's ztunnel for `q`; `why` says why ztunnel captures the server. */
export function ztunnelInbound(ctx: ZtunnelContext, q: InboundQuery, why: string): MeshInbound {
  const mesh = ctx.model.mesh!;
  const root = mesh.rootNamespace;
  const server = q.server;
  const mode = ztunnelMtls(mesh.peerAuthentications, root, server, q.port);
  const client = clientTransport(ctx, q);
  const svcWaypoint = q.service
    ? serviceWaypointOf(
        ctx.model,
        q.service,
        ctx.model.namespaces.find((n) => n.name === q.service!.namespace),
      )
    : undefined;
  const serverIdentity = `spiffe://${ctx.model.profile.clusterDomain}/ns/${server.namespace}/sa/${server.serviceAccountName}`;
  // Modeled: an ambient client to a Service bound to a waypoint whose Gateway is in the input, the pod not bound
  // to a waypoint of its own. Anything else through a waypoint stays unknown below.
  const podBound = server.labels['istio.io/use-waypoint'];
  if (
    svcWaypoint?.gateway &&
    'pod' in q.client &&
    client.transport === 'mtls' &&
    client.identity &&
    (podBound === undefined || podBound === 'none')
  )
    return throughWaypoint({
      model: ctx.model,
      q: { ...q, client: q.client, service: q.service! },
      waypoint: svcWaypoint,
      clientIdentity: client.identity,
      serverIdentity,
      mode,
    });
  const waypoint = ambientUnknowns(
    {
      pod: server,
      ns: ctx.model.namespaces.find((n) => n.name === server.namespace),
      services: ctx.model.services.filter((s) => s.namespace === server.namespace),
    },
    why,
  );
  if (waypoint.length)
    return {
      mesh: 'istio',
      proxy: 'ztunnel',
      mtls: {
        transport: 'unknown',
        why: 'a waypoint carries the connection, which kubetwin does not model',
        mode: mode.mode,
        modeBy: mode.by,
        refused: false,
      },
      allowed: true,
      l7: false,
      unknown: waypoint,
      notes: [],
      summary: `not judged: ${waypoint[0]}`,
    };
  const notes = [...mode.notes];
  const unknown: string[] = [];
  const at = `the ztunnel of ${server.namespace}/${server.name}`;
  const from = 'pod' in q.client ? `${q.client.pod.namespace}/${q.client.pod.name}` : q.client.ip;
  const strictPlain = client.transport === 'plaintext' && mode.mode === 'STRICT';
  if (strictPlain && mode.unknown) unknown.push(mode.unknown);
  const refused = strictPlain && !mode.unknown;
  if (client.transport === 'unknown' && mode.mode === 'STRICT')
    unknown.push(client.why, `the server port is STRICT (${mode.by}): ztunnel refuses it unless it is mTLS`);
  const mtls: MtlsHop = {
    transport: client.transport,
    ...(client.identity ? { clientIdentity: client.identity, serverIdentity } : {}),
    why: client.why,
    mode: mode.mode,
    modeBy: mode.by,
    ...(mode.source ? { modeSource: mode.source } : {}),
    refused,
  };
  if (refused)
    return {
      mesh: 'istio',
      proxy: 'ztunnel',
      mtls,
      allowed: false,
      l7: false,
      unknown: [],
      notes,
      summary: `mTLS STRICT (${mode.by}) refuses plaintext from ${from} at ${at} (${client.why})`,
    };
  const authz = ztunnelAuthorize(ztunnelPolicies(mesh.authorizationPolicies, root, server), {
    peer: client.transport === 'mtls' ? { principal: strip(client.identity) ?? '' } : client.transport,
    sourceIp: 'pod' in q.client ? q.client.pod.ip : q.client.ip,
    destinationIp: server.ip,
    port: q.port,
    tcp: true,
  });
  notes.push(...authz.notes);
  if (client.transport === 'unknown' && authz.unknown.some((u) => u.endsWith(IDENTITY_NOT_KNOWN)))
    unknown.push(client.why);
  return {
    mesh: 'istio',
    proxy: 'ztunnel',
    mtls,
    authz,
    allowed: authz.allowed,
    l7: false,
    unknown: [...new Set([...unknown, ...authz.unknown])].sort(),
    notes,
    summary: `${authz.allowed ? 'authorized' : 'DENIED'} by ${at} (L4): ${authz.reason}`,
  };
}
