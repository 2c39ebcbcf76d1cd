/**
 * The API resources the live source lists: every kind of the support catalogue (src/model/catalogue.ts) except
 * Secret, with its REST resource name and the versions to try, newest first. A kind missing here is a bug that
 * `kinds.test.ts` catches, so a kind added to the catalogue cannot silently be left unread.
 * Paths follow https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-uris.
 */
import { kinds, trafficKinds } from '../../model/catalogue.ts';

/**
 * Every kind kubetwin reads, and every kind that changes traffic without being modeled (listed so that answers
 * can say they are unknown): a live cluster that holds one must not look as if it held none.
 */
const catalogue = [
  ...kinds,
  ...trafficKinds.filter((t) => !kinds.some((k) => k.group === t.group && k.kind === t.kind)),
  ...implementationKinds(),
];

/**
 * Gateway API implementations' own kinds that the builder keeps without a catalogue entry: policies attached by
 * `spec.targetRefs` or `spec.targetSelectors` (GEP-713; answers through their targets say unknown) and the objects
 * an `ExtensionRef` filter or a backendRef names (a referent the input lacks answers 500). Listed so that a live
 * read holds them as a manifest directory would. Envoy Gateway: https://gateway.envoyproxy.io/docs/api/extension_types/;
 * NGINX Gateway Fabric: https://docs.nginx.com/nginx-gateway-fabric/reference/api/
 */
function implementationKinds(): { group: string; kind: string; namespaced: boolean }[] {
  const of = (group: string, names: readonly string[]) =>
    names.map((kind) => ({ group, kind, namespaced: true }));
  return [
    ...of('gateway.envoyproxy.io', [
      'SecurityPolicy',
      'BackendTrafficPolicy',
      'ClientTrafficPolicy',
      'EnvoyExtensionPolicy',
      'HTTPRouteFilter',
      'Backend',
    ]),
    ...of('gateway.nginx.org', [
      'ClientSettingsPolicy',
      'ObservabilityPolicy',
      'UpstreamSettingsPolicy',
      'SnippetsFilter',
    ]),
  ];
}

export interface LiveKind {
  readonly group: string;
  readonly kind: string;
  /** Lower-case plural, as in the URL and in RBAC rules. */
  readonly resource: string;
  /** Tried in order; a 404 on one moves to the next (a CRD may serve an older version only). */
  readonly versions: readonly string[];
  readonly namespaced: boolean;
  /** Listed in this namespace only (ConfigMaps: kubetwin reads kube-system's CoreDNS and kube-proxy ones). */
  readonly namespace?: string;
}

