/**
 * A DNS-based load balancer (AWS ELB/NLB) reports `status.loadBalancer.ingress[].hostname`, not an IP: a request to
 * that name goes to the Service's load balancer, without any externalHosts entry.
 * https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceStatus
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { createTraceContext, trace } from './index.ts';

const app = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {type: LoadBalancer, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
status: {loadBalancer: {ingress: [{hostname: a1b2c3-123.eu-west-1.elb.amazonaws.com}]}}
`;

function traceUrl(url: string) {
  const { model } = buildYaml(app);
  const to = parseFlowTarget(url, undefined, undefined);
  assert.ok(typeof to !== 'string', String(to));
  return trace(createTraceContext(model), { kind: 'internet' }, to);
}

test("load balancer hostname: a request to a Service's status hostname reaches that Service's pods", () => {
  const t = traceUrl('http://A1B2C3-123.eu-west-1.elb.amazonaws.com/');
  assert.equal(t.outcome, 'delivered');
  const dns = t.hops.find((h) => h.kind === 'external-dns');
  assert.equal(dns?.verdict, 'ok');
  assert.match(dns?.title ?? '', /load balancer of Service default\/web/);
});

test('load balancer hostname: another outside name is still unresolved without externalHosts', () => {
  const t = traceUrl('http://shop.example.com/');
  assert.notEqual(t.outcome, 'delivered');
  assert.equal(t.hops.find((h) => h.kind === 'external-dns')?.verdict, 'fail');
});
