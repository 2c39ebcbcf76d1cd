/**
 * Doctor's "did you mean" on selectors that match no pod: Sock Shop renamed `name: cart` to `name: carts` and two
 * upstream policies kept `cart` (examples/sock-shop/manifests-policy.yaml).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { runDoctor } from './index.ts';

const pod = (name: string, label: string) =>
  `---\napiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, labels: {name: ${label}}}\nspec: {containers: [{name: c, image: x}]}\n`;
const policy = (selects: string, from: string) =>
  `---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: {matchLabels: {name: ${selects}}}\n  ingress: [{from: [{podSelector: {matchLabels: {name: ${from}}}}]}]\n`;
const messages = (yaml: string) =>
  runDoctor(buildYaml(yaml).model, {})
    .filter((f) => f.code === 'policy-selects-no-pods' || f.code === 'peer-selects-nothing')
    .map((f) => f.message);

test('a selector one rename away from the pods names the label value they carry', () => {
  assert.deepEqual(messages(pod('carts', 'carts') + pod('db', 'carts-db') + policy('cart', 'cart')), [
    'NetworkPolicy default/p selects name=cart, which matches no pod in default — 1 pod(s) carry name=carts: did you mean name: carts?',
    'default/p ingress[0] peer 0: podSelector name=cart matches no pod in default — 1 pod(s) carry name=carts: did you mean name: carts?',
  ]);
});

test('no hint for values that are not near (a is not a typo of b), nor when the fixed selector still matches nothing', () => {
  assert.deepEqual(messages(pod('a', 'a') + policy('b', 'zzz')), [
    'NetworkPolicy default/p selects name=b, which matches no pod in default',
    'default/p ingress[0] peer 0: podSelector name=zzz matches no pod in default',
  ]);
});
