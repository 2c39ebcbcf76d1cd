/**
 * The mesh's share of `matrix`: which of the pod pairs the policies allow the server pods' Istio proxies also
 * admit (mTLS mode, then AuthorizationPolicy). Judged per (client identity, server workload shape, port), never
 * per pod pair: clients are keyed by their identity (and address, only when a policy reads addresses), servers by
 * namespace, labels and injection. A cell is assumed addressed through a Service (auto mTLS). Istio only.
 */
import type { ClusterModel, Pod } from '../../model/types.ts';
import type { AuthorizationPolicy } from '../../model/mesh.ts';
import type { InboundJudge } from './_inbound.ts';
import type { Sidecar } from './types.ts';
import { inNetworks } from './linkerd/_authn.ts';
import { istioAmbient } from './istio/_ambient.ts';
import { sidecarScope } from './istio/_sidecar-scope.ts';

export interface MeshMatrix {
  /** Static warnings: what the matrix assumes and which policies it cannot fully judge. */
  readonly warnings: readonly string[];
  /**
   * The allowed pairs left once the mesh judges them, from source group `g` to destination group `G` on a
   * port. `from` and `to` are the same arrays for the same group (and port): their keys are computed once.
   */
  adjust(e: {
    readonly from: readonly Pod[];
    readonly to: readonly Pod[];
    readonly port: number;
    readonly pairs: number;
    readonly allowedPairs: number;
    /** Source and destination are the same group (pairs of a pod with itself are left out). */
    readonly same: boolean;
    /** Whether the policies allow one pod pair (read only for a cell both the policies and the mesh split). */
    readonly allows: (a: Pod, b: Pod) => boolean;
  }): number;
}

const ipKeys = /^(source\.ip|remote\.ip)$/;
const uses = (p: AuthorizationPolicy, test: (field: string) => boolean) =>
  p.rules.some(
    (r) =>
      (r.from ?? []).some((s) => Object.keys(s.fields).some(test)) ||
      (r.to ?? []).some((o) => Object.keys(o.fields).some(test)) ||
      r.when.some((c) => test(c.key)),
  );

