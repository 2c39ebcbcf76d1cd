/**
 * Rule `load-balancer-address-short-circuit`: a pod's connection to a Service's load-balancer address is captured by
 * kube-proxy on the pod's node and sent to the cluster-wide endpoints, narrowed by neither traffic policy — with
 * externalTrafficPolicy Local pod traffic is "short-circuited" to them ("subject to neither form of traffic policy"),
 * and a Service reachable from outside always keeps them ("we need Cluster endpoints to implement short
 * circuiting"): kubernetes/kubernetes pkg/proxy/nftables/proxier.go, pkg/proxy/iptables/proxier.go,
 * pkg/proxy/serviceport.go `UsesClusterEndpoints`. Before, trace applied internalTrafficPolicy Local as for the
 * ClusterIP and reported the connection dropped on a node without an endpoint.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { reach } from '../reach/index.ts';
import { PolicyEngine } from '../policy/index.ts';
import { loadBalancedWebAndClient, traceOn } from './_test-fixtures.ts';

// The web pod on node-1, the client on node-2: no endpoint on the client's node.
const app = (spec: string) =>
  loadBalancedWebAndClient(spec)
    .replace(
      'spec: {containers: [{name: c, image: x, ports',
      'spec: {nodeName: node-1, containers: [{name: c, image: x, ports',
    )
    .replace('metadata: {name: client}\nspec: {', 'metadata: {name: client}\nspec: {nodeName: node-2, ');

const traceLb = (yaml: string) =>
  traceOn(yaml, { kind: 'ref', namespace: 'default', name: 'client' }, 'tcp://203.0.113.10:80');

test('rule load-balancer-address-short-circuit: internalTrafficPolicy Local does not drop a pod connection to the load-balancer address', () => {
  for (const etp of ['Cluster', 'Local']) {
    const t = traceLb(app(`externalTrafficPolicy: ${etp}, internalTrafficPolicy: Local, `));
    assert.equal(t.outcome, 'delivered', `${etp}: ${t.failure?.reason}`);
    assert.ok(t.delivered[0]?.pod.startsWith('default/web-'));
    assert.match(
      t.hops[0].details.join('\n'),
      /neither externalTrafficPolicy .* nor internalTrafficPolicy \(Local\)/,
    );
  }
});

test('rule load-balancer-address-short-circuit: reach judges the same endpoint from that pod', () => {
  const { model } = buildYaml(app('externalTrafficPolicy: Local, internalTrafficPolicy: Local, '));
  const r = reach(new PolicyEngine(model), {
    from: 'pod:default/client',
    to: 'ip:203.0.113.10',
    port: 80,
    protocol: 'TCP',
  });
  assert.ok(typeof r !== 'string', String(r));
  assert.deepEqual([r.verdict, r.pairs.length], ['allowed', 1]);
});

test('rule load-balancer-address-short-circuit: the ClusterIP itself still honours internalTrafficPolicy Local', () => {
  const yaml = app('internalTrafficPolicy: Local, ');
  const t = traceOn(yaml, { kind: 'ref', namespace: 'default', name: 'client' }, 'service:default/web:80');
  assert.equal(t.outcome, 'failed');
  assert.match(t.failure?.reason ?? '', /internalTrafficPolicy Local and no endpoint on node-2/);
});
