/**
 * North-south through the Istio ingress gateway: the Istio `Gateway` servers listening on the request's port
 * on the gateway pods (picked by `selector`), the server whose hosts cover the request's Host, then the
 * VirtualServices bound to that Gateway for that host, evaluated by the shared mesh router.
 * https://istio.io/latest/docs/reference/config/networking/gateway/
 * https://istio.io/latest/docs/tasks/traffic-management/ingress/ingress-control/
 */
import { boundHosts, intersectHosts, splitServerHost } from '../../../cluster/mesh-config/index.ts';
import type { IstioGateway, IstioGatewayServer, VirtualService } from '../../../model/mesh.ts';
import type { ClusterModel, Pod, Service } from '../../../model/types.ts';
import { matches, selectorFromMap } from '../../../lib/labels.ts';
import { findPort } from '../../../cluster/index.ts';
import type { MeshProfile } from '../_profile.ts';
import { destinations, evaluateTable, mirrorDestinations, sidecarOutcome } from '../_router.ts';
import type { MeshDecision, MeshRequest, MeshRouteTable } from '../types.ts';
import { age, virtualServiceRules } from './_routes.ts';
import { autoPassthrough, gatewayL4, onlyPort } from './_gateway-l4.ts';

/** The ingress gateway's answer: which Gateway and server took the request, then the mesh decision. */
export interface IstioGatewayAnswer {
  /** `namespace/name` of the Gateway whose server took the request. */
  readonly gateway?: string;
  /** `spec.servers[0] (port 80 HTTP, hosts *)`. */
  readonly server?: string;
  /** The gateway proxy pods (`ns/name`), sorted. */
  readonly pods: readonly string[];
  /** The Service in front of the gateway pods (`ns/name`), when the input has one. */
  readonly service?: string;
  /** TLS at the gateway, in words, when the server terminates or passes through TLS. */
  readonly tls?: string;
  /** The connection or request is not served at all (no pod, no listener, no certificate): why. */
  readonly refused?: string;
  /** What kubetwin does not model decides the answer: why (the verdict is unknown). */
  readonly unknown?: string;
  readonly decision?: MeshDecision;
  readonly notes: readonly string[];
}

const httpLike = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB']);
/** Server protocols the gateway proxies as opaque TCP (VirtualService `tcp` rules). */
const tcpLike = new Set(['TCP', 'MONGO', 'MYSQL', 'REDIS']);
const describeServer = (s: IstioGatewayServer) =>
  `spec.servers[${s.index}] (port ${s.port} ${s.protocol}${s.tls ? ` tls ${s.tls.mode}` : ''}, hosts ${s.hosts.join(', ')})`;
/** Per model, compiled once: each Gateway's proxy pods and the VirtualService rule compiler. */
const compiled = new WeakMap<
  ClusterModel,
  { pods: Map<string, Pod[]>; rules: ReturnType<typeof virtualServiceRules> }
>();
const of = (model: ClusterModel) => {
  let c = compiled.get(model);
  if (!c) {
    const rules = virtualServiceRules(model.services, model.profile.clusterDomain, {
      entries: model.mesh?.serviceEntries ?? [],
      virtualServices: model.mesh?.virtualServices ?? [],
    });
    compiled.set(model, (c = { pods: new Map(), rules }));
  }
  return c;
};
function podsOf(model: ClusterModel, gw: IstioGateway): Pod[] {
  const cache = of(model).pods;
  let pods = cache.get(gw.key);
  if (!pods) {
    const sel = selectorFromMap(gw.selector);
    pods = Object.keys(gw.selector).length
      ? model.pods.filter((p) => p.ip && !p.hostNetwork && matches(sel, p.labels))
      : [];
    cache.set(gw.key, pods);
  }
  return pods;
}
const specificity = (h: string) => (h.startsWith('*') ? h.length : 1e6);