/** The overlay, or undefined when no mesh proxy can refuse anything (no Istio, or no security objects). */
export function meshMatrix(
  model: ClusterModel,
  sidecar: (p: Pod) => Sidecar,
  judge: InboundJudge,
): MeshMatrix | undefined {
  const m = model.mesh;
  if (m?.name === 'linkerd') return linkerdMatrix(model, sidecar, judge);
  if (
    m?.name !== 'istio' ||
    (!m.peerAuthentications.length && !m.authorizationPolicies.length && !m.sidecars.length)
  )
    return undefined;
  const aps = m.authorizationPolicies;
  const byIp = aps.some((p) => uses(p, (f) => /ipblocks/i.test(f) || ipKeys.test(f)));
  const byDestIp = aps.some((p) => uses(p, (f) => f === 'destination.ip'));
  const http = aps.filter((p) =>
    uses(p, (f) => /^(not)?(hosts|methods|paths|requestPrincipals)$/i.test(f) || f.startsWith('request.')),
  );
  const partial = aps.filter(
    (p) =>
      p.action === 'CUSTOM' ||
      p.targetRefs ||
      uses(p, (f) => /requestPrincipals/i.test(f) || /^request\.auth|^connection\.|^experimental\./.test(f)),
  );
  const namespaces = new Map(model.namespaces.map((n) => [n.name, n]));
  const ambient = (p: Pod) =>
    !sidecar(p).meshed && istioAmbient(p, namespaces.get(p.namespace)) !== undefined;
  const scoped = m.sidecars.length > 0;
  const ambientNs = [...new Set(model.pods.filter(ambient).map((p) => p.namespace))].sort();
  const warnings = [
    'mesh: cells are judged as if each client addressed the server through a Service (Istio auto mTLS; DestinationRule TLS settings not applied)',
    ...(scoped
      ? [
          "mesh: a meshed client whose Sidecar imports none of the server's Services on a port sends through the PassthroughCluster (plaintext, refused by a STRICT port) or, under REGISTRY_ONLY, the BlackHoleCluster; one that imports any of them is judged through it",
        ]
      : []),
    ...(http.length
      ? [
          `mesh: HTTP rules of ${http.map((p) => p.key).join(', ')} apply: cells count connections that some request may pass; judge one request with reach --http-method/--http-path`,
        ]
      : []),
    ...(partial.length
      ? [
          `unknown: ${partial.map((p) => p.key).join(', ')} use CUSTOM, targetRefs, JWT or other fields kubetwin does not model: cells to the pods they select may be wrong`,
        ]
      : []),
    ...(ambientNs.length
      ? [
          `unknown: pods in Istio ambient mode (namespaces ${ambientNs.join(', ')}) are judged by ztunnel's L4 policy; waypoints, and what a sidecar client sends to an ambient pod (HBONE or not), are not modeled: cells through a waypoint, or from a sidecar to an ambient pod, may be wrong (reach or trace one pair to see why)`,
        ]
      : []),
  ];
  // An ambient client is not a plaintext one: its ztunnel sends HBONE mTLS with the client's identity, which
  // ztunnel's L4 policy reads. A meshed client's Sidecar decides which Services its proxy knows (the rest leave it
  // in plaintext), so it keys the client.
  const clientKey = (p: Pod) => {
    const s = sidecar(p);
    const kind = s.meshed
      ? s.identity
      : ambient(p)
        ? `ambient|${p.namespace}/${p.serviceAccountName}`
        : 'plaintext';
    const scope = scoped && s.meshed ? sidecarScope(model, p) : undefined;
    return `${kind}${byIp ? `|${p.ip}` : ''}${scope ? `|${scope.sidecar?.key ?? ''}|${scope.unsure ?? ''}` : ''}`;
  };
  const serverKey = (p: Pod) =>
    `${p.namespace}|${JSON.stringify(p.labels)}|${p.annotations['sidecar.istio.io/inject'] ?? ''}|${p.annotations['linkerd.io/inject'] ?? ''}|${p.hostNetwork}${byDestIp ? `|${p.ip}` : ''}`;
  return overlay(warnings, clientKey, serverKey, judge);
}

/**
 * Linkerd's overlay: cells judged per (client identity, server shape, port) as Istio's are. Clients are keyed by
 * identity and, when an authorization reads addresses, by address (else by whether they are in the cluster
 * networks); servers also by their ports (a Server names a port by name) and Linkerd's config annotations.
 * Undefined when nothing can deny: no Server and every default policy all-unauthenticated.
 */
function linkerdMatrix(
  model: ClusterModel,
  sidecar: (p: Pod) => Sidecar,
  judge: InboundJudge,
): MeshMatrix | undefined {
  const L = model.mesh!.linkerd;
  const annotated = (a: Readonly<Record<string, string>>) =>
    Object.keys(a).some((k) => k.startsWith('config.linkerd.io/'));
  if (
    !L.servers.length &&
    (L.defaultInboundPolicy === 'all-unauthenticated' || L.defaultInboundPolicy === 'audit') &&
    !model.namespaces.some((n) => annotated(n.annotations)) &&
    !model.pods.some((p) => annotated(p.annotations))
  )
    return undefined;
  const byIp = L.networkAuthentications.length > 0 || L.serverAuthorizations.some((a) => a.client.networks);
  const nets = L.clusterNetworks.map((cidr) => ({ cidr, except: [] }));
  const perRoute =
    L.httpRoutes.length > 0 ||
    (model.routing?.routes ?? []).some((r) => r.parentRefs.some((p) => p.kind === 'Server'));
  const warnings = [
    'mesh: cells are judged by the Linkerd inbound policy of each server port (Servers, authorizations, default policies)',
    ...(perRoute
      ? [
          'mesh: HTTPRoutes parented to Servers authorize per route: cells count connections that some request may pass; judge one request with reach --http-method/--http-path',
        ]
      : []),
  ];
  const clientKey = (p: Pod) => {
    const s = sidecar(p);
    return `${s.meshed ? s.identity : 'plaintext'}|${byIp ? p.ip : inNetworks(p.ip, nets)}|${p.annotations['config.linkerd.io/skip-outbound-ports'] ?? ''}`;
  };
  const config = (p: Pod) =>
    Object.entries(p.annotations)
      .filter(([k]) => k.startsWith('config.linkerd.io/') || k === 'linkerd.io/inject')
      .sort()
      .join(',');
  const serverKey = (p: Pod) =>
    `${p.namespace}|${JSON.stringify(p.labels)}|${config(p)}|${p.hostNetwork}|${p.ports.map((c) => `${c.name ?? ''}:${c.containerPort}`).join(',')}`;
  return overlay(warnings, clientKey, serverKey, judge);
}

