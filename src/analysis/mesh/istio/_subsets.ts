import type { DestinationRule, TrafficPolicySummary } from '../../../model/mesh.ts';
import type { Labels } from '../../../lib/labels.ts';
import type { Service } from '../../../model/types.ts';
import { hostCovers, resolveMeshHost, serviceFqdn } from '../_hosts.ts';

/** meshConfig.rootNamespace's default. */
export const rootNamespace = 'istio-system';

export function describePolicy(p: TrafficPolicySummary): string {
  const parts = [
    ...(p.loadBalancer ? [`loadBalancer ${p.loadBalancer}`] : []),
    ...(p.tlsMode ? [`tls ${p.tlsMode}`] : []),
    ...p.portTls.map((x) => `port ${x.port}: tls ${x.mode ?? 'unset (auto mTLS)'}`),
    // Port-level tls is applied (istio/_client-tls.ts); the rest of a port-level entry is only shown.
    ...(p.other.length
      ? [
          `${p.other.map((o) => (o === 'portLevelSettings' && p.portTls.length ? 'portLevelSettings other than tls' : o)).join(', ')} (shown, not applied)`,
        ]
      : []),
  ];
  return parts.join('; ') || 'empty';
}

/**
 * The DestinationRule that applies to a Service for a client: among those whose host (short names resolved
 * in their namespace) covers the Service, Istio looks in the client's namespace first, then the Service's,
 * then the root namespace (`istio-system`); an exact host before a wildcard; the oldest on a tie.
 * https://istio.io/latest/docs/ops/best-practices/traffic-management/#cross-namespace-configuration
 */
export function destinationRuleFor(
  rules: readonly DestinationRule[],
  svc: Service,
  clientNs: string,
  clusterDomain: string,
): DestinationRule | undefined {
  return destinationRuleForHost(
    rules,
    serviceFqdn(svc, clusterDomain),
    svc.namespace,
    clientNs,
    clusterDomain,
  );
}

/** As `destinationRuleFor`, for a host (a Service FQDN or a ServiceEntry host) declared in `hostNs`. */
export function destinationRuleForHost(
  rules: readonly DestinationRule[],
  fqdn: string,
  hostNs: string,
  clientNs: string,
  clusterDomain: string,
): DestinationRule | undefined {
  const visible = [clientNs, hostNs, rootNamespace];
  const rank = (dr: DestinationRule, host: string) =>
    [visible.indexOf(dr.namespace), host === fqdn ? 0 : 1, dr.creationTimestamp ?? '9999', dr.name].join('|');
  let best: { dr: DestinationRule; rank: string } | undefined;
  for (const dr of rules) {
    if (!visible.includes(dr.namespace)) continue;
    const host = resolveMeshHost(dr.host, dr.namespace, clusterDomain);
    if (!hostCovers(host, fqdn)) continue;
    const r = rank(dr, host);
    if (!best || r < best.rank) best = { dr, rank: r };
  }
  return best?.dr;
}

/** `destinationRuleFor` over a fixed rule list, memoized per Service and client namespace. */
export function destinationRuleIndex(
  rules: readonly DestinationRule[],
  clusterDomain: string,
): (svc: Service, clientNs: string) => DestinationRule | undefined {
  const memo = new Map<string, DestinationRule | undefined>();
  return (svc, clientNs) => {
    const key = `${svc.namespace}/${svc.name}|${clientNs}`;
    if (!memo.has(key)) memo.set(key, destinationRuleFor(rules, svc, clientNs, clusterDomain));
    return memo.get(key);
  };
}

/**
 * A subset's pod labels from the DestinationRule in effect, or why the sidecar has no such subset (a route
 * to it gets 503). https://istio.io/latest/docs/reference/config/networking/destination-rule/#Subset
 */
export function subsetLabels(
  dr: DestinationRule | undefined,
  svc: Service,
  subset: string,
): { labels: Labels; notes: string[] } | string {
  if (!dr)
    return `subset ${subset} of ${svc.namespace}/${svc.name}: no DestinationRule defines subsets for this host — the sidecar answers 503`;
  const s = dr.subsets.find((x) => x.name === subset);
  if (!s)
    return `subset ${subset} is not defined in ${dr.key} (subsets: ${dr.subsets.map((x) => x.name).join(', ') || 'none'}) — the sidecar answers 503`;
  return {
    labels: s.labels,
    notes: s.trafficPolicy
      ? [`${dr.key} subset ${subset} trafficPolicy: ${describePolicy(s.trafficPolicy)}`]
      : [],
  };
}
