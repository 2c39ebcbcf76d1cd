/**
 * Linkerd egress (2.17+): what a meshed client's proxy does with a connection to an address outside the cluster
 * networks. The EgressNetworks of the client's namespace capture it first, else those of the global egress namespace
 * (`linkerd-egress`); one with no `networks` captures every outside address. `trafficPolicy: Allow` lets through
 * what no attached route describes, `Deny` refuses it (HTTP 403, a TLS or TCP connection closed). Routes attach by a
 * parentRef of kind EgressNetwork (with the port). An address no EgressNetwork captures is not the mesh's business.
 * https://linkerd.io/2.17/reference/egress-network/
 * https://linkerd.io/2.17/tasks/managing-egress-traffic/
 * Pure.
 */
import type { LinkerdEgressNetwork } from '../../../model/mesh.ts';
import type { ClusterModel, Pod } from '../../../model/types.ts';
import type { BackendRef, ParentRef } from '../../../model/routing.ts';
import { inNetworks } from './_authn.ts';
import { egressRouteOutcome, type AttachedRoutes, type EgressTraffic } from './_egress-routes.ts';

export type { EgressTraffic } from './_egress-routes.ts';

/** The global egress namespace (Helm value egress.globalEgressNetworkNamespace). */
export const globalEgressNamespace = 'linkerd-egress';

export interface EgressVerdict {
  readonly verdict: 'allowed' | 'denied' | 'unknown';
  readonly why: string;
  /** `EgressNetwork/ns/name` of the one that captured it. */
  readonly by?: string;
}

const label = (n: LinkerdEgressNetwork) => `EgressNetwork ${n.namespace}/${n.name}`;
const age = (n: LinkerdEgressNetwork) => [n.creationTimestamp ?? '9999', n.name].join('/');

/** The routes with a parentRef to `n` on `port` (a parentRef without port attaches on every port), by kind. */
function attachedByKind(model: ClusterModel, n: LinkerdEgressNetwork, port: number): AttachedRoutes {
  const refers = (route: { namespace: string }, p: ParentRef) =>
    p.kind === 'EgressNetwork' &&
    p.group === 'policy.linkerd.io' &&
    p.name === n.name &&
    (p.namespace ?? route.namespace) === n.namespace &&
    (p.port === undefined || p.port === port);
  const on = <T extends { namespace: string; parentRefs: readonly ParentRef[] }>(rs: readonly T[]) =>
    rs.filter((r) => r.parentRefs.some((p) => refers(r, p)));
  const http = on([...(model.routing?.routes ?? []), ...(model.mesh?.linkerd.httpRoutes ?? [])]);
  const l4 = on(model.routing?.l4Routes ?? []);
  return {
    grpc: http.filter((r) => r.kind === 'GRPCRoute'),
    http: http.filter((r) => r.kind === 'HTTPRoute'),
    tls: l4.filter((r) => r.kind === 'TLSRoute'),
    tcp: l4.filter((r) => r.kind === 'TCPRoute'),
  };
}

/** The routes (any kind) with a parentRef to `n` on `port`, with their backends and whether a rule filters. */
function attached(model: ClusterModel, n: LinkerdEgressNetwork, port: number) {
  const a = attachedByKind(model, n, port);
  return [...a.grpc, ...a.http, ...a.tls, ...a.tcp]
    .sort((x, y) => (x.key < y.key ? -1 : x.key > y.key ? 1 : 0))
    .map((r) => ({
      key: r.key,
      backends: r.rules.flatMap((rule) => rule.backendRefs as readonly BackendRef[]),
      filtered: r.rules.some((rule) => 'filters' in rule && (rule.filters as readonly unknown[]).length > 0),
    }));
}

/**
 * What a meshed Linkerd client's proxy does with a connection to `ip:port`, or undefined when no EgressNetwork
 * captures it (an address inside the cluster networks, or none applies).
 */
export function linkerdEgress(
  model: ClusterModel,
  client: Pod,
  ip: string,
  port: number,
  /** What trace knows of the connection (an HTTP request, a TLS SNI); undefined: a bare connection (reach). */
  traffic?: EgressTraffic,
): EgressVerdict | undefined {
  const l = model.mesh?.linkerd;
  if (!l?.egressNetworks.length) return undefined;
  const cluster = l.clusterNetworks.map((cidr) => ({ cidr, except: [] }));
  if (inNetworks(ip, cluster)) return undefined;
  const captures = (n: LinkerdEgressNetwork) => !n.networks.length || inNetworks(ip, n.networks);
  const local = l.egressNetworks.filter((n) => n.namespace === client.namespace && captures(n));
  const tier = local.length
    ? local
    : l.egressNetworks.filter((n) => n.namespace === globalEgressNamespace && captures(n));
  if (!tier.length) return undefined;
  const [n, ...others] = [...tier].sort((a, b) => (age(a) < age(b) ? -1 : 1));
  const by = n.key;
  if (others.length)
    return {
      verdict: 'unknown',
      by,
      why: `${[n, ...others].map(label).join(' and ')} all capture ${ip}: which one the proxy takes is not modeled by kubetwin`,
    };
  const routes = attached(model, n, port);
  const captured = `${label(n)} (trafficPolicy ${n.trafficPolicy}) captures ${ip}`;
  if (traffic && routes.length) {
    const o = egressRouteOutcome(n, attachedByKind(model, n, port), traffic);
    const verdict = o.kind === 'forward' ? 'allowed' : o.kind === 'refuse' ? 'denied' : 'unknown';
    return { verdict, by, why: `${captured}; port ${port}: ${o.why}` };
  }
  if (n.trafficPolicy === 'Deny') {
    if (!routes.length)
      return {
        verdict: 'denied',
        by,
        why: `${captured} and no route attached to it describes port ${port}: the client's proxy refuses the connection (HTTP 403; a TLS or TCP connection is closed)`,
      };
    return {
      verdict: 'unknown',
      by,
      why: `${captured}; ${routes.map((r) => r.key).join(', ')} attached on port ${port} let through only what they describe (hostname, SNI, path), which a bare connection does not say (trace with a URL judges it)`,
    };
  }
  // Allow: what no route describes goes to the original destination; a route may send it to a Service instead.
  const elsewhere = routes.filter((r) => r.filtered || r.backends.some((b) => b.kind !== 'EgressNetwork'));
  if (elsewhere.length)
    return {
      verdict: 'unknown',
      by,
      why: `${captured}; ${elsewhere.map((r) => r.key).join(', ')} attached on port ${port} may send the connection elsewhere than ${ip} (a Service backend, a filter), which kubetwin does not judge`,
    };
  return {
    verdict: 'allowed',
    by,
    why: `${captured}: the client's proxy lets the connection through to ${ip}`,
  };
}
