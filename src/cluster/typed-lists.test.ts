import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml, codes } from './_test-helpers.ts';

test('typed lists: a PodList and a NamespaceList dump build their items (not an empty cluster)', () => {
  const { model, diagnostics } = buildYaml(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'NamespaceList',
      items: [{ metadata: { name: 'shop', labels: { team: 'a' } } }],
    }) +
      '\n---\n' +
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'PodList',
        metadata: { resourceVersion: '12' },
        items: [{ metadata: { name: 'web', namespace: 'shop' }, spec: { containers: [{ name: 'c' }] } }],
      }),
  );
  assert.ok(!codes(diagnostics).includes('missing-field'), codes(diagnostics).join(', '));
  assert.deepEqual(
    model.pods.filter((p) => p.namespace === 'shop').map((p) => p.key),
    ['Pod/shop/web'],
  );
  assert.equal(model.namespaces.find((n) => n.name === 'shop')?.labels.team, 'a');
});