/**
 * Routes one request arriving at the ingress gateway. `gateway` (`ns/name`) names the Istio Gateway whose pods
 * receive it; without it every Gateway is a candidate. All Gateways selecting the same pods share their
 * listeners (Envoy merges them). A server's `port.number` is the gateway Service's port (istiod listens on its
 * targetPort) or the pod port; a VirtualService binds when its `gateways` name the Gateway, it is exported to
 * the Gateway's namespace, the server host's `ns/` prefix admits its namespace, and a host intersects.
 * VirtualServices bound to one gateway host are merged in creation order (Istio merges them at gateways only:
 * https://istio.io/latest/docs/ops/best-practices/traffic-management/#split-virtual-services).
 */
export function istioGatewayRoute(
  model: ClusterModel,
  profile: MeshProfile | undefined,
  req: MeshRequest,
  gateway?: string,
): IstioGatewayAnswer {
  const notes: string[] = [
    'Gateway selectors are matched against pods in every namespace (PILOT_SCOPE_GATEWAY_TO_NAMESPACE unset, its default)',
    // Which VirtualServices bind to the Gateway depends on their exportTo (istio/_gateway-bind).
    ...(model.mesh?.exportToAssumed ? [model.mesh.exportToAssumed] : []),
  ];
  const all = model.mesh?.istioGateways ?? [];
  const named = gateway ? all.find((g) => `${g.namespace}/${g.name}` === gateway) : undefined;
  if (gateway && !named)
    return { pods: [], notes, refused: `no Istio Gateway ${gateway} among the manifests` };
  if (!all.length)
    return { pods: [], notes, refused: 'no Istio Gateway (networking.istio.io) among the manifests' };
  if (model.mesh?.name !== 'istio')
    notes.push(
      'Istio is not known to run here (set mesh.name: istio in the profile): answered as Istio would',
    );
  const pods = named ? podsOf(model, named) : [];
  if (named && !pods.length)
    return {
      gateway,
      pods: [],
      notes,
      refused: `the selector of Gateway ${gateway} (${
        Object.entries(named.selector)
          .map(([k, v]) => `${k}=${v}`)
          .join(',') || 'empty'
      }) matches no pod: no proxy serves its servers`,
    };
  const keys = new Set(pods.map((p) => p.key));
  // Every Gateway whose selector picks the same proxies contributes servers to their listeners.
  const sharing = all.filter((g) => {
    const ps = podsOf(model, g);
    return ps.length > 0 && (!named || ps.some((p) => keys.has(p.key)));
  });
  if (!sharing.length) return { pods: [], notes, refused: 'no Istio Gateway selects a running pod' };
  const podsBy = new Map(sharing.map((g) => [g.key, podsOf(model, g)]));
  const fronts = new Map(sharing.map((g) => [g.key, frontService(model, podsBy.get(g.key)!, req.port)]));
  const onPort = sharing.flatMap((g) =>
    g.servers
      .filter((s) => s.port === req.port || s.port === fronts.get(g.key)?.targetPort)
      .map((s) => ({ g, s })),
  );
  const baseOf = (g: IstioGateway) => {
    const front = fronts.get(g.key);
    return {
      pods: [...new Set(podsBy.get(g.key)!.map((p) => `${p.namespace}/${p.name}`))].sort(),
      service: front ? `${front.svc.namespace}/${front.svc.name}` : undefined,
    };
  };
  let base = baseOf(named ?? sharing[0]);
  let gwPods = podsBy.get((named ?? sharing[0]).key)!;
  const front = fronts.get((named ?? sharing[0]).key);
  if (!onPort.length)
    return {
      ...base,
      notes,
      refused: `no server of ${sharing.map((g) => `Gateway ${g.namespace}/${g.name}`).join(', ')} listens on port ${req.port}${front?.targetPort !== undefined ? ` (target port ${front.targetPort})` : ''}: the connection is refused`,
    };
  const host = req.host.toLowerCase();
  const tlsWanted = req.scheme === 'https';
  // A TLS connection picks its server by SNI (the gateway's filter chains match server names); plain HTTP by
  // Host. A TCP server carries neither: it takes every connection on its port.
  const name = tlsWanted && req.sni ? req.sni : host;
  const covering = onPort.filter(
    ({ g, s }) =>
      tcpLike.has(s.protocol) ||
      s.hosts.some((h) => intersectHosts(splitServerHost(h, g.namespace).host, name) === name),
  );
  const fitting = covering.filter(
    ({ s }) => tcpLike.has(s.protocol) || (tlsWanted ? !httpLike.has(s.protocol) : httpLike.has(s.protocol)),
  );
  if (!fitting.length) {
    if (covering.length && tlsWanted)
      return {
        ...base,
        notes,
        refused: `the server on port ${req.port} for ${host} is plain ${covering[0].s.protocol}: a TLS handshake fails`,
      };
    if (covering.length)
      return {
        ...base,
        notes,
        refused: `the server on port ${req.port} for ${host} expects ${covering[0].s.protocol} (TLS): a plain HTTP request fails`,
      };
    if (tlsWanted && onPort.some(({ s }) => !httpLike.has(s.protocol)))
      return {
        ...base,
        notes,
        refused: `no server on port ${req.port} lists the SNI ${name}: no filter chain matches and the TLS handshake fails`,
      };
    return {
      ...base,
      notes: [...notes, `no server on port ${req.port} lists host ${host}`],
      decision: answered(req, gwPods[0], 'Istio ingress gateway', 404, [
        ...notes,
        `no server on port ${req.port} lists host ${host}: the gateway answers 404`,
      ]),
    };
  }
  const [{ g, s }] = fitting;
  base = baseOf(g);
  gwPods = podsBy.get(g.key)!;
  const gwRef = `${g.namespace}/${g.name}`;
  const at = { gateway: gwRef, server: describeServer(s), ...base };
  if (fitting.length > 1)
    notes.push(
      `${fitting.length} servers on port ${req.port} list ${host}; kubetwin takes ${gwRef} ${describeServer(s)} (Istio reports conflicting servers as IST0145)`,
    );
  let tls: string | undefined;
  if (s.tls?.httpsRedirect && !tlsWanted) {
    const location = `https://${host}${req.path}`;
    return {
      ...at,
      notes,
      decision: {
        ...answered(req, gwPods[0], `Istio Gateway ${gwRef}`, 301, [
          ...notes,
          'tls.httpsRedirect: every plain HTTP request gets a 301 to https',
        ]),
        redirect: { status: 301, location },
      },
    };
  }
  const l4 = (kind: 'tcp' | 'tls', tlsText?: string): IstioGatewayAnswer => {
    const decision = gatewayL4(model, profile, g, s, req, kind, gwPods[0], notes);
    return { ...at, ...(tlsText ? { tls: tlsText } : {}), notes, decision };
  };
  if (tcpLike.has(s.protocol)) return l4('tcp');
  if (tlsWanted && s.tls) {
    if (s.tls.mode === 'PASSTHROUGH')
      return l4('tls', `TLS PASSTHROUGH: the gateway routes by SNI ${req.sni ?? host} without terminating`);
    if (s.tls.mode === 'AUTO_PASSTHROUGH')
      return {
        ...at,
        tls: 'TLS AUTO_PASSTHROUGH: the SNI names the destination cluster; no VirtualService is consulted',
        notes,
        decision: autoPassthrough(model, profile, req, gwPods[0], notes),
      };
    const secretNs = gwPods[0].namespace;
    const name = s.tls.credentialName;
    const found = name && model.routing?.tlsSecrets.some((x) => x.namespace === secretNs && x.name === name);
    tls = name
      ? `TLS ${s.tls.mode} terminated with credentialName ${name}: Secret ${secretNs}/${name} (the gateway pod's namespace) ${found ? 'found' : 'not found'}`
      : `TLS ${s.tls.mode} with a certificate file on the gateway pod (not checked)`;
    if (name && !found)
      return {
        ...at,
        notes,
        tls,
        refused: `Secret ${secretNs}/${name} (credentialName) is not among the manifests: the gateway has no certificate for ${host} and the TLS handshake fails`,
      };
    if (s.tls.mode === 'MUTUAL' || s.tls.mode === 'OPTIONAL_MUTUAL')
      notes.push(
        `tls.mode ${s.tls.mode}: the client's certificate is checked against ${name}-cacert or the Secret's ca.crt (assumed valid)`,
      );
    if (s.tls.mode === 'ISTIO_MUTUAL')
      notes.push('tls.mode ISTIO_MUTUAL: only mesh workloads with an Istio certificate can connect');
  }
  const domain = model.profile.clusterDomain;
  const candidates = (model.mesh?.virtualServices ?? []).flatMap((vs) =>
    boundHosts(vs, g, s, domain)
      .filter((h) => intersectHosts(h, host) === host)
      .map((h) => ({ vs, h })),
  );
  if (!candidates.length)
    return {
      ...at,
      tls,
      notes,
      decision: answered(req, gwPods[0], `Istio Gateway ${gwRef}`, 404, [
        ...notes,
        `no VirtualService bound to ${gwRef} serves ${host}: the gateway answers 404`,
      ]),
    };
  const best = Math.max(...candidates.map((c) => specificity(c.h)));
  const chosen: VirtualService[] = [
    ...new Set(candidates.filter((c) => specificity(c.h) === best).map((c) => c.vs)),
  ].sort((a, b) => (age(a) < age(b) ? -1 : 1));
  if (chosen.length > 1)
    notes.push(
      `${chosen.map((v) => v.key).join(', ')} bind the same host at ${gwRef}: Istio merges their rules in creation order`,
    );
  const compiledVs = chosen.map(of(model).rules);
  notes.push(...compiledVs.flatMap((c) => c.notes));
  const table: MeshRouteTable = {
    by: `Istio Gateway ${gwRef} + VirtualService ${chosen.map((v) => `${v.namespace}/${v.name}`).join(', ')}`,
    rules: compiledVs.flatMap((c) => c.rules),
    notes: [],
  };
  const client = gwPods[0];
  const common = { mesh: 'istio' as const, client: `${client.namespace}/${client.name}`, clientMeshed: true };
  const evaluated = evaluateTable(table, req, { pod: client, gateway: gwRef }, true);
  const outcome = sidecarOutcome(common, table.by, evaluated, notes);
  if ('answered' in outcome) {
    const said = outcome.answered.notes.map((n) => n.replace('the sidecar answers', 'the gateway answers'));
    return { ...at, tls, notes, decision: { ...outcome.answered, notes: [...new Set(said)] } };
  }
  const { forward: a, won, lost } = outcome;
  const targets = a.targets.map((t) => ({ ...t, port: t.port ?? onlyPort(model, t.namespace, t.name) }));
  const ds = destinations(model, profile, targets, req.port, client, notes);
  const usable = ds.filter((d) => !d.problem && d.weight > 0);
  return {
    ...at,
    tls,
    notes,
    decision: {
      ...common,
      by: table.by,
      status: usable.length ? 200 : 503,
      winner: won,
      lost,
      destinations: ds,
      rewrittenPath: a.rewrittenPath,
      rewrittenHost: a.rewrittenHost,
      timeout: a.timeout,
      retries: a.retries,
      ...mirrorDestinations(model, profile, a.mirrors, req.port, client),
      ...(a.sometimes ? { sometimes: a.sometimes } : {}),
      notes: [...new Set(notes)],
    },
  };
}

function answered(req: MeshRequest, pod: Pod, by: string, status: number, notes: string[]): MeshDecision {
  return {
    mesh: 'istio',
    client: `${pod.namespace}/${pod.name}`,
    clientMeshed: true,
    by,
    status,
    lost: [],
    destinations: [],
    notes: [...new Set(notes)],
  };
}

/** The Service in front of the gateway pods with `port` (the LoadBalancer, usually), and its numeric targetPort. */
function frontService(
  model: ClusterModel,
  pods: readonly Pod[],
  port: number,
): { svc: Service; targetPort?: number } | undefined {
  for (const svc of model.services) {
    if (!svc.selector || !Object.keys(svc.selector).length) continue;
    const sel = selectorFromMap(svc.selector);
    if (!pods.some((p) => p.namespace === svc.namespace && matches(sel, p.labels))) continue;
    const sp = svc.ports.find((p) => p.port === port && p.protocol === 'TCP');
    if (!sp) continue;
    // Resolved as the EndpointSlice controller resolves it (podutil.FindPort: the name with the port's protocol).
    return { svc, targetPort: findPort(pods[0], sp.targetPort, sp.protocol) };
  }
  return undefined;
}
