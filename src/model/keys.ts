import type { ObjectKey } from './types.ts';

/** The one canonical key, printed the same way everywhere: `Kind/namespace/name` or `Kind/name`. */
export function objectKey(kind: string, namespace: string | undefined, name: string): ObjectKey {
  return namespace ? `${kind}/${namespace}/${name}` : `${kind}/${name}`;
}

/** Compare keys (and any strings) by code unit, so ordering never depends on the locale. */
export function byString(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function byKey<T extends { key: string }>(a: T, b: T): number {
  return byString(a.key, b.key);
}

/** Orders namespaced records as kubectl lists them: by namespace, then name. */
export function byNamespaceName<T extends { namespace?: string; name: string; key: string }>(
  a: T,
  b: T,
): number {
  return byString(a.namespace ?? '', b.namespace ?? '') || byString(a.name, b.name) || byString(a.key, b.key);
}
