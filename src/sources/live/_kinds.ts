/**
 * The API resources the live source lists: every kind of the support catalogue (src/model/catalogue.ts) except
 * Secret, with its REST resource name and the versions to try, newest first. A kind missing here is a bug that
 * `kinds.test.ts` catches, so a kind added to the catalogue cannot silently be left unread.
 * Paths follow https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-uris.
 */
import { kinds as catalogue } from '../../model/catalogue.ts';

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
  'monitoring.coreos.com/ServiceMonitor': { resource: 'servicemonitors', versions: ['v1'] },
  'k8s.otterize.com/ClientIntents': { resource: 'clientintents', versions: ['v2', 'v2beta1', 'v1alpha3'] },
};

/** Secrets are never listed: only `get` of the TLS Secrets routes reference, with --read-tls-secrets. */
const neverListed = new Set(['/Secret']);

/** The kinds listed (and watched), in catalogue order. */
export const liveKinds: readonly LiveKind[] = catalogue
  .filter((k) => !neverListed.has(`${k.group}/${k.kind}`) && resources[`${k.group}/${k.kind}`])
  .map((k) => ({
    group: k.group,
    kind: k.kind,
    namespaced: k.namespaced,
    ...resources[`${k.group}/${k.kind}`],
  }));

/** Catalogue kinds with no REST resource here (must stay empty; checked by a test). */
export const unmappedKinds: readonly string[] = catalogue
  .map((k) => `${k.group}/${k.kind}`)
  .filter((key) => !neverListed.has(key) && !resources[key]);

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
