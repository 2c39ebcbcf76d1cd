/**
 * What a server pod's Linkerd proxy decides about one inbound connection or request. Transport: Linkerd's
 * automatic mTLS between meshed pods (a client without the proxy sends plaintext and has no identity). Then
 * the inbound policy of the port: a `Server` selecting the pod's port denies everything no authorization
 * (ServerAuthorization, AuthorizationPolicy on the Server, on its Namespace or on the HTTPRoute a request
 * matches) admits; a request no HTTPRoute of such a Server matches gets 404. A port without a Server follows
 * the default inbound policy: the pod's `config.linkerd.io/default-inbound-policy` annotation, else its
 * namespace's, else the cluster's (`mesh.defaultInboundPolicy`, all-unauthenticated).
 * https://linkerd.io/2.15/features/server-policy/
 * https://linkerd.io/2.15/reference/authorization-policy/
 * https://linkerd.io/2.15/tasks/configuring-per-route-policy/
 */
import { matches } from '../../../lib/labels.ts';
import {
  linkerdDefaultPolicies,
  type LinkerdDefaultPolicy,
  type LinkerdServer,
} from '../../../model/mesh.ts';
import type { HTTPRoute, HttpRequest } from '../../../model/routing.ts';
import type { ClusterModel, Pod } from '../../../model/types.ts';
import { matchFailure, matchRank } from '../../gateway/index.ts';
import type { AuthzVerdict, InboundJudge, MeshInbound, MtlsHop } from '../_inbound.ts';
import type { Sidecar } from '../types.ts';
import {
  inNetworks,
  policyAdmits,
  serverAuthorizationAdmits,
  type Admission,
  type LinkerdClient,
} from './_authn.ts';

const policyAnnotation = 'config.linkerd.io/default-inbound-policy';
const requireIdAnnotation = 'config.linkerd.io/proxy-require-identity-inbound-ports';
export const skipAnnotation = 'config.linkerd.io/skip-inbound-ports';
export const skipOutAnnotation = 'config.linkerd.io/skip-outbound-ports';

/** `8080,9000-9010` → whether `port` is listed. */
export function portListed(list: string | undefined, port: number): boolean {
  if (!list) return false;
  return list.split(',').some((p) => {
    const [a, b] = p.trim().split('-').map(Number);
    return b === undefined ? a === port : port >= a && port <= b;
  });
}

/**
 * Whether a Server's `port` (number, or a container port name) names the pod's `port`. A name selects the pod's
 * container ports of that name with protocol TCP only, as the policy controller's tcp_ports_by_name reads them
 * (linkerd/linkerd2 policy-controller/k8s/index/src/inbound/pod.rs): a UDP port of the same name is not it.
 * https://linkerd.io/2.15/reference/authorization-policy/#server
 */
export const serverPort = (s: LinkerdServer, pod: Pod, port: number) =>
  typeof s.port === 'number'
    ? s.port === port
    : pod.ports.some((c) => c.name === s.port && c.protocol === 'TCP' && c.containerPort === port);

interface Route {
  readonly route: HTTPRoute;
  readonly group: string;
}

type Verdict = Pick<AuthzVerdict, 'allowed' | 'policy' | 'source' | 'reason' | 'l7' | 'unknown' | 'notes'>;

