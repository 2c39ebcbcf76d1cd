/**
 * Istio's `Sidecar` as istiod applies it (its SidecarScope): which Sidecar a proxy takes, which hosts its egress
 * listener for a port imports, and what the proxy does with the rest — ALLOW_ANY sends it to the PassthroughCluster
 * (plain TCP to the address the application dialed: no routes, no mTLS), REGISTRY_ONLY to the BlackHoleCluster.
 * Facts from istio/istio `pilot/pkg/model/sidecar.go` (ConvertToSidecarScope, selectServices, GetEgressListenerForRDS),
 * `push_context.go` (initSidecarScopes, getSidecarScope), `virtualservice.go` (SelectVirtualServices) and
 * https://istio.io/latest/docs/reference/config/networking/sidecar/. Pure.
 */
import { matches, selectorFromMap } from '../../../lib/labels.ts';
import type { IstioSidecar, IstioSidecarEgress } from '../../../model/mesh.ts';
import type { ClusterModel, Pod } from '../../../model/types.ts';

export type OutboundMode = 'ALLOW_ANY' | 'REGISTRY_ONLY';

/** The Sidecar a proxy takes, with the outbound policy in effect. */
export interface SidecarScope {
  /** Undefined: no Sidecar applies (istiod's default scope: every host exported to the namespace). */
  readonly sidecar?: IstioSidecar;
  /** The client pod's namespace: `.` in hosts means it, also for the root namespace's Sidecar. */
  readonly namespace: string;
  readonly mode: OutboundMode;
  /** What set `mode`: `Sidecar ns/name outboundTrafficPolicy`, meshConfig (the profile), or Istio's default. */
  readonly modeBy: string;
  /** Why the Sidecar taken is not certain (istio.io: behaviour undefined for two candidates). */
  readonly unsure?: string;
}

/** Is a host import decided, and how. */
export type Imported =
  | { readonly imported: true }
  | { readonly imported: false; readonly why: string }
  | { readonly imported: 'unknown'; readonly why: string };

const age = (s: IstioSidecar) => [s.creationTimestamp ?? '9999', s.name].join('/');
const label = (s: IstioSidecar) => `Sidecar ${s.namespace}/${s.name}`;

/**
 * The Istio Gateway whose proxy `pod` runs (its selector picks the pod, as kubetwin's mesh profile reads gateway
 * proxies), as `namespace/name`. istiod gives a gateway proxy (type Router) the default SidecarScope, whose egress
 * imports every host of every namespace, and never one built from a `Sidecar` resource — not its namespace's, not
 * the root namespace's (push_context.go getSidecarScope: for a Router it returns the scope without a Sidecar;
 * context.go SetSidecarScope: gateways get the default scope). Rule
 * `sidecar-resource-not-for-gateways`.
 */
export function gatewayProxyOf(model: ClusterModel, pod: Pod): string | undefined {
  if (pod.hostNetwork) return undefined;
  const g = (model.mesh?.istioGateways ?? []).find(
    (x) => Object.keys(x.selector).length > 0 && matches(selectorFromMap(x.selector), pod.labels),
  );
  return g && `${g.namespace}/${g.name}`;
}

/**
 * The Sidecar of a pod: among its namespace's, one whose workloadSelector picks it, else the one without a
 * selector; else the root namespace's without a selector (push_context.go getSidecarScope; a root-namespace Sidecar
 * with a selector applies only in the root namespace). None for a gateway proxy (`gatewayProxyOf`). istiod takes the oldest of two candidates; istio.io calls the
 * behaviour undefined, so `unsure` says so.
 */
export function sidecarScope(model: ClusterModel, pod: Pod): SidecarScope {
  const mesh = model.mesh;
  // A gateway proxy (istiod's Router) takes the default scope: no Sidecar applies to it.
  const all = gatewayProxyOf(model, pod) ? [] : (mesh?.sidecars ?? []);
  const root = mesh?.rootNamespace ?? 'istio-system';
  const own = all.filter((s) => s.namespace === pod.namespace);
  const picked = own.filter(
    (s) => s.workloadSelector && matches(selectorFromMap(s.workloadSelector), pod.labels),
  );
  const plain = (xs: readonly IstioSidecar[]) => xs.filter((s) => !s.workloadSelector);
  const tiers = [picked, plain(own), plain(all.filter((s) => s.namespace === root))];
  const tier = tiers.find((t) => t.length);
  const sorted = [...(tier ?? [])].sort((a, b) => (age(a) < age(b) ? -1 : 1));
  const sidecar = sorted[0];
  const meshMode = mesh?.outboundTrafficPolicy;
  const base = meshMode
    ? {
        mode: meshMode,
        modeBy: `meshConfig.outboundTrafficPolicy.mode ${meshMode} (profile mesh.outboundTrafficPolicy)`,
      }
    : {
        mode: 'ALLOW_ANY' as const,
        modeBy: "Istio's default ALLOW_ANY (the profile does not set mesh.outboundTrafficPolicy)",
      };
  const own_ = sidecar?.outboundTrafficPolicy;
  return {
    ...(sidecar ? { sidecar } : {}),
    namespace: pod.namespace,
    ...(own_
      ? { mode: own_.mode, modeBy: `${label(sidecar!)} outboundTrafficPolicy.mode ${own_.mode}` }
      : base),
    ...(sorted.length > 1
      ? {
          unsure: `${sorted.map(label).join(' and ')} all apply to ${pod.namespace}/${pod.name} (${tier === picked ? 'their workloadSelectors pick it' : 'none has a workloadSelector'}): istio.io calls that undefined; istiod takes the oldest, ${label(sidecar!)}`,
        }
      : {}),
  };
}

