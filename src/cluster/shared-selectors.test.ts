/**
 * NetworkPolicy selectors are shared within a build (`_shared-selectors.ts`): one object for the same requirement
 * objects in the same order, never one object for selectors that differ. Sharing changes no verdict: a selector's
 * meaning is its requirements (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Selector } from '../lib/labels.ts';
import type { NetworkPolicy } from '../model/types.ts';
import { buildYaml } from './_test-helpers.ts';

const policy = (name: string, podSelector: string, peers: string[]) => `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: x}
spec:
  podSelector: ${podSelector}
  ingress:
  - from:
${peers.map((p) => `    - ${p}`).join('\n')}
`;

const yaml = [
  'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n',
  policy('a', '{matchLabels: {app: web}}', [
    'podSelector: {matchLabels: {app: web}}',
    'namespaceSelector: {matchLabels: {team: t}}',
    'podSelector: {matchLabels: {app: web, tier: front}}',
  ]),
  policy('b', '{matchLabels: {app: web}}', [
    'podSelector: {matchLabels: {app: api}}',
    'namespaceSelector: {matchLabels: {team: t}}\n      podSelector: {matchLabels: {app: web}}',
    'podSelector: {matchLabels: {tier: front, app: web}}',
    'podSelector: {matchLabels: {app: web, tier: back}}',
    'podSelector: {matchExpressions: [{key: app, operator: In, values: [web]}]}',
    'podSelector: {matchLabels: {app: web}, matchExpressions: [{key: tier, operator: Exists}]}',
    'podSelector: {}',
  ]),
].join('');

/** Every selector of a policy, with where it was read. */
function selectorsOf(np: NetworkPolicy): { at: string; selector: Selector }[] {
  const out = [{ at: `${np.name} podSelector`, selector: np.podSelector }];
  const rule = np.ingress[0];
  if (rule.peers !== 'all')
    rule.peers.forEach((p, i) => {
      if (p.podSelector) out.push({ at: `${np.name} from[${i}].podSelector`, selector: p.podSelector });
      if (p.namespaceSelector)
        out.push({ at: `${np.name} from[${i}].namespaceSelector`, selector: p.namespaceSelector });
    });
  return out;
}

test('SharedSelectors: NetworkPolicy selectors with the same requirements in the same order are one object, selectors that differ never are', () => {
  const { model, diagnostics } = buildYaml(yaml);
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const [a, b] = model.networkPolicies;
  const all = [...selectorsOf(a), ...selectorsOf(b)];
  // Shared: the same matchLabels read by two policies and by peers, alone or beside a namespaceSelector.
  const webs = all.filter((s) => /podSelector$/.test(s.at) && s.selector === a.podSelector).map((s) => s.at);
  assert.deepEqual(webs, [
    'a podSelector',
    'a from[0].podSelector',
    'b podSelector',
    'b from[1].podSelector',
  ]);
  const ab = a.ingress[0].peers;
  const bb = b.ingress[0].peers;
  assert.ok(ab !== 'all' && bb !== 'all');
  assert.equal(ab[1].namespaceSelector, bb[1].namespaceSelector);
  // matchLabels are read in key order, so `{tier: front, app: web}` is `{app: web, tier: front}`.
  assert.equal(ab[2].podSelector, bb[2].podSelector);
  // Never one object for different requirements: a value, an added key or requirement.
  for (const x of all)
    for (const y of all)
      if (x.selector === y.selector)
        assert.deepEqual(x.selector.requirements, y.selector.requirements, `${x.at} / ${y.at}`);
  const distinct = new Set(all.map((s) => s.selector));
  // web (×4), team=t (×2), web+front (×2), api, web+back, the matchExpressions one, web+Exists, {}.
  assert.equal(distinct.size, 8);
  // The same selector written as matchExpressions keeps its own object (its requirement is read anew), and
  // selects as the matchLabels one does.
  const expr = bb[4].podSelector!;
  assert.notEqual(expr, a.podSelector);
  assert.deepEqual(expr.requirements, a.podSelector.requirements);
});
