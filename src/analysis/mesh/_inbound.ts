/**
 * What the server pod's mesh proxy decides about one inbound connection (or HTTP request): the transport (mTLS
 * with the client's identity, or plaintext) against the server's mTLS mode, then request authorization. Istio
 * only: PeerAuthentication with auto mTLS (a meshed client sends mTLS to a meshed server unless its
 * DestinationRule or the server's DISABLE mode says otherwise; a plaintext client to a STRICT port is refused),
 * then AuthorizationPolicy. A server without the proxy, a non-TCP port, or a cluster without Istio: undefined.
 * https://istio.io/latest/docs/concepts/security/#auto-mutual-tls
 * https://istio.io/latest/docs/tasks/security/authentication/mtls-migration/
 */
import { matches, selectorFromMap } from '../../lib/labels.ts';
import { findPort } from '../../cluster/index.ts';
import type { SourceRef } from '../../model/diagnostic.ts';
import type { MeshName } from '../../model/mesh.ts';
import { linkerdInboundJudge } from './linkerd/_inbound.ts';
import type { ClusterModel, Pod, Protocol, Service, ServicePort } from '../../model/types.ts';
import { IDENTITY_NOT_KNOWN, type AuthzHttp } from './istio/_authz-match.ts';
import { authorize, policiesFor, type AuthzVerdict } from './istio/_authz.ts';
import { effectiveMtls } from './istio/_mtls.ts';
import { destinationRuleIndex } from './istio/_subsets.ts';
import { clientTls, subsetTls, type ClientTls } from './istio/_client-tls.ts';
import { opaquePort } from './_router.ts';
import { istioAmbient } from './istio/_ambient.ts';
import { ztunnelInbound } from './istio/_ztunnel.ts';
import type { Sidecar } from './types.ts';
import { sidecarTransport, sidecarTransportToPod } from './istio/_sidecar-route.ts';
import { sidecarScope } from './istio/_sidecar-scope.ts';
import { inboundCapture } from './istio/_inbound-capture.ts';

export type { AuthzVerdict } from './istio/_authz.ts';

/** The client of one connection: a pod (meshed or not) or an address outside the mesh. */
export type InboundClient = { readonly pod: Pod } | { readonly ip: string };

export interface InboundQuery {
  readonly client: InboundClient;
  readonly server: Pod;
  /** The workload (container) port. */
  readonly port: number;
  readonly protocol: Protocol;
  /** The Service the client addressed (its DestinationRule and port protocol apply); absent: the pod directly. */
  readonly service?: Service;
  /**
   * The subsets of `service` the client's sidecar route sends this endpoint's traffic through, as the route chose
   * them (an undefined entry: the Service without a subset); absent when no route was followed (reach). Each
   * subset's own trafficPolicy decides the TLS mode of its traffic.
   */
  readonly routedSubsets?: readonly (string | undefined)[];
  /** Judge as if through some Service of the server (auto mTLS, no DestinationRule): what `matrix` assumes. */
  readonly assumeService?: boolean;
  readonly http?: AuthzHttp;
  /** The request was routed by the Istio waypoint of `service` (its GAMMA routes followed, as `trace` does). */
  readonly waypointRouted?: boolean;
}

export interface MtlsHop {
  /** What the client sends: mTLS (with its identity), plaintext, or not known. */
  readonly transport: 'mtls' | 'plaintext' | 'unknown';
  readonly clientIdentity?: string;
  readonly serverIdentity?: string;
  /** Why the client sends that. */
  readonly why: string;
  /** The server port's effective PeerAuthentication mode and what set it. */
  readonly mode: 'STRICT' | 'PERMISSIVE' | 'DISABLE';
  readonly modeBy: string;
  readonly modeSource?: SourceRef;
  readonly refused: boolean;
}

export interface MeshInbound {
  readonly mesh: MeshName;
  readonly mtls: MtlsHop;
  /** Absent when the connection is refused before authorization. */
  readonly authz?: AuthzVerdict;
  readonly allowed: boolean;
  /** The verdict depends on the HTTP request, which was not given. */
  readonly l7: boolean;
  /** What kubetwin does not model that could change this verdict. */
  readonly unknown: readonly string[];
  readonly notes: readonly string[];
  /** One line: `mTLS STRICT refuses plaintext from …`, `allowed by …`. */
  readonly summary: string;
  /** When the client's own proxy refused the connection (an Istio Sidecar's black hole): what to change there. */
  readonly clientFix?: string;
  /**
   * The server's proxy that judged it, when not its sidecar: Istio ambient's ztunnel, or a waypoint and then the
   * server's ztunnel.
   */
  readonly proxy?: 'ztunnel' | 'waypoint';
}

