import type { Requirement, Selector } from '../lib/labels.ts';
import { ciliumLabels } from '../model/cilium-policy.ts';
import type { PathSegment } from '../parse/index.ts';
import type { FieldReader } from './_fields.ts';
import { readSelector } from './_selectors.ts';

/**
 * A Cilium label key as the engine matches it: the `k8s:` and `any:` source prefixes are dropped (pods'
 * identity labels all come from Kubernetes), `reserved:` keys are kept (they name entities). Keys with another
 * source (`container:`, `cidr:`, ...) are kept as written and select no pod.
 * https://docs.cilium.io/en/stable/security/policy/language/#endpoints-based
 */
export function ciliumKey(key: string): string {
  if (key.startsWith('k8s:')) return key.slice(4);
  if (key.startsWith('any:')) return key.slice(4);
  return key;
}

/**
 * Reads a Cilium `EndpointSelector` (a LabelSelector over identity labels) with the source prefixes removed.
 * Undefined (and an `invalid-selector` error) when it is malformed.
 */
export function readCiliumSelector(f: FieldReader, path: readonly PathSegment[]): Selector | undefined {
  return readSelector(f, path, {
    key: ciliumKey,
    strict: false,
    sorted: true,
    hint: 'Fix the selector; Cilium refuses this policy.',
  });
}

/**
 * Scopes a peer selector of a CiliumNetworkPolicy to the policy's namespace unless it names the namespace
 * label; in a CiliumClusterwideNetworkPolicy, a selector that names no namespace selects pods of every namespace
 * (it requires the namespace label to exist, so reserved identities are not selected). Selectors on
 * `reserved:` labels are left as they are. (cilium/cilium pkg/k8s/apis/cilium.io/utils, getEndpointSelector.)
 */
export function scopeSelector(selector: Selector, namespace: string | undefined): Selector {
  if (selector.requirements.some((r) => r.key.startsWith('reserved:'))) return selector;
  if (selector.requirements.some((r) => r.key === ciliumLabels.namespace)) return selector;
  const extra: Requirement =
    namespace === undefined
      ? { key: ciliumLabels.namespace, operator: 'Exists', values: [] }
      : { key: ciliumLabels.namespace, operator: 'In', values: [namespace] };
  return { requirements: sortRequirements([...selector.requirements, extra]) };
}

/**
 * A CiliumNetworkPolicy peer selector that reads namespace labels (`io.cilium.k8s.namespace.labels.*`) but names no
 * namespace: the selector recent Cilium enforces, over every namespace — its sources add the policy's namespace
 * only "if !es.HasKeyPrefix(podK8SNamespaceLabelsPrefix)" (pkg/k8s/apis/cilium.io/utils, getEndpointSelector) —
 * while its documentation and older releases keep it in the policy's namespace ("io.cilium.k8s.namespace.labels
 * will be ignored in CiliumNetworkPolicy resources", https://docs.cilium.io/en/stable/security/policy/kubernetes/).
 * Undefined for every other selector. kubetwin enforces the scoped one; a pod only this one selects is unknown.
 */
export function namespaceLabelsUnscoped(
  selector: Selector,
  namespace: string | undefined,
): Selector | undefined {
  if (namespace === undefined) return undefined;
  const keys = selector.requirements.map((r) => r.key);
  if (keys.some((k) => k.startsWith('reserved:') || k === ciliumLabels.namespace)) return undefined;
  if (!keys.some((k) => k.startsWith(ciliumLabels.namespaceLabels))) return undefined;
  return scopeSelector(selector, undefined);
}

function sortRequirements(rs: Requirement[]): Requirement[] {
  return rs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
