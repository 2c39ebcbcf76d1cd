import { labelKeyProblem, labelValueProblem } from '../lib/label-validation.ts';
import { everything, type Requirement, type Selector, type SelectorOperator } from '../lib/labels.ts';
import type { PathSegment } from '../parse/index.ts';
import type { FieldReader } from './_fields.ts';

const operators: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** How one API reads a LabelSelector: kubetwin's two readers differ only in these. */
export interface SelectorDialect {
  /** The key the engine matches for a key as written. */
  readonly key: (key: string) => string;
  /**
   * apimachinery's checks: null is absent, keys and values follow label syntax, Exists/DoesNotExist take no
   * values. Off for Cilium's EndpointSelector, whose keys carry source prefixes (`k8s:`, `reserved:`).
   */
  readonly strict: boolean;
  /** Requirements sorted by key (Cilium selectors are compared and scoped by key). */
  readonly sorted: boolean;
  /** The fix a malformed selector's diagnostic gives. */
  readonly hint: string;
}

const kubernetes: SelectorDialect = {
  key: (k) => k,
  strict: true,
  sorted: false,
  hint: 'Fix the selector; the API server would refuse this object.',
};

/**
 * Reads a `metav1.LabelSelector` and validates it as apimachinery's ValidateLabelSelector does: In/NotIn
 * need values, Exists/DoesNotExist must have none, keys and values follow label syntax. Returns undefined
 * (and reports `invalid-selector`) when the selector is invalid; `{}` selects everything. Another `dialect`
 * reads the same shape as another API does (Cilium's EndpointSelector, `_cilium-selectors.ts`).
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#resources-that-support-set-based-requirements
 */
export function readSelector(
  f: FieldReader,
  path: readonly PathSegment[],
  dialect: SelectorDialect = kubernetes,
): Selector | undefined {
  if (dialect.strict) {
    const raw = f.get(path);
    if (raw === undefined || raw === null) return undefined;
  }
  if (!f.map(path)) return undefined;
  let ok = true;
  const bad = (p: readonly PathSegment[], message: string) => {
    ok = false;
    f.report('invalid-selector', 'error', p, message, dialect.hint);
  };
  const requirements: Requirement[] = [];
  const matchLabels = f.stringMap([...path, 'matchLabels']);
  for (const key of Object.keys(matchLabels)) {
    const problem = dialect.strict
      ? (labelKeyProblem(key) ?? labelValueProblem(matchLabels[key]))
      : undefined;
    if (problem) bad([...path, 'matchLabels', key], `matchLabels: ${problem}`);
    requirements.push(labelRequirement(dialect.key(key), matchLabels[key]));
  }
  f.list([...path, 'matchExpressions']).forEach((_, i) => {
    const at = [...path, 'matchExpressions', i];
    const key = f.str([...at, 'key']);
    const operator = f.str([...at, 'operator']);
    const values = f.list([...at, 'values']).map((_, j) => f.str([...at, 'values', j]) ?? '');
    if (!key) return bad(at, `matchExpressions[${i}] has no key`);
    const keyProblem = dialect.strict ? labelKeyProblem(key) : undefined;
    if (keyProblem) return bad([...at, 'key'], `matchExpressions[${i}].key: ${keyProblem}`);
    if (!operator || !operators.includes(operator as SelectorOperator))
      return bad(
        [...at, 'operator'],
        `matchExpressions[${i}].operator "${operator ?? ''}" is not one of In, NotIn, Exists, DoesNotExist`,
      );
    const op = operator as SelectorOperator;
    if ((op === 'In' || op === 'NotIn') && values.length === 0)
      return bad([...at, 'values'], `matchExpressions[${i}]: operator ${op} needs at least one value`);
    if (dialect.strict && (op === 'Exists' || op === 'DoesNotExist') && values.length > 0)
      return bad([...at, 'values'], `matchExpressions[${i}]: operator ${op} must not have values`);
    for (const v of dialect.strict ? values : []) {
      const problem = labelValueProblem(v);
      if (problem) return bad([...at, 'values'], `matchExpressions[${i}].values: ${problem}`);
    }
    requirements.push({ key: dialect.key(key), operator: op, values: [...new Set(values)].sort() });
  });
  if (!ok) return undefined;
  if (dialect.sorted) requirements.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  // A copy sized to its items (`push` reserved 17 slots for the first): every policy and workload keeps one.
  return requirements.length ? { requirements: requirements.slice() } : everything;
}

/**
 * The requirement of one `matchLabels` entry (`key In [value]`), one object per key and value: the same labels are
 * selected by thousands of policies, peers and workloads (100,000 requirements at 150k pods, a few thousand
 * distinct), and each kept its own requirement and values array — ~8 MB the young collector copied twice (design
 * note 0006, Decision 18). Shared like every model value: nobody mutates one (the model's types are readonly), and
 * no reader keys a map by a requirement's identity. Bounded, as a process that keeps rebuilding (watch mode) meets
 * new labels: a new table past 65,536 requirements.
 */
export function labelRequirement(key: string, value: string): Requirement {
  let byValue = labelRequirements.get(key);
  if (!byValue) labelRequirements.set(key, (byValue = new Map()));
  let r = byValue.get(value);
  if (!r) {
    if (labelRequirementCount >= 65_536) {
      labelRequirements = new Map([[key, (byValue = new Map())]]);
      labelRequirementCount = 0;
    }
    byValue.set(value, (r = { key, operator: 'In', values: [value] }));
    labelRequirementCount++;
  }
  return r;
}

let labelRequirements = new Map<string, Map<string, Requirement>>();
let labelRequirementCount = 0;
