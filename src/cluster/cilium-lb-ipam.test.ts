/**
 * Cilium LB IPAM (src/cluster/_cilium-lb-ipam.ts), on the pools and Services of its documentation:
 * https://docs.cilium.io/en/stable/network/lb-ipam/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml, codes } from './_test-helpers.ts';
import { parseFlowTarget } from '../analysis/flows/index.ts';
import { createTraceContext, trace } from '../analysis/trace/index.ts';

const bluePool = `apiVersion: cilium.io/v2alpha1
kind: CiliumLoadBalancerIPPool
metadata: {name: blue-pool}
spec:
  blocks: [{cidr: 20.0.10.0/24}]
  serviceSelector:
    matchExpressions: [{key: color, operator: In, values: [blue, cyan]}]
---
`;

const service = (name: string, labels: string, annotations = '', spec = '') => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: example, labels: {${labels}}${annotations ? `, annotations: {${annotations}}` : ''}}
spec: {type: LoadBalancer, ${spec}ports: [{port: 1234}]}
---
`;

const build = (yaml: string) =>
  buildYaml(`apiVersion: v1\nkind: Namespace\nmetadata: {name: example}\n---\n${yaml}`);
const svc = (m: ReturnType<typeof build>['model'], name: string) => m.services.find((s) => s.name === name)!;

test('rule cilium-lb-ipam-requested-ips: lbipam.cilium.io/ips in a pool that selects the Service are its addresses', () => {
  const { model } = build(
    bluePool + service('service-blue', 'color: blue', '"lbipam.cilium.io/ips": "20.0.10.100,20.0.10.200"'),
  );
  assert.deepEqual(svc(model, 'service-blue').loadBalancerIngress, ['20.0.10.100', '20.0.10.200']);
  const legacy = build(bluePool + service('service-blue', 'color: blue', '', 'loadBalancerIP: 20.0.10.7, '));
  assert.deepEqual(svc(legacy.model, 'service-blue').loadBalancerIngress, ['20.0.10.7']);
});

test('rule cilium-lb-ipam-no-pool-pending: a Service no enabled pool selects stays pending', () => {
  const { model, diagnostics } = build(bluePool + service('service-red', 'color: red'));
  assert.deepEqual(svc(model, 'service-red').loadBalancerIngress, []);
  assert.equal(svc(model, 'service-red').loadBalancerPending?.undetermined, false);
  assert.ok(codes(diagnostics).includes('cilium-lb-ipam-pending'));
  const disabled = build(
    bluePool.replace('blocks:', 'disabled: true\n  blocks:') + service('service-blue', 'color: blue'),
  );
  assert.equal(svc(disabled.model, 'service-blue').loadBalancerPending?.undetermined, false);
});

test('rule cilium-lb-ipam-service-selector-metadata: io.kubernetes.service.namespace and .name select by the Service metadata', () => {
  const pool = bluePool.replace(
    'matchExpressions: [{key: color, operator: In, values: [blue, cyan]}]',
    'matchLabels: {io.kubernetes.service.namespace: example}',
  );
  const { model } = build(pool + service('service-red', 'color: red', '"lbipam.cilium.io/ips": "20.0.10.9"'));
  assert.deepEqual(svc(model, 'service-red').loadBalancerIngress, ['20.0.10.9']);
});

test('rule cilium-lb-ipam-other-class: a Service of another loadBalancerClass is left alone', () => {
  const { model, diagnostics } = build(
    bluePool + service('service-blue', 'color: blue', '', 'loadBalancerClass: example.com/lb, '),
  );
  assert.equal(svc(model, 'service-blue').loadBalancerPending, undefined);
  assert.ok(!codes(diagnostics).some((c) => c.startsWith('cilium-lb-ipam')));
});

test('rule cilium-lb-ipam-allocation-undetermined: an address of the pool is unknown in trace, not "nothing listens"', () => {
  const { model, diagnostics } = build(bluePool + service('service-blue', 'color: blue'));
  assert.ok(codes(diagnostics).includes('cilium-lb-ipam-undetermined'));
  const to = parseFlowTarget('ip:20.0.10.163:1234', undefined, undefined);
  if (typeof to === 'string') throw new Error(to);
  const t = trace(createTraceContext(model), { kind: 'internet' }, to);
  assert.equal(t.outcome, 'failed');
  assert.deepEqual(t.unknown, [
    'which Service Cilium LB IPAM gives 20.0.10.163 (example/service-blue may have it)',
  ]);
  const outside = parseFlowTarget('ip:20.0.11.1:1234', undefined, undefined);
  if (typeof outside === 'string') throw new Error(outside);
  assert.equal(trace(createTraceContext(model), { kind: 'internet' }, outside).unknown, undefined);
});

test('rule cilium-lb-ipam-sharing-key: two Services requesting one address keep it only with one sharing key', () => {
  const ann = (key: string) =>
    `"lbipam.cilium.io/ips": "20.0.10.100"${key ? `, "lbipam.cilium.io/sharing-key": "${key}"` : ''}`;
  const rivals = build(
    bluePool + service('a', 'color: blue', ann('')) + service('b', 'color: blue', ann('')),
  );
  assert.equal(svc(rivals.model, 'a').loadBalancerPending?.undetermined, true);
  const shared = build(
    bluePool + service('a', 'color: blue', ann('k')) + service('b', 'color: blue', ann('k')),
  );
  assert.deepEqual(svc(shared.model, 'a').loadBalancerIngress, ['20.0.10.100']);
  assert.deepEqual(svc(shared.model, 'b').loadBalancerIngress, ['20.0.10.100']);
});