/** The egress listener a request on `port` goes through: the one on that port, else the catch-all (GetEgressListenerForRDS). */
export function egressListener(s: IstioSidecar, port: number): IstioSidecarEgress | undefined {
  if (!s.egress.length) return { index: -1, hosts: ['*/*'] };
  return s.egress.find((l) => l.port === port) ?? s.egress.find((l) => l.port === undefined);
}

/** Is `h` (possibly a wildcard) within `imported` (`*`, `*.example.com`, a name)? host.Name.SubsetOf. */
function subsetOf(h: string, imported: string): boolean {
  if (imported === '*') return true;
  if (!imported.startsWith('*.')) return h === imported;
  const suffix = imported.slice(1);
  return h.startsWith('*.') ? h.slice(1).endsWith(suffix) : h.endsWith(suffix);
}

/** Either name covers the other (host.Name.Matches, what a VirtualService host is imported by). */
const overlaps = (a: string, b: string) => subsetOf(a, b) || subsetOf(b, a);

/** The listener's hosts by namespace, `.` read as the client's namespace. */
function hostsByNamespace(l: IstioSidecarEgress, clientNs: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const h of l.hosts) {
    const i = h.indexOf('/');
    if (i < 0) continue;
    const ns = h.slice(0, i) === '.' ? clientNs : h.slice(0, i);
    out.set(ns, [...(out.get(ns) ?? []), h.slice(i + 1)]);
  }
  return out;
}

/** What the listener does not let kubetwin decide (a bind address, no capture, an HTTP proxy port). */
function listenerUnknown(s: IstioSidecar, l: IstioSidecarEgress): string | undefined {
  const at = `${label(s)} egress[${l.index}]`;
  if (l.bind || l.captureMode === 'NONE')
    return `${at} sets ${l.bind ? `bind ${l.bind}` : 'captureMode NONE'}: the application must dial that listener itself, which kubetwin does not model`;
  if (l.protocol === 'HTTP_PROXY')
    return `${at} is an HTTP_PROXY listener (an explicit HTTP proxy for the application), which kubetwin does not model`;
  return undefined;
}

/**
 * Does the client's Sidecar import a registry host (a Kubernetes Service's FQDN or a ServiceEntry host, `hostNs`
 * the namespace of the Service or entry) on `port`? Only hosts of the egress listener for that port count. A host
 * matched under `*` while its own namespace is listed with other names is imported by recent istiod and not by older
 * releases (selectServices changed), so that case is unknown.
 */
export function importsHost(
  scope: SidecarScope,
  hosts: readonly string[],
  hostNs: string,
  port: number,
): Imported {
  const s = scope.sidecar;
  if (!s) return { imported: true };
  const l = egressListener(s, port);
  if (!l)
    return {
      imported: false,
      why: `${label(s)} has no egress listener for port ${port} (its listeners name ports ${s.egress.map((x) => x.port).join(', ')} and none is a catch-all)`,
    };
  const odd = listenerUnknown(s, l);
  if (odd) return { imported: 'unknown', why: odd };
  const byNs = hostsByNamespace(l, scope.namespace);
  const explicit = byNs.get(hostNs);
  const wild = byNs.get('*');
  const hit = (names?: string[]) => !!names?.some((n) => hosts.some((h) => subsetOf(h, n)));
  const where =
    l.index < 0
      ? `${label(s)} (no egress: */*)`
      : `${label(s)} egress[${l.index}] (hosts ${l.hosts.join(', ')})`;
  if (hit(explicit)) return { imported: true };
  if (hit(wild)) {
    if (explicit)
      return {
        imported: 'unknown',
        why: `${where} lists ${hostNs}/ with other names and imports ${hosts[0]} only through */: istiod 1.20+ imports it, older releases do not`,
      };
    return { imported: true };
  }
  return { imported: false, why: `${where} does not import ${hostNs}/${hosts[0]}` };
}

/**
 * Does the client's Sidecar import a VirtualService (its hosts resolved to FQDNs) on `port`? One of its hosts must
 * overlap a name listed for its namespace or for `*` (SelectVirtualServices).
 */
export function importsVirtualService(
  scope: SidecarScope,
  vs: { readonly namespace: string; readonly hosts: readonly string[] },
  port: number,
): boolean {
  const s = scope.sidecar;
  if (!s) return true;
  const l = egressListener(s, port);
  if (!l) return false;
  const byNs = hostsByNamespace(l, scope.namespace);
  const names = [...(byNs.get(vs.namespace) ?? []), ...(byNs.get('*') ?? [])];
  return vs.hosts.some((h) => names.some((n) => overlaps(h, n)));
}

/** What of the Sidecar kubetwin does not model that may change a client's outbound answer, if anything. */
export function scopeUnknown(scope: SidecarScope): string | undefined {
  if (scope.unsure) return scope.unsure;
  const proxy = scope.sidecar?.outboundTrafficPolicy?.egressProxy;
  if (proxy && scope.mode === 'ALLOW_ANY')
    return `${label(scope.sidecar!)} outboundTrafficPolicy.egressProxy sends what the sidecar does not know to ${proxy}, which kubetwin does not model`;
  return undefined;
}

export const sidecarLabel = label;