export type InboundJudge = (q: InboundQuery) => MeshInbound | undefined;

/**
 * Whether a TCP Service port sends to the server's container port `q.port`: its targetPort resolved on the pod as
 * the EndpointSlice controller resolves it (podutil.FindPort: a number as is, a name to the container port with
 * that name and the Service port's protocol — a UDP port of the same name is not it).
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/api/v1/pod/util.go
 */
const targetsPort = (p: ServicePort, q: { server: Pod; port: number }) =>
  p.protocol === 'TCP' && findPort(q.server, p.targetPort, p.protocol) === q.port;

/** The Service port a connection to the server's container port `q.port` was addressed to (the first such). */
const servicePortOf = (svc: Service, q: { server: Pod; port: number }) =>
  svc.ports.find((p) => targetsPort(p, q))?.port;

/** What to add to a client's Sidecar so its proxy imports the Services (their `namespace/FQDN` egress hosts). */
const sidecarImportFix = (services: readonly Service[], domain: string) =>
  `import ${services.map((s) => `${s.namespace}/${s.name}`).join(' or ')} in the client's Sidecar (egress hosts ${services.map((s) => `${s.namespace}/${s.name}.${s.namespace}.svc.${domain}`).join(', ')})`;

const strip = (id?: string) => id?.replace(/^spiffe:\/\//, '');

type RoutedTls = ClientTls & { readonly routedDiffer?: string };

/**
 * The TLS mode of the traffic a route sends through `subsets` (its own trafficPolicy per subset, as istiod merges
 * it: istio/_client-tls.ts subsetTls), or undefined when no route was followed. `routedDiffer` lists the modes when
 * the subsets holding the endpoint disagree.
 */
function routedTls(
  dr: Parameters<typeof clientTls>[0],
  port: number | undefined,
  subsets: InboundQuery['routedSubsets'],
): RoutedTls | undefined {
  if (!subsets?.length) return undefined;
  const whole = clientTls(dr, port);
  const each = [...new Set(subsets)].map((s) =>
    s === undefined
      ? { name: '(no subset)', mode: whole.mode, at: whole.at }
      : { name: s, ...subsetTls(dr, port, s) },
  );
  const modes = new Set(each.map((e) => e.mode));
  if (modes.size > 1)
    return {
      subsetsDiffer: [],
      routedDiffer: each.map((e) => `${e.name}: ${e.mode ?? 'auto mTLS'}`).join(', '),
    };
  return { mode: each[0].mode, at: each[0].at, subsetsDiffer: [] };
}

/** The inbound judge of a model's mesh; `sidecar` says which pods carry the proxy. */
export function inboundJudge(model: ClusterModel, sidecar: (pod: Pod) => Sidecar): InboundJudge {
  const mesh = model.mesh;
  if (mesh?.name === 'linkerd') return linkerdInboundJudge(model, sidecar);
  if (mesh?.name !== 'istio') return () => undefined;
  const root = mesh.rootNamespace;
  const drFor = destinationRuleIndex(mesh.destinationRules, model.profile.clusterDomain);
  const applicable = new Map<string, ReturnType<typeof policiesFor>>();
  const policies = (pod: Pod) => {
    let p = applicable.get(pod.key);
    if (!p) applicable.set(pod.key, (p = policiesFor(mesh.authorizationPolicies, root, pod)));
    return p;
  };
  /**
   * A pod an Istio Gateway selects runs the gateway proxy, not a sidecar: PeerAuthentication, which "determines whether
   * or not mTLS is allowed or required for connections to an Envoy proxy sidecar", does not apply to it; its listeners
   * accept what the Gateway's servers say (AuthorizationPolicies still apply). Its Gateway (`ns/name`), else undefined.
   * https://istio.io/latest/docs/reference/config/security/peer_authentication/
   * https://istio.io/latest/docs/reference/config/networking/gateway/#ServerTLSSettings
   */
  const gateways = (mesh.istioGateways ?? [])
    .filter((g) => Object.keys(g.selector).length)
    .map((g) => ({ ref: `${g.namespace}/${g.name}`, sel: selectorFromMap(g.selector) }));
  const gatewayOf = (pod: Pod) =>
    pod.hostNetwork ? undefined : gateways.find((g) => matches(g.sel, pod.labels))?.ref;
  /** Istio proxies a port as TCP when the Service port naming it says so (name prefix or appProtocol). */
  const tcpMemo = new Map<string, boolean>();
  const tcpPort = (q: InboundQuery) => {
    const k = `${q.service?.key ?? ''}|${q.server.key}|${q.port}`;
    let v = tcpMemo.get(k);
    if (v === undefined) tcpMemo.set(k, (v = tcpPortOf(q)));
    return v;
  };
  const tcpPortOf = (q: InboundQuery) => {
    const services = q.service
      ? [q.service]
      : model.services.filter(
          (s) =>
            s.namespace === q.server.namespace &&
            s.selector &&
            matches(selectorFromMap(s.selector), q.server.labels),
        );
    return services.some((s) => s.ports.some((p) => targetsPort(p, q) && !!opaquePort(p)));
  };
  const namespaces = new Map(model.namespaces.map((n) => [n.name, n]));
  const ambientOf = (pod: Pod) => istioAmbient(pod, namespaces.get(pod.namespace));
  /** An ambient server (no sidecar): its ztunnel judges the connection. */
  const ambientServer = (q: InboundQuery): MeshInbound | undefined => {
    const why = ambientOf(q.server);
    return why ? ztunnelInbound({ model, sidecar, ambientOf }, q, why) : undefined;
  };
  /**
   * A server without the proxy still loses what the meshed client's own proxy refuses: a Service its Sidecar does
   * not import, under REGISTRY_ONLY, goes to the BlackHoleCluster (the connection is reset), whatever the server.
   */
  const clientBlackHole = (q: InboundQuery): MeshInbound | undefined => {
    const pod = 'pod' in q.client ? q.client.pod : undefined;
    if (!pod || !sidecar(pod).meshed) return undefined;
    const toPod =
      !q.service && q.assumeService ? sidecarTransportToPod(model, pod, q.server, q.port) : undefined;
    const scoped = q.service ? sidecarTransport(model, pod, q.service, servicePortOf(q.service, q)) : toPod;
    if (scoped?.kind !== 'blackhole') return undefined;
    const left = toPod?.services ?? [q.service!];
    return {
      mesh: 'istio',
      mtls: {
        transport: 'plaintext',
        why: scoped.why,
        mode: 'PERMISSIVE',
        modeBy: `${q.server.namespace}/${q.server.name} has no istio proxy: no PeerAuthentication applies`,
        refused: false,
      },
      allowed: false,
      l7: false,
      unknown: [],
      notes: [],
      summary: `refused by the client's own sidecar: ${scoped.why}`,
      clientFix: sidecarImportFix(left, model.profile.clusterDomain),
    };
  };
  return (q) => {
    if (q.protocol !== 'TCP') return undefined;
    const server = sidecar(q.server);
    if (!server.meshed) return clientBlackHole(q) ?? ambientServer(q);
    const gateway = gatewayOf(q.server);
    const eff = gateway
      ? {
          mode: 'PERMISSIVE' as const,
          by: `no PeerAuthentication (${q.server.namespace}/${q.server.name} runs the gateway proxy of Gateway ${gateway}, whose servers set the TLS it accepts; PeerAuthentication applies to sidecars)`,
          source: undefined,
          notes: [],
        }
      : effectiveMtls(mesh.peerAuthentications, root, q.server, q.port);
    // A port the sidecar's iptables rules do not redirect (rule istio-inbound-capture-annotations) reaches the
    // application directly: neither PeerAuthentication nor AuthorizationPolicy sees it. A gateway proxy captures nothing.
    const capture = gateway ? ({ captured: true } as const) : inboundCapture(q.server, q.port);
    if (capture.captured === false) return clientBlackHole(q);
    const notes = [...eff.notes];
    const unknown: string[] = capture.captured === 'unknown' ? [capture.why] : [];
    // A Sidecar's ingress listeners replace the inbound ports istiod would build (not modeled).
    const own = sidecarScope(model, q.server).sidecar;
    if (own?.ingressPorts.length)
      unknown.push(
        `Sidecar ${own.namespace}/${own.name} declares ingress listeners (ports ${own.ingressPorts.join(', ')}) for ${q.server.namespace}/${q.server.name}: they replace the inbound ports istiod builds, which kubetwin does not model`,
      );
    const clientPod = 'pod' in q.client ? q.client.pod : undefined;
    const client = clientPod ? sidecar(clientPod) : undefined;
    let transport: MtlsHop['transport'];
    let why: string;
    let transportWhy: string | undefined;
    let scoped: ReturnType<typeof sidecarTransport> | ReturnType<typeof sidecarTransportToPod>;
    let clientFix: string | undefined;
    const clientAmbient = clientPod && !client?.meshed ? ambientOf(clientPod) : undefined;
    if (clientPod && clientAmbient) {
      transport = 'unknown';
      why = `the client is in Istio ambient mode (${clientAmbient}): its ztunnel, not modeled by kubetwin, may send HBONE mTLS`;
      transportWhy = why;
    } else if (!clientPod || !client?.meshed) {
      transport = 'plaintext';
      why = clientPod ? `the client has no istio proxy: ${client?.reason}` : 'the client is outside the mesh';
    } else if (
      (q.service && (scoped = sidecarTransport(model, clientPod, q.service, servicePortOf(q.service, q)))) ||
      (!q.service && q.assumeService && (scoped = sidecarTransportToPod(model, clientPod, q.server, q.port)))
    ) {
      // The client's Sidecar leaves the Service (every Service of the server, when none is named) out: no route,
      // no DestinationRule, no auto mTLS.
      const left = 'services' in scoped ? scoped.services : [q.service!];
      const fix = sidecarImportFix(left, model.profile.clusterDomain);
      if (scoped.kind === 'blackhole')
        return {
          mesh: 'istio',
          mtls: {
            transport: 'plaintext',
            why: scoped.why,
            mode: eff.mode,
            modeBy: eff.by,
            modeSource: eff.source,
            refused: false,
          },
          allowed: false,
          l7: false,
          unknown: [],
          notes,
          summary: `refused by the client's own sidecar: ${scoped.why}`,
          clientFix: fix,
        };
      clientFix = fix;
      transport = scoped.kind === 'passthrough' ? 'plaintext' : 'unknown';
      why = scoped.why;
      if (scoped.kind === 'unknown') transportWhy = scoped.why;
    } else if (q.service) {
      const dr = drFor(q.service, clientPod).rule;
      const port = servicePortOf(q.service, q);
      const ct: RoutedTls = routedTls(dr, port, q.routedSubsets) ?? clientTls(dr, port);
      const tls = ct.mode;
      const by = `${dr?.key} ${ct.at}`;
      if (ct.routedDiffer) {
        transport = 'unknown';
        why = `${dr!.key} gives the subsets the route sends this endpoint's traffic through different TLS modes (${ct.routedDiffer})`;
        transportWhy = `${why}: which one a request takes is not known`;
      } else if (ct.subsetsDiffer.length) {
        transport = 'unknown';
        why = `${dr!.key} sets another TLS mode for some subsets (${ct.subsetsDiffer.join(', ')}) than for the host (${tls ?? 'auto mTLS'})`;
        transportWhy = `${why}: the subset a route picks decides what the client sends, and reach does not route (trace from the pod follows the route and decides it)`;
      } else if (tls === 'DISABLE' || tls === 'ISTIO_MUTUAL') {
        transport = tls === 'DISABLE' ? 'plaintext' : 'mtls';
        why = `${by} ${tls}`;
        if (tls === 'ISTIO_MUTUAL' && eff.mode === 'DISABLE')
          unknown.push(
            `${dr!.key} sends mTLS to a port whose mTLS mode is DISABLE (${eff.by}), which kubetwin does not model`,
          );
      } else if (tls) {
        transport = 'unknown';
        why = `${by} ${tls}`;
        unknown.push(`${why} (TLS to the application) is not modeled by kubetwin`);
      } else if (eff.mode === 'DISABLE') {
        transport = 'plaintext';
        why = `auto mTLS: the server port's mode is DISABLE (${eff.by})`;
      } else {
        transport = 'mtls';
        why = `auto mTLS: both sides run the istio proxy${ct.at ? ` (${by} sets no tls)` : ''}`;
      }
    } else if (q.assumeService) {
      transport = eff.mode === 'DISABLE' ? 'plaintext' : 'mtls';
      why =
        eff.mode === 'DISABLE'
          ? `auto mTLS: the server port's mode is DISABLE (${eff.by})`
          : 'auto mTLS: both sides run the istio proxy';
    } else {
      transport = eff.mode === 'DISABLE' ? 'plaintext' : 'unknown';
      why =
        eff.mode === 'DISABLE'
          ? `the server port's mode is DISABLE (${eff.by})`
          : 'addressed to the pod, not through a Service: Istio may send it through its passthrough cluster without mTLS';
    }
    // Said only where it can change the answer: a STRICT port, or a rule that reads the client's identity.
    const transportUnknown =
      transportWhy ??
      `whether ${clientPod?.namespace}/${clientPod?.name}'s proxy uses mTLS for a pod address (not a Service) is not modeled by kubetwin; query the Service instead`;
    const refused = transport === 'plaintext' && eff.mode === 'STRICT';
    if (transport === 'unknown' && eff.mode === 'STRICT')
      unknown.push(
        transportUnknown,
        `the server port is STRICT (${eff.by}): it refuses the connection unless it is mTLS`,
      );
    const mtls: MtlsHop = {
      transport,
      ...(transport === 'mtls' ? { clientIdentity: client?.identity, serverIdentity: server.identity } : {}),
      why,
      mode: eff.mode,
      modeBy: eff.by,
      modeSource: eff.source,
      refused,
    };
    const from = clientPod ? `${clientPod.namespace}/${clientPod.name}` : (q.client as { ip: string }).ip;
    if (refused)
      return {
        mesh: 'istio',
        mtls,
        allowed: false,
        l7: false,
        // A capture list kubetwin cannot read may leave the port to the application: the refusal is not sure.
        unknown: capture.captured === 'unknown' ? [capture.why] : [],
        notes,
        summary: `mTLS STRICT (${eff.by}) refuses plaintext from ${from} (${why})`,
        ...(clientFix ? { clientFix } : {}),
      };
    const authz = authorize(policies(q.server), {
      peer: transport === 'mtls' ? { principal: strip(client?.identity) ?? '' } : transport,
      sourceIp: clientPod ? clientPod.ip : (q.client as { ip: string }).ip,
      destinationIp: q.server.ip,
      port: q.port,
      tcp: tcpPort(q),
      http: q.http,
    });
    notes.push(...authz.notes);
    if (
      transport === 'unknown' &&
      eff.mode !== 'STRICT' &&
      authz.unknown.some((u) => u.endsWith(IDENTITY_NOT_KNOWN))
    )
      unknown.push(transportUnknown);
    const allUnknown = [...new Set([...unknown, ...authz.unknown])].sort();
    return {
      mesh: 'istio',
      mtls,
      authz,
      allowed: authz.allowed,
      l7: authz.l7,
      unknown: allUnknown,
      notes,
      summary: `${authz.allowed ? 'authorized' : 'DENIED'} by the istio sidecar of ${q.server.namespace}/${q.server.name}: ${authz.reason}`,
    };
  };
}

/**
 * Why mesh security objects cannot be judged: Istio's (PeerAuthentication, AuthorizationPolicy) or Linkerd's
 * (Server, ServerAuthorization, AuthorizationPolicy, HTTPRoute) are in the input but kubetwin does not know a
 * mesh runs (no `mesh.name` in the profile, no control plane detected). Undefined when there are none or a
 * mesh is known (the other mesh's objects then have no effect).
 */
export function meshSecurityGap(model: ClusterModel): string | undefined {
  const m = model.mesh;
  if (!m || m.name) return undefined;
  const istio = [...m.peerAuthentications, ...m.authorizationPolicies].map((o) => o.key).sort();
  const l = m.linkerd;
  const linkerd = [...l.servers, ...l.serverAuthorizations, ...l.authorizationPolicies, ...l.httpRoutes]
    .map((o) => o.key)
    .sort();
  const gaps = [
    ...(istio.length ? [`Istio security objects (${istio.join(', ')})`] : []),
    ...(linkerd.length ? [`Linkerd policy objects (${linkerd.join(', ')})`] : []),
  ];
  if (!gaps.length) return undefined;
  return `${gaps.join(' and ')} are in the input but no mesh is known to run: set mesh.name (istio or linkerd) in the profile if one runs`;
}
