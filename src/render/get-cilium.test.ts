/**
 * `get` lists Cilium policies: `get all` on Cilium's star wars demo printed an empty `networkpolicies` table and
 * nothing else, as if no policy governed the deathstar.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../cluster/_test-helpers.ts';
import { renderGet } from './get.ts';

const policies = `apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: rule1}
spec:
  endpointSelector: {matchLabels: {org: empire, class: deathstar}}
  ingress: [{fromEndpoints: [{matchLabels: {org: empire}}]}]
---
apiVersion: cilium.io/v2
kind: CiliumClusterwideNetworkPolicy
metadata: {name: everywhere}
spec:
  endpointSelector: {}
  egress: [{toEntities: [world]}]
`;

test('get ciliumnetworkpolicies lists both kinds, the selector without the namespace Cilium adds', () => {
  const { model } = buildYaml(policies);
  assert.equal(
    renderGet(model, 'ciliumnetworkpolicies', { wide: true }),
    [
      'NAMESPACE   NAME         KIND                             ENDPOINT-SELECTOR            INGRESS-RULES   EGRESS-RULES',
      '<none>      everywhere   CiliumClusterwideNetworkPolicy   <all pods>                   0               1',
      'default     rule1        CiliumNetworkPolicy              class=deathstar,org=empire   1               0',
      '',
    ].join('\n'),
  );
});

test('get all shows the Cilium policies section only when the input holds Cilium policies', () => {
  assert.match(
    renderGet(buildYaml(policies).model, 'all', { namespace: 'default', wide: false }),
    /# ciliumnetworkpolicies\n/,
  );
  assert.doesNotMatch(renderGet(buildYaml('').model, 'all', { namespace: 'default', wide: false }), /cilium/);
});