/** The matrix overlay over client and server keys: one judgement per (client key, server key, port). */
function overlay(
  warnings: readonly string[],
  clientKey: (p: Pod) => string,
  serverKey: (p: Pod) => string,
  judge: InboundJudge,
): MeshMatrix {
  const memo = new Map<string, boolean>();
  // Per pod list (one per group, or per group and port): the same arrays come back for every row.
  const caches = new Map<(p: Pod) => string, WeakMap<readonly Pod[], Map<string, Pod[]>>>();
  const ids = new Map<string, number>();
  const intern = (k: string) => ids.get(k) ?? (ids.set(k, ids.size), ids.size - 1);
  const keyed = (pods: readonly Pod[], key: (p: Pod) => string) => {
    const cache = caches.get(key) ?? caches.set(key, new WeakMap()).get(key)!;
    let out = cache.get(pods);
    if (out) return out;
    out = new Map<string, Pod[]>();
    for (const p of pods) {
      const k = String(intern(key(p)));
      (out.get(k) ?? out.set(k, []).get(k)!).push(p);
    }
    cache.set(pods, out);
    return out;
  };
  return {
    warnings,
    adjust(e) {
      if (!e.allowedPairs) return 0;
      const clients = keyed(e.from, clientKey);
      const servers = keyed(e.to, serverKey);
      const admits = (ck: string, c: Pod, sk: string, s: Pod) => {
        const k = `${ck}\u0000${sk}\u0000${e.port}`;
        let v = memo.get(k);
        if (v === undefined) {
          const r = judge({
            client: { pod: c },
            server: s,
            port: e.port,
            protocol: 'TCP',
            assumeService: true,
          });
          memo.set(k, (v = r ? r.allowed : true));
        }
        return v;
      };
      let all = true;
      let none = true;
      let allowed = 0;
      for (const [ck, cs] of clients)
        for (const [sk, ss] of servers) {
          const ok = admits(ck, cs[0], sk, ss[0]);
          if (ok) {
            none = false;
            // Pairs of a pod with itself are not pairs.
            let self = 0;
            if (e.same) {
              const set = new Set(ss);
              self = cs.filter((p) => set.has(p)).length;
            }
            allowed += cs.length * ss.length - self;
          } else all = false;
        }
      if (all) return e.allowedPairs;
      if (none) return 0;
      // Mixed: exact when the policies allowed every pair; else pair by pair, for this cell only.
      if (e.allowedPairs === e.pairs) return allowed;
      let n = 0;
      for (const [ck, cs] of clients)
        for (const [sk, ss] of servers)
          if (admits(ck, cs[0], sk, ss[0]))
            for (const a of cs) for (const b of ss) if (a !== b && e.allows(a, b)) n++;
      return n;
    },
  };
}