/** REST resource and versions per `group/kind`; the group and namespacing come from the catalogue. */
const resources: Record<string, { resource: string; versions: readonly string[]; namespace?: string }> = {
  '/Namespace': { resource: 'namespaces', versions: ['v1'] },
  '/Node': { resource: 'nodes', versions: ['v1'] },
  '/Pod': { resource: 'pods', versions: ['v1'] },
  '/Service': { resource: 'services', versions: ['v1'] },
  '/Endpoints': { resource: 'endpoints', versions: ['v1'] },
  '/ConfigMap': { resource: 'configmaps', versions: ['v1'], namespace: 'kube-system' },
  'apps/Deployment': { resource: 'deployments', versions: ['v1'] },
  'apps/ReplicaSet': { resource: 'replicasets', versions: ['v1'] },
  'apps/StatefulSet': { resource: 'statefulsets', versions: ['v1'] },
  'apps/DaemonSet': { resource: 'daemonsets', versions: ['v1'] },
  'batch/Job': { resource: 'jobs', versions: ['v1'] },
  'batch/CronJob': { resource: 'cronjobs', versions: ['v1'] },
  'autoscaling/HorizontalPodAutoscaler': { resource: 'horizontalpodautoscalers', versions: ['v2'] },
  'discovery.k8s.io/EndpointSlice': { resource: 'endpointslices', versions: ['v1'] },
  'networking.k8s.io/NetworkPolicy': { resource: 'networkpolicies', versions: ['v1'] },
  'networking.k8s.io/Ingress': { resource: 'ingresses', versions: ['v1'] },
  'networking.k8s.io/IngressClass': { resource: 'ingressclasses', versions: ['v1'] },
  'gateway.networking.k8s.io/GatewayClass': { resource: 'gatewayclasses', versions: ['v1', 'v1beta1'] },
  'gateway.networking.k8s.io/Gateway': { resource: 'gateways', versions: ['v1', 'v1beta1'] },
  'gateway.networking.k8s.io/HTTPRoute': { resource: 'httproutes', versions: ['v1', 'v1beta1'] },
  'gateway.networking.k8s.io/GRPCRoute': { resource: 'grpcroutes', versions: ['v1', 'v1alpha2'] },
  'gateway.networking.k8s.io/ReferenceGrant': { resource: 'referencegrants', versions: ['v1', 'v1beta1'] },
  'gateway.networking.k8s.io/ListenerSet': { resource: 'listenersets', versions: ['v1'] },
  'gateway.networking.x-k8s.io/XListenerSet': { resource: 'xlistenersets', versions: ['v1alpha1'] },
  'gateway.networking.k8s.io/BackendTLSPolicy': {
    resource: 'backendtlspolicies',
    versions: ['v1', 'v1alpha3'],
  },
  'gateway.networking.k8s.io/TLSRoute': { resource: 'tlsroutes', versions: ['v1alpha3', 'v1alpha2'] },
  'gateway.networking.k8s.io/TCPRoute': { resource: 'tcproutes', versions: ['v1alpha2'] },
  'gateway.networking.k8s.io/UDPRoute': { resource: 'udproutes', versions: ['v1alpha2'] },
  'policy.networking.k8s.io/AdminNetworkPolicy': { resource: 'adminnetworkpolicies', versions: ['v1alpha1'] },
  'policy.networking.k8s.io/BaselineAdminNetworkPolicy': {
    resource: 'baselineadminnetworkpolicies',
    versions: ['v1alpha1'],
  },
  'policy.networking.k8s.io/ClusterNetworkPolicy': {
    resource: 'clusternetworkpolicies',
    versions: ['v1alpha2'],
  },
  'cert-manager.io/Certificate': { resource: 'certificates', versions: ['v1'] },
  'cert-manager.io/Issuer': { resource: 'issuers', versions: ['v1'] },
  'cert-manager.io/ClusterIssuer': { resource: 'clusterissuers', versions: ['v1'] },
  'metallb.io/IPAddressPool': { resource: 'ipaddresspools', versions: ['v1beta1'] },
  'metallb.io/L2Advertisement': { resource: 'l2advertisements', versions: ['v1beta1'] },
  'metallb.io/BGPAdvertisement': { resource: 'bgpadvertisements', versions: ['v1beta1'] },
  'argoproj.io/Rollout': { resource: 'rollouts', versions: ['v1alpha1'] },
  'monitoring.coreos.com/ServiceMonitor': { resource: 'servicemonitors', versions: ['v1'] },
  'monitoring.coreos.com/PodMonitor': { resource: 'podmonitors', versions: ['v1'] },
  'monitoring.coreos.com/Prometheus': { resource: 'prometheuses', versions: ['v1'] },
  'monitoring.coreos.com/Alertmanager': { resource: 'alertmanagers', versions: ['v1'] },
  'rbac.authorization.k8s.io/RoleBinding': { resource: 'rolebindings', versions: ['v1'] },
  'rbac.authorization.k8s.io/ClusterRoleBinding': { resource: 'clusterrolebindings', versions: ['v1'] },
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': {
    resource: 'validatingwebhookconfigurations',
    versions: ['v1'],
  },
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': {
    resource: 'mutatingwebhookconfigurations',
    versions: ['v1'],
  },
  'scheduling.k8s.io/PriorityClass': { resource: 'priorityclasses', versions: ['v1'] },
  'k8s.otterize.com/ClientIntents': { resource: 'clientintents', versions: ['v2', 'v2beta1', 'v1alpha3'] },
};

/**
 * API versions to try per group for kinds the table above does not name (CRDs of CNIs and meshes), newest first;
 * their resource is the lower-case plural of the kind, as CRDs declare it (`AuthorizationPolicy` →
 * `authorizationpolicies`). https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/
 */
