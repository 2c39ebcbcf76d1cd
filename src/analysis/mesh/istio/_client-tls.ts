/**
 * The TLS mode a client's sidecar uses toward one Service port, from the DestinationRule in effect, as istiod
 * merges it (`MergeSubsetTrafficPolicy` and `GetPortLevelTrafficPolicy` in istio/istio
 * pilot/pkg/networking/util/util.go): a `portLevelSettings` entry for the Service port replaces the
 * destination-level policy wholesale — a `tls` it omits is not inherited, so auto mTLS applies ("port-level
 * settings will override the destination-level settings"); a subset's `trafficPolicy` (its own port-level entry
 * first) overrides the result field by field for the traffic a route sends to that subset.
 * https://istio.io/latest/docs/reference/config/networking/destination-rule/#TrafficPolicy
 * https://istio.io/latest/docs/reference/config/networking/destination-rule/#Subset
 */
import type { DestinationRule, TrafficPolicySummary } from '../../../model/mesh.ts';
import type { ClusterModel } from '../../../model/types.ts';
import { destinationRuleForHost, type DrClient } from './_subsets.ts';

export interface ClientTls {
  /** The mode for traffic to the Service port as a whole (no subset); undefined: auto mTLS. */
  readonly mode?: string;
  /** Where it is set: `trafficPolicy.tls.mode` or `trafficPolicy.portLevelSettings[port 9080]`. */
  readonly at?: string;
  /** Subsets whose own policy gives another mode for this port, as `v2: DISABLE` (`auto mTLS` when unset). */
  readonly subsetsDiffer: readonly string[];
}

type Level = { readonly mode?: string; readonly at: string } | undefined;

/** The policy's say on TLS for `port`: its port-level entry (even without tls), else its tls; else nothing. */
const levelOf = (p: TrafficPolicySummary | undefined, port: number | undefined): Level => {
  const pl = port === undefined ? undefined : p?.portTls.find((x) => x.port === port);
  if (pl) return { mode: pl.mode, at: `trafficPolicy.portLevelSettings[port ${port}]` };
  return p?.tlsMode ? { mode: p.tlsMode, at: 'trafficPolicy.tls.mode' } : undefined;
};

/**
 * The TLS mode for the traffic a route sends to `subset` of the Service port `port`: the subset's own port-level
 * entry, else its own `tls`, else the rule's level (`MergeSubsetTrafficPolicy` overrides `tls` only when the
 * subset sets it or has a port-level entry). `at` names the subset: `subsets[v1].trafficPolicy.tls.mode`.
 */
export function subsetTls(
  dr: DestinationRule | undefined,
  port: number | undefined,
  subset: string,
): { readonly mode?: string; readonly at?: string } {
  const own = levelOf(dr?.subsets.find((s) => s.name === subset)?.trafficPolicy, port);
  if (own) return { mode: own.mode, at: `subsets[${subset}].${own.at}` };
  const base = levelOf(dr?.trafficPolicy, port);
  return { mode: base?.mode, at: base?.at };
}

/** The client-side TLS mode of `dr` for the Service port `port` (undefined: the port is not known). */
export function clientTls(dr: DestinationRule | undefined, port: number | undefined): ClientTls {
  const base = levelOf(dr?.trafficPolicy, port);
  const subsetsDiffer = (dr?.subsets ?? []).flatMap((s) => {
    const own = levelOf(s.trafficPolicy, port);
    return own && own.mode !== base?.mode ? [`${s.name}: ${own.mode ?? 'auto mTLS'}`] : [];
  });
  return { mode: base?.mode, at: base?.at, subsetsDiffer };
}

const originate: Readonly<Record<string, string>> = {
  SIMPLE:
    'originates TLS (the application sends plain HTTP; the server certificate is not checked by kubetwin)',
  MUTUAL:
    'originates mutual TLS with the client certificate the DestinationRule names (not checked by kubetwin)',
  ISTIO_MUTUAL: "sends Istio mTLS, which an outside host does not accept unless it runs Istio's proxy",
  DISABLE: 'sends plaintext',
};

/**
 * What the client's sidecar sends to a ServiceEntry host's `port` by the DestinationRule for that host (TLS
 * origination, https://istio.io/latest/docs/tasks/traffic-management/egress/egress-tls-origination/), or
 * undefined when no DestinationRule sets a TLS mode for it.
 */
export function entryTlsNote(
  model: ClusterModel,
  host: string,
  entryNs: string,
  port: number,
  client: DrClient,
): string | undefined {
  const dr = destinationRuleForHost(
    model.mesh?.destinationRules ?? [],
    host,
    entryNs,
    client,
    model.profile.clusterDomain,
  );
  const t = clientTls(dr, port);
  if (!dr || !t.mode) return undefined;
  return `${dr.key} ${t.at} ${t.mode}: the sidecar ${originate[t.mode] ?? `uses TLS mode ${t.mode}`} to ${host}:${port}${t.subsetsDiffer.length ? `; subsets set other modes (${t.subsetsDiffer.join(', ')})` : ''}`;
}
