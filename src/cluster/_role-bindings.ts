import { byNamespaceName } from '../model/keys.ts';
import type { RoleBinding, RoleBindingSubject } from '../model/rbac.ts';
import type { Envelope } from './_envelope.ts';
import { metaOf } from './_envelope.ts';

const subjectKinds: readonly RoleBindingSubject['kind'][] = ['ServiceAccount', 'User', 'Group'];

/**
 * RoleBindings and ClusterRoleBindings (rbac.authorization.k8s.io/v1): their `subjects`, read with the field types
 * of the API reference (a value of another type is `invalid-field-type` at its line and the binding is left out,
 * as the API server refuses it) and checked as the API server's ValidateRoleBindingSubject checks them: a name is
 * required, the kind is ServiceAccount, User or Group, and a ClusterRoleBinding's ServiceAccount names its
 * namespace. `roleRef` is not read.
 * https://kubernetes.io/docs/reference/kubernetes-api/authorization-resources/role-binding-v1/,
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/rbac/validation/validation.go
 */
export function buildRoleBindings(envs: readonly Envelope[]): RoleBinding[] {
  const out: RoleBinding[] = [];
  for (const env of envs) {
    if (env.group !== 'rbac.authorization.k8s.io') continue;
    if (env.kind !== 'RoleBinding' && env.kind !== 'ClusterRoleBinding') continue;
    const binding = readBinding(env, env.kind);
    if (!env.f.invalid) out.push(binding);
  }
  return out.sort(byNamespaceName);
}

function readBinding(env: Envelope, kind: RoleBinding['kind']): RoleBinding {
  const f = env.f;
  const list = f.cursor(['subjects']);
  const subjects: RoleBindingSubject[] = [];
  f.list(['subjects']).forEach((_, i) => {
    if (!list.map(i)) return;
    const s = list.at(i);
    const subjectKind = s.str('kind');
    const name = s.str('name');
    const namespace = s.str('namespace');
    if (!name && absent(s.get('name')))
      f.report(
        'missing-field',
        'error',
        s.pathOf('name'),
        `subjects[${i}].name is required`,
        'Name the ServiceAccount, user or group the binding grants.',
      );
    if (!subjectKinds.includes(subjectKind as RoleBindingSubject['kind'])) {
      if (subjectKind === undefined && !absent(s.get('kind'))) return; // of another type: reported by the read
      f.report(
        subjectKind ? 'invalid-field' : 'missing-field',
        'error',
        s.pathOf('kind'),
        subjectKind
          ? `subjects[${i}].kind "${subjectKind}" must be ServiceAccount, User or Group`
          : `subjects[${i}].kind is required (ServiceAccount, User or Group)`,
        'Fix the subject; the API server refuses this binding, so kubetwin leaves it out.',
      );
      return;
    }
    if (subjectKind === 'ServiceAccount' && kind === 'ClusterRoleBinding' && absent(s.get('namespace')))
      f.report(
        'missing-field',
        'error',
        s.pathOf('namespace'),
        `subjects[${i}].namespace is required for a ServiceAccount in a ClusterRoleBinding`,
        "Add the ServiceAccount's namespace.",
      );
    if (name)
      subjects.push({
        kind: subjectKind as RoleBindingSubject['kind'],
        name,
        ...(namespace ? { namespace } : {}),
      });
  });
  return {
    ...metaOf(env),
    kind,
    ...(kind === 'RoleBinding' ? { namespace: env.namespace ?? 'default' } : {}),
    subjects,
  };
}

/** Unset, null or empty: what the API server's `len(x) == 0` calls missing (a value of another type is not). */
const absent = (v: unknown): boolean => v === undefined || v === null || v === '';
