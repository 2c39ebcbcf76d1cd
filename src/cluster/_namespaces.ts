import type { Diagnostic } from '../model/diagnostic.ts';
import type { Namespace } from '../model/types.ts';
import { objectKey } from '../model/keys.ts';
import type { Envelope } from './_envelope.ts';

/** Namespaces every cluster has (kube-apiserver creates them at start). */
export const systemNamespaces = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

/**
 * Declared namespaces, the system ones, and one implicit namespace for each name that objects use but no
 * manifest declares (reported: `kubectl apply` would fail on them until it exists). Every namespace carries
 * the immutable label `kubernetes.io/metadata.name` set by the API server.
 * https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-namespace-by-its-name
 */
export function buildNamespaces(envs: readonly Envelope[], sink: (d: Diagnostic) => void): Namespace[] {
  const byName = new Map<string, Namespace>();
  for (const env of envs) {
    if (env.kind !== 'Namespace') continue;
    byName.set(env.name, {
      key: env.key,
      name: env.name,
      labels: { ...env.labels, 'kubernetes.io/metadata.name': env.name },
      annotations: env.annotations,
      source: env.raw.source,
      implicit: false,
    });
  }
  for (const name of systemNamespaces)
    if (!byName.has(name))
      byName.set(name, {
        key: objectKey('Namespace', undefined, name),
        name,
        labels: { 'kubernetes.io/metadata.name': name },
        annotations: {},
        implicit: false,
      });
  for (const env of envs) {
    if (!env.namespace || byName.has(env.namespace)) continue;
    byName.set(env.namespace, {
      key: objectKey('Namespace', undefined, env.namespace),
      name: env.namespace,
      labels: { 'kubernetes.io/metadata.name': env.namespace },
      annotations: {},
      implicit: true,
    });
    sink({
      code: 'implicit-namespace',
      severity: 'warning',
      message: `namespace ${env.namespace} is used by ${env.key} but no manifest declares it; kubetwin creates it with only the kubernetes.io/metadata.name label, so a verdict that rests on its other labels (a namespaceSelector on them) is unknown`,
      source: env.raw.locate(['metadata', 'namespace']),
      object: env.key,
      hint: `Add a Namespace manifest for ${env.namespace} (kubectl apply fails with 'namespaces "${env.namespace}" not found' otherwise).`,
    });
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}
