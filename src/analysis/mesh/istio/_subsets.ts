import type { DestinationRule, TrafficPolicySummary } from '../../../model/mesh.ts';
import type { Labels } from '../../../lib/labels.ts';
import type { Service } from '../../../model/types.ts';
import { hostCovers, resolveMeshHost, serviceFqdn } from '../_hosts.ts';
import { chooseForClient, consolidate, type DrChoice, type DrClient } from './_dr-select.ts';
import { exportedToClient, notExportedNote, privateOnly, seenAtHome } from './_dr-export.ts';

export type { DrChoice, DrClient } from './_dr-select.ts';

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
 * then the root namespace (`istio-system`); an exact host before a wildcard; the oldest on a tie. A rule of another
 * namespace applies only when its `exportTo` reaches the client's namespace (istio/_dr-export.ts). A rule with a
 * workloadSelector is seen only from its own namespace and decides per client pod (istio/_dr-select.ts).
 * https://istio.io/latest/docs/ops/best-practices/traffic-management/#cross-namespace-configuration
 */
export function destinationRuleFor(
  rules: readonly DestinationRule[],
  svc: Service,
  client: DrClient,
  clusterDomain: string,
): DrChoice {
  return destinationRuleChoice(rules, serviceFqdn(svc, clusterDomain), svc.namespace, client, clusterDomain);
}

/**
 * As `destinationRuleFor`, for a host (a Service FQDN or a ServiceEntry host) declared in `hostNs`. Several
 * DestinationRules of the chosen namespace for the same host are consolidated as istiod does (`mergeDestinationRule`
 * in istio/istio pilot/pkg/model/destination_rule.go), oldest first: subsets of a name not seen yet are appended,
 * and the top-level `trafficPolicy` is the first one set; a merged rule keeps the oldest rule's name; rules with
 * different workloadSelectors stay apart, and the client's labels pick one (istio/_dr-select.ts).
 */
export function destinationRuleChoice(
  rules: readonly DestinationRule[],
  fqdn: string,
  hostNs: string,
  client: DrClient,
  clusterDomain: string,
): DrChoice {
  const covering = rules.flatMap((dr) => {
    const host = resolveMeshHost(dr.host, dr.namespace, clusterDomain);
    return hostCovers(host, fqdn) ? [{ dr, host }] : [];
  });
  const ns = client.namespace;
  // istiod's lookup order: the client's namespace (its rules seen at home; in the root namespace, its private
  // ones), then the rules the host's namespace exports, then those the root namespace exports.
  const stages: {
    readonly ns: string;
    readonly keep: (dr: DestinationRule) => boolean;
    readonly exported: boolean;
  }[] = [
    ns !== rootNamespace
      ? { ns, keep: seenAtHome, exported: false }
      : { ns, keep: privateOnly, exported: false },
    { ns: hostNs, keep: (dr) => !privateOnly(dr), exported: true },
    { ns: rootNamespace, keep: (dr) => !privateOnly(dr), exported: true },
  ];
  const hidden: string[] = [];
  for (const stage of stages) {
    const pool = covering.filter((c) => c.dr.namespace === stage.ns && stage.keep(c.dr));
    if (!pool.length) continue;
    const rank = (c: (typeof pool)[number]) =>
      [c.host === fqdn ? 0 : 1, c.dr.creationTimestamp ?? '9999', c.dr.name].join('|');
    pool.sort((a, b) => (rank(a) < rank(b) ? -1 : rank(a) > rank(b) ? 1 : 0));
    // The most specific host first; then, for another namespace's rules, those exported to the client's.
    const same = pool.filter((c) => c.host === pool[0].host);
    const seen = stage.exported ? same.filter((c) => exportedToClient(c.dr, ns)) : same;
    if (stage.exported)
      hidden.push(...same.filter((c) => !seen.includes(c)).map((c) => notExportedNote(c.dr, ns)));
    if (!seen.length) continue;
    const choice = chooseForClient(consolidate(seen.map((c) => c.dr)), client);
    return hidden.length ? { ...choice, notes: [...new Set(hidden), ...choice.notes] } : choice;
  }
  // Rules for the host that the client's namespace does not see, said rather than dropped.
  const home = (dr: DestinationRule) =>
    ns !== rootNamespace ? seenAtHome(dr) : privateOnly(dr) || exportedToClient(dr, ns);
  for (const c of covering)
    if ([ns, hostNs, rootNamespace].includes(c.dr.namespace))
      if (!(c.dr.namespace === ns ? home(c.dr) : exportedToClient(c.dr, ns)))
        hidden.push(notExportedNote(c.dr, ns));
  return { notes: [...new Set(hidden)].sort() };
}

/** `destinationRuleChoice(...).rule`: the rule in effect for a client whose labels are given. */
export function destinationRuleForHost(
  rules: readonly DestinationRule[],
  fqdn: string,
  hostNs: string,
  client: DrClient,
  clusterDomain: string,
): DestinationRule | undefined {
  return destinationRuleChoice(rules, fqdn, hostNs, client, clusterDomain).rule;
}

/**
 * `destinationRuleFor` over a fixed rule list, memoized per Service and client namespace (and the client's labels
 * when some rule has a workloadSelector).
 */
export function destinationRuleIndex(
  rules: readonly DestinationRule[],
  clusterDomain: string,
): (svc: Service, client: DrClient) => DrChoice {
  const memo = new Map<string, DrChoice>();
  const selective = rules.some((r) => r.workloadSelector);
  return (svc, client) => {
    const who = selective ? (client.labels ? JSON.stringify(Object.entries(client.labels).sort()) : '?') : '';
    const key = `${svc.namespace}/${svc.name}|${client.namespace}|${who}`;
    let c = memo.get(key);
    if (!c) memo.set(key, (c = destinationRuleFor(rules, svc, client, clusterDomain)));
    return c;
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
