/**
 * Rule `load-balancer-address-proxy-mode`: with `ipMode: Proxy` kube-proxy does not capture a Service's
 * load-balancer address ("traffic is instead sent to the load balancer", KEP-1860,
 * https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-ip-mode), so a pod's connection
 * leaves the cluster through its egress — which judges the load-balancer address, no DNAT having happened — and
 * comes back in through the load balancer, followed as from outside to the pods behind it. Before, reach answered
 * unknown whenever the pod's egress allowed, and trace said DELIVERED to the address.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor, np } from '../policy/_test-helpers.ts';
import { createTraceContext, trace } from '../trace/index.ts';
import { reach } from './index.ts';

const web = (extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: x}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: i, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: x}
spec: {type: LoadBalancer, ${extra}selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
status: {loadBalancer: {ingress: [{ip: 34.120.1.2, ipMode: Proxy}]}}`;
const podsOnly = np(
  'pods-only',
  'y',
  '  podSelector: {}\n  policyTypes: [Egress]\n  egress: [{to: [{namespaceSelector: {}}]}]',
);

function ask(yaml: string) {
  const r = reach(engineFor(e2eTopology(yaml)), {
    from: 'pod:y/a',
    to: 'ip:34.120.1.2',
    port: 80,
    protocol: 'TCP',
  });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('rule load-balancer-address-proxy-mode: a pod is followed out to the load balancer and back in to the pods: allowed', () => {
  const r = ask(web());
  assert.equal(r.verdict, 'allowed', r.unknownReasons.join('\n'));
  assert.match(
    r.pairs[0]?.path?.join('\n') ?? '',
    /egress from y\/a to 34\.120\.1\.2:80\/TCP: allowed .*\n.*load-balancer/,
  );
});

test('rule load-balancer-address-proxy-mode: a load balancer with no pods behind it answers nothing: denied, not unknown', () => {
  const r = ask(web().replace('selector: {app: web}', 'selector: {app: none}'));
  assert.deepEqual([r.verdict, r.unknownReasons], ['denied', []]);
  assert.match(r.pairs[0]?.problem ?? '', /no .*endpoint/);
});

test('rule load-balancer-address-proxy-mode: the pod egress judges the load-balancer address itself', () => {
  const r = ask(`${web()}\n---\n${podsOnly}`);
  assert.equal(r.verdict, 'denied');
  assert.match(
    r.pairs[0]?.problem ?? '',
    /egress from y\/a to 34\.120\.1\.2:80\/TCP is denied \(isolated by NetworkPolicy\/y\/pods-only\)/,
  );
});

test('rule load-balancer-address-proxy-mode: source ranges decide by the address the connection leaves the cluster with: unknown', () => {
  const r = ask(web('loadBalancerSourceRanges: [10.0.0.0/8], '));
  assert.equal(r.verdict, 'unknown');
  assert.match(
    r.unknownReasons.join('\n'),
    /admits only the sources \[10\.0\.0\.0\/8\]: the address the connection leaves the cluster with/,
  );
});

test('rule load-balancer-address-proxy-mode: trace goes through the load balancer to the pod, not to the address', () => {
  const engine = engineFor(e2eTopology(web()));
  const t = trace(
    createTraceContext(engine.model, { engine }),
    { kind: 'ref', namespace: 'y', name: 'a' },
    { kind: 'ip', ip: '34.120.1.2', port: 80, protocol: 'TCP' },
  );
  assert.equal(t.outcome, 'delivered');
  assert.deepEqual(
    t.hops.map((h) => h.kind),
    ['policy', 'load-balancer', 'node', 'endpoints', 'policy', 'deliver'],
  );
  assert.ok(t.delivered[0]?.pod.startsWith('x/web-'));
});
