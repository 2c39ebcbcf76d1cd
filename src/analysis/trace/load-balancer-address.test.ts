/**
 * A pod's connection to a Service's load-balancer address is taken by kube-proxy on its node straight to the
 * Service's endpoints (kubernetes/kubernetes pkg/proxy/iptables/proxier.go, the KUBE-EXT chain); with
 * externalTrafficPolicy Cluster it is masqueraded, so an ingress-isolated endpoint sees an address of the client's
 * node (its own, or a CNI device's), not the pod's: the trace is unknown where those get another verdict than the
 * pod; with Local the pod keeps its address and the policy verdict stands.
 * https://kubernetes.io/docs/concepts/services-networking/service/#load-balancer-ip-mode
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBalancedWebAndClient, traceOn } from './_test-fixtures.ts';

const app = loadBalancedWebAndClient;
const isolated = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-in}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{podSelector: {matchLabels: {app: other}}}]}]
`;

const traceLb = (yaml: string) =>
  traceOn(yaml, { kind: 'ref', namespace: 'default', name: 'client' }, 'tcp://203.0.113.10:80');

test('load balancer address from a pod: kube-proxy takes it to the endpoints, not to an outside address', () => {
  const t = traceLb(app(''));
  assert.equal(t.outcome, 'delivered');
  assert.equal(t.unknown, undefined);
  assert.match(t.hops[0].title, /^203\.0\.113\.10 → Service default\/web .*captured by kube-proxy/);
  assert.deepEqual(
    t.delivered.map((d) => [d.pod.startsWith('default/web-'), d.port]),
    [[true, 8080]],
  );
});

test('load balancer address from a pod: masqueraded (externalTrafficPolicy Cluster), denied for the pod and for every address the masquerade gives: failed, not unknown', () => {
  const t = traceLb(app('') + isolated);
  assert.equal(t.outcome, 'failed');
  assert.equal(t.unknown, undefined);
});

test('kube-proxy masquerade source — a pod to a load-balancer address: admitted for the pod but not for the masqueraded addresses is unknown', () => {
  const admitsClient = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-in}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress: [{from: [{podSelector: {}}]}]
`;
  const t = traceLb(app('') + admitsClient);
  assert.equal(t.outcome, 'delivered');
  assert.match(
    (t.unknown ?? []).join('\n'),
    /kube-proxy masquerades the connection to default\/web-.*: its ingress policies admit the pod's address but refuse/,
  );
});

test('load balancer address from a pod: externalTrafficPolicy Local keeps the pod address, so the denial stands', () => {
  const t = traceLb(app('externalTrafficPolicy: Local, ') + isolated);
  assert.equal(t.outcome, 'failed');
  assert.equal(t.unknown, undefined);
});

/**
 * An address asked for by URL needs no DNS step: only a name is a load balancer's hostname
 * (`status.loadBalancer.ingress[].hostname`, https://kubernetes.io/docs/reference/kubernetes-api/service-resources/service-v1/#ServiceStatus).
 * A k3s ServiceLB publishes node IPs there, and `trace --from internet http://NODE_IP/` opened with an
 * "external-dns" hop calling the IP the Service's hostname.
 */
test('rule lb-ip-url-no-dns-step: a URL to a load-balancer IP goes straight to the load balancer, no external-dns hop', () => {
  const t = traceOn(app(''), { kind: 'internet' }, 'http://203.0.113.10/');
  assert.notEqual(t.hops[0]?.kind, 'external-dns');
  assert.equal(t.hops[0]?.kind, 'load-balancer');
});
