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

/** The client-side TLS mode of `dr` for the Service port `port` (undefined: the port is not known). */
export function clientTls(dr: DestinationRule | undefined, port: number | undefined): ClientTls {
  const base = levelOf(dr?.trafficPolicy, port);
  const subsetsDiffer = (dr?.subsets ?? []).flatMap((s) => {
    const own = levelOf(s.trafficPolicy, port);
    return own && own.mode !== base?.mode ? [`${s.name}: ${own.mode ?? 'auto mTLS'}`] : [];
  });
  return { mode: base?.mode, at: base?.at, subsetsDiffer };
}