/** The inbound judge for a cluster running Linkerd; `sidecar` says which pods carry the proxy. */
export function linkerdInboundJudge(model: ClusterModel, sidecar: (pod: Pod) => Sidecar): InboundJudge {
  const L = model.mesh!.linkerd;
  const domain = model.profile.clusterDomain;
  const cluster = L.clusterNetworks.map((cidr) => ({ cidr, except: [] }));
  const namespaces = new Map(model.namespaces.map((n) => [n.name, n]));
  const routes: Route[] = [
    ...L.httpRoutes.map((route) => ({ route, group: 'policy.linkerd.io' })),
    ...(model.routing?.routes ?? [])
      .filter((r) => r.kind === 'HTTPRoute')
      .map((route) => ({ route, group: 'gateway.networking.k8s.io' })),
  ];
  const routesOf = (s: LinkerdServer) =>
    routes.filter(
      ({ route }) =>
        route.namespace === s.namespace &&
        route.parentRefs.some(
          (p) =>
            p.kind === 'Server' &&
            p.group === 'policy.linkerd.io' &&
            p.name === s.name &&
            (p.namespace ?? route.namespace) === s.namespace,
        ),
    );
  /** Authorizations that apply to all traffic of a Server. */
  const serverWide = (s: LinkerdServer) => ({
    sas: L.serverAuthorizations.filter(
      (a) =>
        a.namespace === s.namespace &&
        (a.server.name === s.name || (a.server.selector && matches(a.server.selector, s.labels))),
    ),
    aps: L.authorizationPolicies.filter(
      (p) =>
        p.namespace === s.namespace &&
        ((p.targetRef.kind === 'Server' &&
          p.targetRef.group === 'policy.linkerd.io' &&
          p.targetRef.name === s.name) ||
          (p.targetRef.kind === 'Namespace' && p.targetRef.group === '' && p.targetRef.name === s.namespace)),
    ),
  });
  const routePolicies = (r: Route) =>
    L.authorizationPolicies.filter(
      (p) =>
        p.namespace === r.route.namespace &&
        p.targetRef.kind === 'HTTPRoute' &&
        p.targetRef.name === r.route.name &&
        p.targetRef.group === r.group,
    );

  /** The first authorization that admits, else the unknowns, else no. */
  const admit = (
    s: LinkerdServer,
    c: LinkerdClient,
    extra: ReturnType<typeof routePolicies>,
  ): { a: Admission; by?: { key: string; source?: AuthzVerdict['source'] }; misses: string[] } => {
    const { sas, aps } = serverWide(s);
    const judged = [
      ...[...extra, ...aps].map((p) => ({ a: policyAdmits(p, c, L, domain), by: p })),
      ...sas.map((a) => ({ a: serverAuthorizationAdmits(a, c, cluster, domain), by: a })),
    ];
    const yes = judged.find((j) => j.a.t === 'yes');
    if (yes) return { a: yes.a, by: yes.by, misses: [] };
    const maybe = judged.filter((j) => j.a.t === 'unknown');
    if (maybe.length)
      return { a: { t: 'unknown', why: maybe.map((m) => m.a.why).join('; ') }, by: maybe[0].by, misses: [] };
    return { a: { t: 'no', why: '' }, misses: judged.map((j) => j.a.why) };
  };

  const byDefault = (
    policy: LinkerdDefaultPolicy,
    by: string,
    c: LinkerdClient,
    requireId: boolean,
  ): Verdict => {
    const p =
      requireId && policy === 'all-unauthenticated'
        ? 'all-authenticated'
        : requireId && policy === 'cluster-unauthenticated'
          ? 'cluster-authenticated'
          : policy;
    const req =
      p !== policy ? ` (${policy}, with identity required on this port by ${requireIdAnnotation})` : '';
    const inCluster = inNetworks(c.ip, cluster);
    const ok =
      p === 'all-unauthenticated' || p === 'audit'
        ? true
        : p === 'all-authenticated'
          ? !!c.identity
          : p === 'cluster-authenticated'
            ? !!c.identity && inCluster
            : p === 'cluster-unauthenticated'
              ? inCluster
              : false;
    const why = ok
      ? `default inbound policy ${p}${req} (${by}) admits it`
      : p === 'deny'
        ? `default inbound policy deny (${by}) denies everything no Server authorizes`
        : !c.identity && p.endsWith('-authenticated')
          ? `default inbound policy ${p}${req} (${by}) admits only meshed (mTLS) clients; the client sends plaintext`
          : `default inbound policy ${p}${req} (${by}) admits only clients in the cluster networks (${L.clusterNetworks.join(', ')}); the source ${c.ip ?? '(unknown)'} is outside`;
    return {
      allowed: ok,
      reason: why,
      l7: false,
      unknown: [],
      notes: p === 'audit' ? ['default inbound policy audit: requests are allowed and flagged in logs'] : [],
    };
  };

  const bad = (v: string | undefined) =>
    v !== undefined && !(linkerdDefaultPolicies as readonly string[]).includes(v);

  return (q) => {
    if (q.protocol !== 'TCP') return undefined;
    const pod = q.server;
    const server = sidecar(pod);
    if (!server.meshed) return undefined;
    const ns = namespaces.get(pod.namespace);
    // The proxy does not see connections to skipped ports.
    if (portListed(pod.annotations[skipAnnotation] ?? ns?.annotations[skipAnnotation], q.port))
      return undefined;
    const clientPod = 'pod' in q.client ? q.client.pod : undefined;
    const client = clientPod ? sidecar(clientPod) : undefined;
    const skipOut = clientPod && portListed(clientPod.annotations[skipOutAnnotation], q.port);
    const mtls = !!client?.meshed && !skipOut;
    const hop: MtlsHop = {
      transport: mtls ? 'mtls' : 'plaintext',
      ...(mtls ? { clientIdentity: client!.identity, serverIdentity: server.identity } : {}),
      why: mtls
        ? "Linkerd's automatic mTLS: both sides run the linkerd proxy"
        : skipOut
          ? `the client's proxy skips port ${q.port} (${skipOutAnnotation})`
          : clientPod
            ? `the client has no linkerd proxy: ${client?.reason}`
            : 'the client is outside the mesh',
      mode: 'PERMISSIVE',
      modeBy: 'the linkerd proxy (it accepts mTLS and plaintext; its inbound policy decides)',
      refused: false,
    };
    const c: LinkerdClient = {
      ...(mtls ? { identity: client!.identity } : {}),
      ip: clientPod ? clientPod.ip : (q.client as { ip: string }).ip,
    };
    const notes: string[] = [];
    const servers = L.servers
      .filter(
        (s) =>
          s.namespace === pod.namespace && matches(s.podSelector, pod.labels) && serverPort(s, pod, q.port),
      )
      .sort(
        (a, b) =>
          (a.creationTimestamp ?? '9999').localeCompare(b.creationTimestamp ?? '9999') ||
          a.key.localeCompare(b.key),
      );
    let v: Verdict;
    let policies: string[];
    if (!servers.length) {
      const onPod = pod.annotations[policyAnnotation];
      const onNs = ns?.annotations[policyAnnotation];
      const [value, by] =
        onPod !== undefined
          ? [onPod, `pod annotation ${policyAnnotation}`]
          : onNs !== undefined
            ? [onNs, `namespace ${pod.namespace} annotation ${policyAnnotation}`]
            : [L.defaultInboundPolicy, 'the cluster default, mesh.defaultInboundPolicy'];
      policies = [];
      if (bad(value))
        v = {
          allowed: true,
          reason: `${by} is "${value}", not a policy Linkerd knows`,
          l7: false,
          unknown: [
            `${by} "${value}" is not one of ${linkerdDefaultPolicies.join(', ')}: what the proxy does is not modeled by kubetwin`,
          ],
          notes: [],
        };
      else {
        const requireId = portListed(
          pod.annotations[requireIdAnnotation] ?? ns?.annotations[requireIdAnnotation],
          q.port,
        );
        v = byDefault(value as LinkerdDefaultPolicy, by, c, requireId);
      }
    } else {
      const s = servers[0];
      if (servers.length > 1)
        notes.push(
          `${servers.length} Servers select this pod port (${servers.map((x) => x.key).join(', ')}); Linkerd's admission webhook refuses overlapping Servers — kubetwin takes ${s.key}`,
        );
      const rs = routesOf(s);
      const wide = serverWide(s);
      policies = [s.key, ...wide.aps.map((p) => p.key), ...wide.sas.map((a) => a.key)];
      const denied = (why: string, misses: string[]): Verdict => ({
        allowed: false,
        policy: s.key,
        source: s.source,
        reason: `${s.key} selects port ${q.port}: ${why}${misses.length ? ` (${misses.join('; ')})` : ''}`,
        l7: false,
        unknown: [],
        notes: [],
      });
      const fromAdmission = (r: ReturnType<typeof admit>, route?: string): Verdict | undefined =>
        r.a.t === 'yes'
          ? {
              allowed: true,
              policy: r.by!.key,
              source: r.by!.source,
              reason: `${r.a.why}${route ? ` on ${route}` : ''} (${s.key})`,
              l7: false,
              unknown: [],
              notes: [],
            }
          : r.a.t === 'unknown'
            ? {
                allowed: true,
                policy: r.by!.key,
                source: r.by!.source,
                reason: `${r.by!.key} may admit it`,
                l7: false,
                unknown: [r.a.why],
                notes: [],
              }
            : undefined;
      const access = s.accessPolicy && s.accessPolicy !== 'deny' ? s.accessPolicy : undefined;
      const fallback = (misses: string[]): Verdict =>
        access
          ? byDefault(access, `${s.key} spec.accessPolicy`, c, false)
          : denied('no authorization admits the client', misses);
      if (!rs.length) {
        const r = admit(s, c, []);
        v = fromAdmission(r) ?? fallback(r.misses);
      } else if (q.http) {
        const [path, query = ''] = q.http.path.split('?');
        const req: HttpRequest = {
          scheme: 'http',
          host: '',
          port: q.port,
          path,
          query: query
            ? query.split('&').map((kv) => kv.split('=') as unknown as readonly [string, string])
            : [],
          method: q.http.method.toUpperCase(),
          headers: Object.fromEntries(
            Object.entries(q.http.headers ?? {}).map(([k, x]) => [k.toLowerCase(), x]),
          ),
        };
        const hits = rs
          .flatMap((r) =>
            r.route.rules.flatMap((rule) =>
              rule.matches
                .filter((m) => !matchFailure(m, req, false))
                .map((m) => ({ r, rank: matchRank(m, r.route.kind) })),
            ),
          )
          .sort((a, b) => {
            for (let i = 0; i < a.rank.length; i++) if (a.rank[i] !== b.rank[i]) return a.rank[i] - b.rank[i];
            return (
              (a.r.route.creationTimestamp ?? '9999').localeCompare(b.r.route.creationTimestamp ?? '9999') ||
              a.r.route.key.localeCompare(b.r.route.key)
            );
          });
        if (!hits.length)
          v = denied(
            `no HTTPRoute of it (${rs.map((r) => r.route.key).join(', ')}) matches ${req.method} ${path}: the proxy answers 404`,
            [],
          );
        else {
          const r = hits[0].r;
          policies.push(r.route.key, ...routePolicies(r).map((p) => p.key));
          const a = admit(s, c, routePolicies(r));
          v =
            fromAdmission(a, r.route.key) ??
            denied(
              `no authorization of route ${r.route.key} or of the Server admits the client: the proxy answers 403`,
              a.misses,
            );
        }
      } else {
        const per = rs.map((r) => ({ r, a: admit(s, c, routePolicies(r)) }));
        const ok = per.filter((p) => p.a.a.t !== 'no');
        if (!ok.length)
          v = denied(
            `no authorization of its HTTPRoutes (${rs.map((r) => r.route.key).join(', ')}) or of the Server admits the client`,
            [],
          );
        else {
          const first = fromAdmission(ok[0].a, ok[0].r.route.key)!;
          v = {
            ...first,
            l7: true,
            reason: `${first.reason}; other requests may be denied (per-route authorization: give --http-method/--http-path)`,
          };
        }
        policies.push(...rs.map((r) => r.route.key));
      }
      if (s.proxyProtocol === 'opaque' && rs.length)
        notes.push(
          `${s.key} proxyProtocol is opaque: its HTTPRoutes do not apply to TCP traffic, which kubetwin does not model`,
        );
    }
    const authz: AuthzVerdict = { ...v, notes: [...v.notes], policies: [...new Set(policies)].sort() };
    const from = clientPod ? `${clientPod.namespace}/${clientPod.name}` : c.ip;
    const out: MeshInbound = {
      mesh: 'linkerd',
      mtls: hop,
      authz,
      allowed: v.allowed,
      l7: v.l7,
      unknown: [...v.unknown].sort(),
      notes: [...notes, ...v.notes],
      summary: `${v.allowed ? 'authorized' : 'DENIED'} by the linkerd proxy of ${pod.namespace}/${pod.name} for ${from}: ${v.reason}`,
    };
    return out;
  };
}
