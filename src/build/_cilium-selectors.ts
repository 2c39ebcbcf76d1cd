import { everything, type Requirement, type Selector, type SelectorOperator } from '../lib/labels.ts';
import { ciliumLabels } from '../model/cilium-policy.ts';
import type { PathSegment } from '../parse/index.ts';
import type { FieldReader } from './_fields.ts';

const operators: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

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
  if (!f.map(path)) return undefined;
  let ok = true;
  const bad = (p: readonly PathSegment[], message: string) => {
    ok = false;
    f.report('invalid-selector', 'error', p, message, 'Fix the selector; Cilium refuses this policy.');
  };
  const requirements: Requirement[] = [];
  const matchLabels = f.stringMap([...path, 'matchLabels']);
  for (const key of Object.keys(matchLabels))
    requirements.push({ key: ciliumKey(key), operator: 'In', values: [matchLabels[key]] });
  f.list([...path, 'matchExpressions']).forEach((_, i) => {
    const at = [...path, 'matchExpressions', i];
    const key = f.str([...at, 'key']);
    const operator = f.str([...at, 'operator']);
    const values = f.list([...at, 'values']).map((_, j) => f.str([...at, 'values', j]) ?? '');
    if (!key) return bad(at, `matchExpressions[${i}] has no key`);
    if (!operator || !operators.includes(operator as SelectorOperator))
      return bad(
        [...at, 'operator'],
        `matchExpressions[${i}].operator "${operator ?? ''}" is not one of In, NotIn, Exists, DoesNotExist`,
      );
    const op = operator as SelectorOperator;
    if ((op === 'In' || op === 'NotIn') && values.length === 0)
      return bad([...at, 'values'], `matchExpressions[${i}]: operator ${op} needs at least one value`);
    requirements.push({ key: ciliumKey(key), operator: op, values: [...new Set(values)].sort() });
  });
  if (!ok) return undefined;
  return requirements.length ? { requirements: sortRequirements(requirements) } : everything;
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

function sortRequirements(rs: Requirement[]): Requirement[] {
  return rs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
