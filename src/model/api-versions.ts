/**
 * The versions the Kubernetes API server serves for the built-in kinds kubetwin reads (Kubernetes 1.30–1.34), by
 * group. A manifest whose apiVersion names a version or group the server does not serve for its kind is refused by
 * `kubectl apply` ("no matches for kind … in version …"), so kubetwin leaves it out with an error instead of
 * reading it as if it applied. CRD groups (Gateway API, Cilium, meshes) are not listed: which versions a cluster
 * serves depends on what was installed.
 * https://kubernetes.io/docs/reference/generated/kubernetes-api/ (one page per version), and the
 * deprecation guide for what was removed: https://kubernetes.io/docs/reference/using-api/deprecation-guide/
 */
export const servedVersions: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  '': Object.fromEntries(
    [
      'Namespace',
      'Node',
      'Pod',
      'Service',
      'Endpoints',
      'ConfigMap',
      'Secret',
      'ServiceAccount',
      'PersistentVolumeClaim',
      'PersistentVolume',
      'LimitRange',
      'ResourceQuota',
    ].map((k) => [k, ['v1']]),
  ),
  apps: Object.fromEntries(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet'].map((k) => [k, ['v1']])),
  batch: { Job: ['v1'], CronJob: ['v1'] },
  autoscaling: { HorizontalPodAutoscaler: ['v1', 'v2'] },
  'rbac.authorization.k8s.io': { RoleBinding: ['v1'], ClusterRoleBinding: ['v1'] },
  'admissionregistration.k8s.io': {
    ValidatingWebhookConfiguration: ['v1'],
    MutatingWebhookConfiguration: ['v1'],
  },
  'discovery.k8s.io': { EndpointSlice: ['v1'] },
  'networking.k8s.io': {
    NetworkPolicy: ['v1'],
    Ingress: ['v1'],
    IngressClass: ['v1'],
    ServiceCIDR: ['v1', 'v1beta1'],
    IPAddress: ['v1', 'v1beta1'],
  },
  policy: { PodDisruptionBudget: ['v1'] },
  'scheduling.k8s.io': { PriorityClass: ['v1'] },
};

/** A kind or apiVersion the API server would not recognise, said as it would refuse it; undefined when fine. */
export interface ApiVersionProblem {
  readonly code: 'invalid-kind' | 'unknown-api-version';
  readonly field: 'kind' | 'apiVersion';
  readonly message: string;
  readonly hint: string;
}

const kindSet = (known: readonly string[]) =>
  new Set([...known, ...Object.values(servedVersions).flatMap((v) => Object.keys(v))]);
/** One set per list of known kinds (the builder passes the same list for every object). */
const kindSets = new WeakMap<readonly string[], Set<string>>();

/**
 * Checks `kind` and `apiVersion` as the API server's discovery does: kinds are case-sensitive (`deployment` is no
 * kind), a built-in kind lives in one group, and a group serves listed versions only (`networking.k8s.io/v2` does
 * not exist). `knownKinds` are the kinds kubetwin reads (the catalogue), checked for spelling too.
 */
export function apiVersionProblem(
  apiVersion: string,
  kind: string,
  knownKinds: readonly string[],
): ApiVersionProblem | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);
  const all = kindSets.get(knownKinds) ?? kindSets.set(knownKinds, kindSet(knownKinds)).get(knownKinds)!;
  if (!all.has(kind)) {
    const lower = kind.toLowerCase();
    const meant = [...all].find((k) => k.toLowerCase() === lower);
    return meant
      ? {
          code: 'invalid-kind',
          field: 'kind',
          message: `kind "${kind}" is not a kind the API server knows (kinds are case-sensitive): kubectl apply fails with no matches for kind "${kind}"`,
          hint: `Write kind: ${meant}.`,
        }
      : undefined;
  }
  const home = Object.entries(servedVersions).find(([, byKind]) => kind in byKind);
  if (!home) return undefined;
  const [homeGroup, byKind] = home;
  const versions = byKind[kind];
  const use = `${homeGroup ? homeGroup + '/' : ''}${versions[0]}`;
  if (group !== homeGroup && group in servedVersions)
    return {
      code: 'unknown-api-version',
      field: 'apiVersion',
      message: `${kind} is not served at ${apiVersion}: it belongs to the ${homeGroup ? `${homeGroup} group` : 'core group'}, so the API server refuses it`,
      hint: `Write apiVersion: ${use}.`,
    };
  if (group === homeGroup && !versions.includes(version))
    return {
      code: 'unknown-api-version',
      field: 'apiVersion',
      message: `${apiVersion} does not serve ${kind} (served: ${versions.map((v) => (homeGroup ? `${homeGroup}/${v}` : v)).join(', ')}), so the API server refuses it`,
      hint: `Write apiVersion: ${use}.`,
    };
  return undefined;
}
