/**
 * RoleBindings and ClusterRoleBindings as kubetwin reads them (`src/cluster/_role-bindings.ts`): who they bind,
 * and the role they bind them to (`roleRef`). The referenced role's rules are not read: any binding of a
 * workload's ServiceAccount counts as API access (`src/analysis/flows`).
 * https://kubernetes.io/docs/reference/kubernetes-api/authorization-resources/role-binding-v1/
 */
import type { ObjectMeta } from './types.ts';

/** One `subjects[]` entry, as written (the API server defaults nothing the analyses read). */
export interface RoleBindingSubject {
  /** `ServiceAccount`, `User` or `Group` (the API server refuses another kind). */
  readonly kind: 'ServiceAccount' | 'User' | 'Group';
  readonly name: string;
  /** A ServiceAccount's namespace; empty in a RoleBinding means the binding's own. */
  readonly namespace?: string;
}

/**
 * `roleRef`: the Role (in a RoleBinding's own namespace) or ClusterRole whose rules the binding grants. Its apiGroup
 * is always `rbac.authorization.k8s.io` (the API server refuses another), so it is not kept.
 */
export interface RoleRef {
  /** `Role` or `ClusterRole`; a ClusterRoleBinding refers to a ClusterRole only. */
  readonly kind: 'Role' | 'ClusterRole';
  readonly name: string;
}

export interface RoleBinding extends ObjectMeta {
  readonly kind: 'RoleBinding' | 'ClusterRoleBinding';
  /** A RoleBinding's namespace; undefined for a ClusterRoleBinding. */
  readonly namespace?: string;
  readonly subjects: readonly RoleBindingSubject[];
  readonly roleRef: RoleRef;
}
