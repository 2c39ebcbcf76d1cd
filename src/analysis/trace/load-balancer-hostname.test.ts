/**
 * A DNS-based load balancer (AWS ELB/NLB) reports `status.loadBalancer.ingress[].hostname`, not an IP: a request to
 * that name goes to the Service's load balancer, without any externalHosts entry.
 * https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceStatus
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceOn, webBehindService } from './_test-fixtures.ts';

const app = webBehindService(8080, {
  spec: 'type: LoadBalancer, ',
  ports: '[{port: 80, targetPort: 8080}]',
  status: '{loadBalancer: {ingress: [{hostname: a1b2c3-123.eu-west-1.elb.amazonaws.com}]}}',
});

const traceUrl = (url: string) => traceOn(app, { kind: 'internet' }, url);

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
