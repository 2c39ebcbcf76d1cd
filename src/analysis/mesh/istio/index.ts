/**
 * Istio as a mesh profile: sidecar injection, VirtualService route tables, DestinationRule subsets.
 * https://istio.io/latest/docs/reference/config/networking/
 */
import type { ClusterModel } from '../../../model/types.ts';
import type { DestinationRule } from '../../../model/mesh.ts';
import type { MeshProfile, ScopedClient } from '../_profile.ts';
import { importsVirtualService, sidecarScope } from './_sidecar-scope.ts';
import { istioSidecar } from './_injection.ts';
import { defaultRetries, istioTables, type VisibleTo } from './_routes.ts';
import { describePolicy, destinationRuleIndex, subsetLabels } from './_subsets.ts';
import { matches, selectorFromMap } from '../../../lib/labels.ts';
import type { Pod } from '../../../model/types.ts';
import type { Sidecar } from '../types.ts';

export { istioSidecar } from './_injection.ts';
export { stringMatches } from './_match.ts';

/**
 * Locality load balancing, on by default (meshConfig.localityLbSetting.enabled): with outlier detection in the
 * DestinationRule, Envoy sends to the endpoints of the client's own locality (region/zone/subzone of its node) first
 * and fails over to others by priority; `localityLbSetting` (distribute, failover) reshapes it. Either makes which
 * endpoints take a request depend on where they run.
 * https://istio.io/latest/docs/tasks/traffic-management/locality-load-balancing/failover/
 * https://istio.io/latest/docs/reference/config/networking/destination-rule/#LocalityLoadBalancerSetting
 */
function localityWeighted(dr: DestinationRule): string | undefined {
  const policies = [dr.trafficPolicy, ...dr.subsets.map((s) => s.trafficPolicy)];
  const hit = policies.find((p) => p?.localityLbSetting || p?.other.includes('outlierDetection'));
  if (!hit) return undefined;
  return `${dr.key} sets ${hit.localityLbSetting ? 'loadBalancer.localityLbSetting' : 'outlierDetection'}, so Istio's locality load balancing applies: the sidecar prefers endpoints in its own region and zone while they are healthy, then fails over`;
}

export function istioProfile(model: ClusterModel): MeshProfile {
  const domain = model.profile.clusterDomain;
  const mesh = model.mesh;
  const tables = istioTables(model.services, mesh?.virtualServices ?? [], domain, mesh?.serviceEntries ?? []);
  const drFor = destinationRuleIndex(mesh?.destinationRules ?? [], domain);
  const gateways = (mesh?.istioGateways ?? [])
    .filter((g) => Object.keys(g.selector).length)
    .map((g) => ({ ref: `${g.namespace}/${g.name}`, sel: selectorFromMap(g.selector) }));
  /**
   * A pod an Istio Gateway's selector picks runs the gateway proxy (Envoy with its own Istio identity), which
   * originates auto mTLS to meshed destinations like a sidecar does, whatever its injection labels say.
   * https://istio.io/latest/docs/setup/additional-setup/gateway/
   */
  const gatewayProxy = (pod: Pod): Sidecar | undefined => {
    if (pod.hostNetwork) return undefined;
    const g = gateways.find((x) => matches(x.sel, pod.labels));
    return g
      ? {
          meshed: true,
          reason: `the pod runs the Istio gateway proxy (Gateway ${g.ref} selects it)`,
          identity: `spiffe://${domain}/ns/${pod.namespace}/sa/${pod.serviceAccountName}`,
        }
      : undefined;
  };
  /** The VirtualServices the client's Sidecar imports on the port (all, without a Sidecar). */
  const visibleTo = (client: ScopedClient): VisibleTo | undefined => {
    const scope = sidecarScope(model, client.pod);
    if (!scope.sidecar) return undefined;
    return {
      key: `${scope.sidecar.key}|${client.port}|${scope.namespace}`,
      sees: (vs) => importsVirtualService(scope, vs, client.port),
    };
  };
  return {
    name: 'istio',
    sidecar: (pod, ns) => gatewayProxy(pod) ?? istioSidecar(pod, ns, domain),
    table: (svc, clientNs, client) => tables.forService(svc, clientNs, client && visibleTo(client)),
    hostTable: (host, clientNs, client) => tables.forHost(host, clientNs, client && visibleTo(client)),
    subset: (svc, subset, client) => subsetLabels(drFor(svc, client).rule, svc, subset),
    policy(svc, client) {
      const { rule: dr, notes } = drFor(svc, client);
      return {
        notes: [
          ...notes,
          ...(dr?.trafficPolicy ? [`${dr.key} trafficPolicy: ${describePolicy(dr.trafficPolicy)}`] : []),
        ],
        timeout: 'none (Istio disables the HTTP route timeout by default)',
        retries: defaultRetries,
        ...(dr && localityWeighted(dr) ? { locality: localityWeighted(dr) } : {}),
      };
    },
  };
}
