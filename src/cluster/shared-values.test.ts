import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from './_test-helpers.ts';
import { labelRequirement } from './_selectors.ts';

const policy = (name: string, app: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: shop}
spec:
  podSelector: {matchLabels: {app: ${app}, tier: front}}
  ingress:
    - from:
        - podSelector: {matchLabels: {app: ${app}}}
`;

test('matchLabels requirements: one object per key and value, shared by every selector that writes it', () => {
  const { model } = buildYaml([policy('a', 'web'), policy('b', 'web'), policy('c', 'api')].join('---\n'));
  const [a, b, c] = model.networkPolicies;
  const peer = (p: typeof a) => (p.ingress[0].peers as readonly { podSelector?: typeof p.podSelector }[])[0];
  assert.deepEqual(a.podSelector.requirements, [
    { key: 'app', operator: 'In', values: ['web'] },
    { key: 'tier', operator: 'In', values: ['front'] },
  ]);
  assert.equal(a.podSelector.requirements[0], b.podSelector.requirements[0]);
  assert.equal(a.podSelector.requirements[0], peer(b).podSelector!.requirements[0]);
  assert.equal(a.podSelector.requirements[1], c.podSelector.requirements[1]);
  assert.notEqual(a.podSelector.requirements[0], c.podSelector.requirements[0]);
  assert.deepEqual(c.podSelector.requirements[0], { key: 'app', operator: 'In', values: ['api'] });
});

test('matchLabels requirements: the table is bounded, and a requirement made again is equal', () => {
  const first = labelRequirement('bound-test', 'v0');
  assert.equal(labelRequirement('bound-test', 'v0'), first);
  for (let i = 1; i <= 65_536; i++) labelRequirement('bound-test', `v${i}`);
  const again = labelRequirement('bound-test', 'v0');
  assert.notEqual(again, first, 'the table was emptied past its bound');
  assert.deepEqual(again, { key: 'bound-test', operator: 'In', values: ['v0'] });
});

test('absent or empty string maps: one frozen empty map, shared, that no write reaches', () => {
  const { model } = buildYaml(
    [
      policy('a', 'web'),
      policy('b', 'web').replace('metadata: {name: b,', 'metadata: {labels: {}, name: b,'),
    ].join('---\n'),
  );
  const [a, b] = model.networkPolicies;
  assert.deepEqual([a.labels, a.annotations, b.labels], [{}, {}, {}]);
  assert.equal(a.labels, b.labels);
  assert.equal(a.labels, a.annotations);
  assert.ok(Object.isFrozen(a.labels));
  assert.throws(() => {
    (a.labels as Record<string, string>).x = 'y';
  }, TypeError);
  assert.deepEqual(b.labels, {});
});
