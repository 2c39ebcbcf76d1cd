/**
 * `toServices` where Cilium's documented behaviour stops: a Service with a selector, and `toServices` with
 * `toPorts`. Verdicts they touch name them as not modeled (reach/test: unknown).
 * https://docs.cilium.io/en/stable/security/policy/language/#services-based
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor, verdict } from './_test-helpers.ts';

const profile = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: cilium}\n';
const svc = `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: "y"}\nspec: {selector: {pod: b}, ports: [{port: 80}]}`;
const cnp = (rule: string) =>
  `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: svc, namespace: x}\nspec:\n  endpointSelector: {matchLabels: {pod: a}}\n  egress:\n  - toServices: [{k8sService: {serviceName: web, namespace: "y"}}]\n${rule}`;
const notModeled = (rule: string, to: string) =>
  verdict(engineFor(e2eTopology(`${svc}\n---\n${cnp(rule)}`), { profile }), 'x/a', to, 80).warnings.filter(
    (w) => w.endsWith('is not modeled by kubetwin and may change this verdict'),
  );

// "These rules will only take effect on Kubernetes services without a selector."
test('rule cilium-to-services-selector-unknown: toServices naming a Service with a selector does not confidently admit its pods', () => {
  assert.deepEqual(notModeled('', 'y/b'), [
    'CiliumNetworkPolicy/x/svc egress[0].toServices[0] (a Service with a selector, which Cilium documents toServices as not applying to) is not modeled by kubetwin and may change this verdict',
  ]);
  assert.deepEqual(notModeled('', 'y/c'), [], 'a pod the rule does not match: denied either way');
});

// "toServices statements cannot be combined with toPorts statements in the same rule" (Limitations).
test('rule cilium-to-services-with-ports-unknown: toServices with toPorts makes every egress verdict of the pod unknown', () => {
  const rule = '    toPorts: [{ports: [{port: "80"}]}]';
  assert.deepEqual(notModeled(rule, 'ip:8.8.8.8'), [
    'CiliumNetworkPolicy/x/svc egress[0].toServices with toPorts is not modeled by kubetwin and may change this verdict',
  ]);
});
