/**
 * Rule `load-balancer-source-unheld`: a load balancer that proxies (an ALB, GKE's, an NLB with ip targets and client
 * IP preservation off) connects to the pods from its own address, which the input does not hold; the verdict at a pod
 * is unknown only when its policies tell outside addresses apart. Of NetworkPolicy's peers only ipBlock selects an
 * address outside the cluster
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors), so a
 * verdict that is the same at one address of every range the policies' CIDRs cut is the same for the proxy's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceOn } from './_test-fixtures.ts';

const app = (policy: string) => `
apiVersion: v1
kind: Pod
metadata: {name: web-1, labels: {app: web}}
spec: {nodeName: node-1, containers: [{name: web, image: nginx, ports: [{containerPort: 8080}]}]}
status: {podIP: 10.244.1.5, phase: Running}
---
apiVersion: v1
kind: Service
metadata: {name: web, annotations: {cloud.google.com/neg: '{"ingress": true}'}}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, annotations: {kubernetes.io/ingress.class: gce}}
spec: {defaultBackend: {service: {name: web, port: {number: 80}}}}
status: {loadBalancer: {ingress: [{ip: 198.51.100.80}]}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
${policy}`;
const internet = { kind: 'ip', ip: '203.0.113.7' } as const;

test('rule load-balancer-source-unheld: a policy that admits no outside address denies the proxy too (not unknown)', () => {
  for (const rules of ['', '  ingress: [{from: [{podSelector: {}}]}]']) {
    const t = traceOn(app(rules), internet, 'http://198.51.100.80/');
    assert.deepEqual([t.outcome, t.unknown ?? []], ['failed', []], rules);
  }
});

test('rule load-balancer-source-unheld: a policy that admits some outside ranges leaves the verdict unknown', () => {
  const t = traceOn(
    app('  ingress: [{from: [{ipBlock: {cidr: 130.211.0.0/22}}]}]'),
    internet,
    'http://198.51.100.80/',
  );
  assert.equal(t.outcome, 'failed');
  assert.match(t.unknown?.join('\n') ?? '', /decide by source address/);
});
