import type { ClusterModel, Pod } from '../../model/types.ts';
import type { RoleBinding } from '../../model/rbac.ts';
import type { Call } from './_calls.ts';
import type { Evidence } from './types.ts';

/** A binding's grant to ServiceAccounts: one named account, every account of a namespace, or every account. */
type Grantee =
  | { readonly kind: 'account'; readonly namespace: string; readonly name: string }
  | { readonly kind: 'namespace'; readonly namespace: string }
  | { readonly kind: 'all' };

/**
 * The ServiceAccounts a RoleBinding or ClusterRoleBinding binds, as the RBAC authorizer matches a request's user
 * against a subject (appliesToUser, pkg/registry/rbac/validation/rule.go): a `ServiceAccount` subject (without a
 * namespace, in a RoleBinding, the binding's own namespace); a `User` subject named as a ServiceAccount's user name,
 * `system:serviceaccount:NAMESPACE:NAME`; and a `Group` subject naming a group every ServiceAccount's token carries,
 * `system:serviceaccounts` (all) or `system:serviceaccounts:NAMESPACE`.
 * https://kubernetes.io/docs/reference/access-authn-authz/rbac/#referring-to-subjects,
 * https://kubernetes.io/docs/reference/access-authn-authz/rbac/#service-account-permissions
 */
function granteesOf(binding: RoleBinding): Grantee[] {
  return binding.subjects.flatMap((s): Grantee[] => {
    if (s.kind === 'ServiceAccount') {
      const namespace = s.namespace || binding.namespace;
      return namespace ? [{ kind: 'account', namespace, name: s.name }] : [];
    }
    if (s.kind === 'User') {
      const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(s.name);
      return m ? [{ kind: 'account', namespace: m[1], name: m[2] }] : [];
    }
    if (s.name === 'system:serviceaccounts') return [{ kind: 'all' }];
    const m = /^system:serviceaccounts:([^:]+)$/.exec(s.name);
    return m ? [{ kind: 'namespace', namespace: m[1] }] : [];
  });
}

const grants = (g: Grantee, pod: Pod): boolean =>
  g.kind === 'all' ||
  (g.namespace === pod.namespace && (g.kind === 'namespace' || g.name === pod.serviceAccountName));

/**
 * Calls to the Kubernetes API (rule `rbac-bound-workloads-call-the-api`): a workload whose ServiceAccount a
 * RoleBinding or ClusterRoleBinding in the input binds has been granted API access, which is what a controller, an
 * operator or an ingress controller uses to watch the cluster; its pods call the API server through the `kubernetes`
 * Service of `default` on 443. In-cluster clients dial that Service's address from the `KUBERNETES_SERVICE_HOST`
 * and `KUBERNETES_SERVICE_PORT` variables the kubelet sets, not a DNS name
 * (https://kubernetes.io/docs/tasks/run-application/access-api-from-pod/#directly-accessing-the-rest-api), so the
 * step goes to the Service, without a lookup. Pods read back as finished make no call. Without the `kubernetes`
 * Service in the model, the calls are said, not made into steps.
 */
export function callsToApi(model: ClusterModel): { calls: Call[]; skipped: Evidence[] } {
  const bindings = model.roleBindings ?? [];
  if (!bindings.length) return { calls: [], skipped: [] };
  const granted = bindings.map((b) => ({ binding: b, grantees: granteesOf(b) }));
  const api = model.services.find((s) => s.namespace === 'default' && s.name === 'kubernetes');
  const port = api?.ports.find((p) => p.port === 443 && p.protocol === 'TCP') ?? api?.ports[0];
  const calls: Call[] = [];
  const skipped: Evidence[] = [];
  const seen = new Set<string>();
  for (const pod of model.pods) {
    const owner = pod.owner ?? pod.key;
    if (seen.has(owner) || pod.phase === 'Succeeded' || pod.phase === 'Failed') continue;
    const by = granted.find((g) => g.grantees.some((x) => grants(x, pod)));
    if (!by) continue;
    seen.add(owner);
    const text = `${owner} runs as ServiceAccount ${pod.namespace}/${pod.serviceAccountName}, bound by ${by.binding.kind} ${by.binding.namespace ? `${by.binding.namespace}/` : ''}${by.binding.name} to ${by.binding.roleRef.kind} ${by.binding.roleRef.name}: it calls the Kubernetes API`;
    if (!api || !port) {
      skipped.push({
        text: `${text}, and the input has no Service default/kubernetes`,
        source: by.binding.source,
      });
      continue;
    }
    calls.push({
      from: { kind: 'ref', namespace: pod.namespace, name: owner.split('/').pop()! },
      owner,
      to: { kind: 'service', namespace: 'default', name: 'kubernetes', port: port.port, protocol: 'TCP' },
      evidence: [{ text, source: by.binding.source }],
      confidence: 'high',
      via: 'api',
    });
  }
  return { calls, skipped };
}