const groupVersions: Record<string, readonly string[]> = {
  'networking.k8s.io': ['v1', 'v1beta1'],
  'networking.istio.io': ['v1', 'v1beta1', 'v1alpha3'],
  'security.istio.io': ['v1', 'v1beta1'],
  'linkerd.io': ['v1alpha2'],
  'policy.linkerd.io': ['v1beta3', 'v1beta2', 'v1beta1', 'v1alpha1'],
  'cilium.io': ['v2', 'v2alpha1'],
  'projectcalico.org': ['v3'],
  'crd.projectcalico.org': ['v1'],
  'crd.antrea.io': ['v1beta1', 'v1alpha1', 'v1alpha2', 'v1alpha3'],
  'route.openshift.io': ['v1'],
  'network.openshift.io': ['v1'],
  'k8s.ovn.org': ['v1'],
  'traefik.io': ['v1alpha1'],
  'traefik.containo.us': ['v1alpha1'],
  'kuma.io': ['v1alpha1'],
  'consul.hashicorp.com': ['v1alpha1'],
  // SMI TrafficSplit (Linkerd's SMI extension serves v1alpha2 and v1alpha1; the spec's last is v1alpha4).
  'split.smi-spec.io': ['v1alpha4', 'v1alpha3', 'v1alpha2', 'v1alpha1'],
  // IstioOperator (istioctl's in-cluster operator CR; only spec.meshConfig's exportTo defaults are read).
  'install.istio.io': ['v1alpha1'],
  // Gateway API implementations' policies and filter objects (src/analysis/unmodeled, src/cluster/routing).
  'gateway.envoyproxy.io': ['v1alpha1'],
  'gateway.nginx.org': ['v1alpha2', 'v1alpha1'],
  // Other ingress controllers' routing APIs (kept as unmodeled routing objects).
  'projectcontour.io': ['v1', 'v1alpha1'],
  'k8s.nginx.org': ['v1', 'v1alpha1'],
  'configuration.konghq.com': ['v1', 'v1beta1'],
  'getambassador.io': ['v3alpha1', 'v2'],
  'apisix.apache.org': ['v2'],
  'zalando.org': ['v1'],
  'gateway.solo.io': ['v1'],
};

function plural(kind: string): string {
  const k = kind.toLowerCase();
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  // `KongIngress` → `kongingresses`; a kind already ending in one `s` is left as it is.
  if (k.endsWith('ss')) return `${k}es`;
  return k.endsWith('s') ? k : `${k}s`;
}

function resourceOf(
  group: string,
  kind: string,
): { resource: string; versions: readonly string[]; namespace?: string } | undefined {
  const known = resources[`${group}/${kind}`];
  if (known) return known;
  const versions = groupVersions[group];
  return versions && { resource: plural(kind), versions };
}

/** Secrets are never listed: only `get` of the TLS Secrets routes reference, with --read-tls-secrets. */
const neverListed = new Set(['/Secret']);

/** The kinds listed (and watched), in catalogue order. */
export const liveKinds: readonly LiveKind[] = catalogue
  .filter((k) => !neverListed.has(`${k.group}/${k.kind}`) && resourceOf(k.group, k.kind))
  .map((k) => ({
    group: k.group,
    kind: k.kind,
    namespaced: k.namespaced,
    ...resourceOf(k.group, k.kind)!,
  }));

/** Catalogue kinds with no REST resource here (must stay empty; checked by a test). */
export const unmappedKinds: readonly string[] = catalogue
  .map((k) => `${k.group}/${k.kind}`)
  .filter(
    (key) =>
      !neverListed.has(key) && !resourceOf(key.slice(0, key.indexOf('/')), key.slice(key.indexOf('/') + 1)),
  );

/** `/api/v1/pods` or `/apis/apps/v1/deployments`: the cluster-wide collection URL of a kind at a version. */
export function collectionPath(k: LiveKind, version: string): string {
  const ns = k.namespace ? `/namespaces/${k.namespace}` : '';
  return `${k.group ? `/apis/${k.group}` : '/api'}/${version}${ns}/${k.resource}`;
}

/** `networkpolicies.networking.k8s.io` (or `pods`): how kubectl and RBAC errors name a resource. */
export function resourceName(k: Pick<LiveKind, 'group' | 'resource'>): string {
  return k.group ? `${k.resource}.${k.group}` : k.resource;
}

/** `apps/v1` or `v1`. */
export function apiVersionOf(group: string, version: string): string {
  return group ? `${group}/${version}` : version;
}
