import { byNamespaceName } from '../model/keys.ts';
import type { RoleBinding, RoleBindingSubject, RoleRef } from '../model/rbac.ts';
import type { Envelope } from './_envelope.ts';
import { metaOf } from './_envelope.ts';

const subjectKinds: readonly RoleBindingSubject['kind'][] = ['ServiceAccount', 'User', 'Group'];

/**
 * RoleBindings and ClusterRoleBindings (rbac.authorization.k8s.io/v1): their `subjects`, read with the field types
 * of the API reference (a value of another type is `invalid-field-type` at its line and the binding is left out,
 * as the API server refuses it) and checked as the API server's ValidateRoleBindingSubject checks them: a name is
 * required, the kind is ServiceAccount, User or Group, and a ClusterRoleBinding's ServiceAccount names its
 * namespace; and its `roleRef` as ValidateRoleBinding and ValidateClusterRoleBinding check it: apiGroup
 * `rbac.authorization.k8s.io`, kind `Role` or `ClusterRole` (a ClusterRoleBinding's `ClusterRole` only), a name
 * that is a valid path segment (not `.` or `..`, no `/` or `%`). The referenced role's rules are not read.
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
    roleRef: readRoleRef(env, kind),
  };
}

const rbacGroup = 'rbac.authorization.k8s.io';

/**
 * `roleRef`, checked as the API server checks it (a wrong one is reported and, through `env.f.invalid`, leaves the
 * binding out). The returned value is only kept when nothing was reported.
 */
function readRoleRef(env: Envelope, kind: RoleBinding['kind']): RoleRef {
  const f = env.f;
  const kinds = kind === 'ClusterRoleBinding' ? ['ClusterRole'] : ['Role', 'ClusterRole'];
  if (absent(f.get(['roleRef']))) {
    f.report(
      'missing-field',
      'error',
      ['roleRef'],
      `roleRef is required (apiGroup: ${rbacGroup}, kind: ${kinds.join(' or ')}, name)`,
      'Name the role the binding grants.',
    );
    return { kind: 'ClusterRole', name: '' };
  }
  // A roleRef of another type is reported by the read.
  if (f.map(['roleRef']) === undefined) return { kind: 'ClusterRole', name: '' };
  const ref = f.cursor(['roleRef']);
  const apiGroup = ref.str('apiGroup');
  const refKind = ref.str('kind');
  const name = ref.str('name');
  const hint = 'Fix roleRef; the API server refuses this binding, so kubetwin leaves it out.';
  if (apiGroup !== rbacGroup && (apiGroup !== undefined || absent(ref.get('apiGroup'))))
    f.report(
      absent(ref.get('apiGroup')) ? 'missing-field' : 'invalid-field',
      'error',
      ref.pathOf('apiGroup'),
      apiGroup
        ? `roleRef.apiGroup "${apiGroup}" must be ${rbacGroup}`
        : `roleRef.apiGroup is required (${rbacGroup})`,
      hint,
    );
  if (!kinds.includes(refKind ?? '') && (refKind !== undefined || absent(ref.get('kind'))))
    f.report(
      absent(ref.get('kind')) ? 'missing-field' : 'invalid-field',
      'error',
      ref.pathOf('kind'),
      `roleRef.kind ${refKind ? `"${refKind}" must be` : 'is required:'} ${kinds.join(' or ')}${kind === 'ClusterRoleBinding' && refKind === 'Role' ? ' (a ClusterRoleBinding cannot grant a namespaced Role)' : ''}`,
      hint,
    );
  if (absent(ref.get('name')))
    f.report('missing-field', 'error', ref.pathOf('name'), 'roleRef.name is required', hint);
  else if (name !== undefined && (name === '.' || name === '..' || /[/%]/.test(name)))
    f.report(
      'invalid-name',
      'error',
      ref.pathOf('name'),
      `roleRef.name "${name}" is not a valid role name (it may not be "." or ".." nor contain "/" or "%")`,
      hint,
    );
  return { kind: refKind === 'Role' ? 'Role' : 'ClusterRole', name: name ?? '' };
}

/** Unset, null or empty: what the API server's `len(x) == 0` calls missing (a value of another type is not). */
const absent = (v: unknown): boolean => v === undefined || v === null || v === '';
