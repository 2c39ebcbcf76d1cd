/**
 * Linkerd EgressNetwork route matching for a connection whose protocol is known (trace with a URL), one test per
 * rule. Sources: linkerd/linkerd2 policy-controller/grpc/src/outbound.rs (`to_proto`: one route kind per port,
 * GRPCRoute, HTTPRoute, TLSRoute, TCPRoute), outbound/http.rs (the trafficPolicy default route after an
 * EgressNetwork's HTTP routes), https://linkerd.io/2-edge/tasks/managing-egress-traffic/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileMesh, type EgressTraffic } from './index.ts';

const app = `apiVersion: v1
kind: Namespace
metadata: {name: egress-test}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: egress-test, annotations: {linkerd.io/inject: enabled}}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: policy.linkerd.io/v1alpha1
kind: EgressNetwork
metadata: {name: all-egress-traffic, namespace: egress-test}
spec: {trafficPolicy: POLICY}
`;

const parent = (port: number) =>
  `parentRefs: [{name: all-egress-traffic, kind: EgressNetwork, group: policy.linkerd.io, namespace: egress-test, port: ${port}}]`;
const httpGet = (port = 80, backend = '') => `---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: httpbin-get, namespace: egress-test}
spec:
  ${parent(port)}
  rules: [{matches: [{path: {value: /get}}]${backend}}]
`;
const tlsRoute = (port = 443) => `---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TLSRoute
metadata: {name: tls-egress, namespace: egress-test}
spec:
  hostnames: [httpbin.org]
  ${parent(port)}
  rules: [{backendRefs: [{kind: EgressNetwork, group: policy.linkerd.io, name: all-egress-traffic}]}]
`;
const tcpRoute = (port = 443) => `---
apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: {name: tcp-egress, namespace: egress-test}
spec:
  ${parent(port)}
  rules: [{backendRefs: [{kind: EgressNetwork, group: policy.linkerd.io, name: all-egress-traffic}]}]
`;

const http = (path: string, host = 'httpbin.org'): EgressTraffic => ({
  kind: 'http',
  request: { scheme: 'http', host, port: 80, path, query: [], method: 'GET', headers: { host } },
});
const tls = (sni: string): EgressTraffic => ({ kind: 'tls', sni });

function verdict(policy: 'Allow' | 'Deny', routes: string, port: number, traffic?: EgressTraffic) {
  const { model } = buildFromTexts([{ file: 'app.yaml', text: app.replace('POLICY', policy) + routes }], {
    profile: {
      file: 'kubetwin.yaml',
      text: 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmesh: {name: linkerd}\n',
    },
  });
  const pod = model.pods.find((p) => p.name === 'client')!;
  const v = compileMesh(model).egress(pod, '203.0.113.10', port, traffic);
  return `${v?.verdict}: ${v?.why}`;
}

test('rule egress-http-route-match: under Deny an HTTPRoute lets through the requests it matches, the default route refuses the rest (403)', () => {
  assert.match(
    verdict('Deny', httpGet(), 80, http('/get')),
    /^allowed: .*httpbin-get rules\[0\] describes it/,
  );
  assert.match(verdict('Deny', httpGet(), 80, http('/post')), /^denied: .*http-egress-deny/);
  // Without the protocol (reach), the routes cannot be judged.
  assert.match(verdict('Deny', httpGet(), 80), /^unknown: /);
});

test('rule egress-default-route-after-routes: under Allow a request no route matches still goes to the original address', () => {
  const toService = `, backendRefs: [{kind: Service, name: internal-egress, port: 80}]`;
  assert.match(verdict('Allow', httpGet(80, toService), 80, http('/post')), /^allowed: .*Allow default/);
  assert.match(
    verdict('Allow', httpGet(80, toService), 80, http('/get')),
    /^unknown: .*Service egress-test\/internal-egress instead/,
  );
});

test('rule egress-tls-route-sni: a TLSRoute matches the SNI against its hostnames; under Deny another SNI is closed', () => {
  assert.match(
    verdict('Deny', tlsRoute(), 443, tls('httpbin.org')),
    /^allowed: .*TLSRoute\/egress-test\/tls-egress/,
  );
  assert.match(verdict('Deny', tlsRoute(), 443, tls('github.com')), /^denied: .*tls-egress-deny/);
});

test('rule egress-one-route-kind-per-port: HTTPRoutes on a port shadow its TLSRoutes; TLS then takes the opaque default', () => {
  const v = verdict('Deny', httpGet(443) + tlsRoute(443), 443, tls('httpbin.org'));
  assert.match(v, /^denied: .*not HTTP.*TLSRoute on the same port not served/);
});

test('rule egress-tcp-route: a TCPRoute on the port takes every connection there', () => {
  assert.match(
    verdict('Deny', tcpRoute(443), 443, tls('github.com')),
    /^allowed: .*TCPRoute\/egress-test\/tcp-egress/,
  );
});
