import type { ClusterModel, Pod } from '../../model/types.ts';
import { namespacesNotInInput, readsOtherLabels } from '../policy/index.ts';
import type { Selector } from '../../lib/labels.ts';

/**
 * The matrix judges a namespace absent from the input as labelled only `kubernetes.io/metadata.name`; a
 * NetworkPolicy peer whose namespaceSelector reads another label may match it in the cluster (rule
 * `namespace-labels-unknown`, https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors).
 * One warning naming those namespaces (of the matrix's pods) and policies; none when either list is empty.
 */
export function namespaceLabelWarnings(model: ClusterModel, pods: readonly Pod[]): string[] {
  const absent = namespacesNotInInput(model);
  const namespaces = [...new Set(pods.map((p) => p.namespace).filter((ns) => absent.has(ns)))].sort();
  if (!namespaces.length) return [];
  const policies = model.networkPolicies
    .filter((np) =>
      [...np.ingress, ...np.egress].some(
        (r) => r.peers !== 'all' && r.peers.some((p) => readsOtherLabels(p.namespaceSelector)),
      ),
    )
    .map((np) => np.key);
  // The admin tiers select subjects and peers by namespace labels too.
  const reads = (x: { namespaces?: Selector; pods?: { namespaceSelector: Selector } }) =>
    readsOtherLabels(x.namespaces) || readsOtherLabels(x.pods?.namespaceSelector);
  for (const ap of model.adminPolicies ?? [])
    if (reads(ap.subject) || [...ap.ingress, ...ap.egress].some((r) => r.peers.some(reads)))
      policies.push(ap.key);
  policies.sort();
  if (!policies.length) return [];
  return [
    `namespace(s) ${namespaces.join(', ')} not in the input, so their labels are unknown (kubetwin gives them only kubernetes.io/metadata.name): ${policies.join(', ')} select namespaces by other labels, so cells to and from them may be wrong; add the Namespace objects to the input`,
  ];
}
