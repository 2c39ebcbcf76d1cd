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

test('load balancer hostname: an ingress[].ip (an address, not a name) is reached without a DNS hop', () => {
  const byIP = webBehindService(8080, {
    spec: 'type: LoadBalancer, ',
    ports: '[{port: 80, targetPort: 8080}]',
    status: '{loadBalancer: {ingress: [{ip: 192.168.10.0}]}}',
  });
  const t = traceOn(byIP, { kind: 'internet' }, 'tcp://192.168.10.0:80');
  assert.equal(t.outcome, 'delivered');
  assert.deepEqual(
    t.hops.filter((h) => h.kind === 'external-dns').map((h) => h.title),
    [],
  );
});

// A name whose public record kubetwin was not given fails only for want of input: unknown, not a sure failure
// (kubetwin sends no DNS query; the record is what the profile's externalHosts states).
test('rule external-host-unlisted-is-unknown: a public name without externalHosts makes the trace unknown', () => {
  const t = traceUrl('http://shop.example.com/');
  assert.deepEqual(t.unknown, ["the profile's externalHosts does not give shop.example.com an address"]);
});

/*
 * From a pod: cluster DNS forwards the hostname upstream (kubetwin sends no query), and kube-proxy captures in-cluster
 * traffic only to ingress[].ip (KEP-1860 ipMode), so the connection leaves through the pod's egress and comes back
 * through the load balancer, as from outside; the upstream answer is named, and is an unknown of the trace only where
 * a verdict depends on it (egress allowed to some public ranges only).
 */
const withClient = (extra = '') => `${app}---
apiVersion: v1
kind: Pod
metadata: {name: client, labels: {app: client}}
spec: {containers: [{name: c, image: x}]}
${extra}`;
const fromPod = (yaml: string) =>
  traceOn(
    yaml,
    { kind: 'ref', namespace: 'default', name: 'client' },
    'http://a1b2c3-123.eu-west-1.elb.amazonaws.com/',
  );

test('load balancer hostname from a pod: forwarded upstream, not captured by kube-proxy, delivered through the load balancer as from outside', () => {
  const t = fromPod(withClient());
  assert.equal(t.outcome, 'delivered');
  const kinds = t.hops.map((h) => h.kind);
  assert.deepEqual(kinds.slice(0, 4), ['dns', 'policy', 'external-dns', 'load-balancer']);
  assert.equal(t.hops[0].verdict, 'ok');
  assert.match(
    t.hops[0].title,
    /forwarded upstream by cluster DNS — the load-balancer hostname of Service default\/web \(its addresses, the upstream answer, are unknown to kubetwin\)/,
  );
  assert.match(t.hops[1].details[0], /only for a status\.loadBalancer\.ingress\[\]\.ip/);
  // As from outside, nothing here depends on the addresses: no unknown (a pass: `trace` exits 0).
  assert.equal(t.unknown, undefined);
  assert.equal(t.hops.filter((h) => h.kind === 'dns').length, 1);
});

test('load balancer hostname from a pod: egress denied to every public address stops it at the pod, whatever the name resolves to', () => {
  const t = fromPod(
    withClient(`---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: no-egress}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
  egress: [{ports: [{port: 53, protocol: UDP}]}]
`),
  );
  assert.equal(t.outcome, 'failed');
  assert.equal(t.hops[1].kind, 'policy');
  assert.equal(t.hops[1].verdict, 'fail');
  assert.match(t.failure?.reason ?? '', /denied \(isolated by NetworkPolicy\/default\/no-egress\)/);
});

test('load balancer hostname from a pod: egress allowed to some public ranges only depends on the upstream answer (unknown)', () => {
  const t = fromPod(
    withClient(`---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: some-egress}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
  egress:
  - ports: [{port: 53, protocol: UDP}]
  - to: [{ipBlock: {cidr: 198.51.100.0/24}}]
`),
  );
  assert.equal(t.hops[1].verdict, 'warn');
  assert.match(
    (t.unknown ?? []).join('\n'),
    /depends on the upstream DNS answer for a1b2c3-123\.eu-west-1\.elb\.amazonaws\.com/,
  );
});
