/**
 * A Gateway whose GatewayClass is not among the manifests (every gateway-api.sigs.k8s.io guide ships the Gateway
 * and routes only, e.g. examples/standard/http-routing) is Accepted=Unknown(Pending) and no route attaches: the
 * route answer names that instead of "no route rule matches", which read as if the routes were wrong.
 * https://gateway-api.sigs.k8s.io/guides/http-routing/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainViaGateway, gatewayClass } from './_test-fixtures.ts';

const guide = (cls: string) => `${cls}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  gatewayClassName: gc
  listeners: [{name: http, protocol: HTTP, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: bar-svc, namespace: default}
spec: {selector: {app: bar}, ports: [{port: 8080}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: bar-route, namespace: default}
spec:
  parentRefs: [{name: gw}]
  hostnames: [bar.example.com]
  rules: [{backendRefs: [{name: bar-svc, port: 8080}]}]
`;

const notes = (yaml: string) => explainViaGateway(yaml, 'http://bar.example.com/');

test('route: a Gateway without its GatewayClass says it is not accepted and no route attaches, not "no route rule matches"', () => {
  const d = notes(guide(''));
  assert.equal(d.status, 404);
  assert.ok(
    d.notes.some((n) =>
      /^GATEWAY NOT ACCEPTED \(Accepted=Unknown\(Pending\): GatewayClass gc is not among the manifests/.test(
        n,
      ),
    ),
    d.notes.join('\n'),
  );
  assert.ok(
    d.notes.includes(
      'no route is attached: the Gateway is not accepted (a real one would have no address to answer on)',
    ),
  );
  assert.ok(!d.notes.some((n) => n.includes('no route rule matches')));
});

test('route: with its GatewayClass the same Gateway routes and carries no not-accepted note', () => {
  const d = notes(guide(gatewayClass));
  assert.equal(d.winner?.object, 'HTTPRoute/default/bar-route'); // 503 follows: bar-svc has no endpoints
  assert.ok(!d.notes.some((n) => n.startsWith('GATEWAY NOT ACCEPTED')), d.notes.join('\n'));
});

test('route: a Gateway refused for its listeners (ListenersNotValid) still has routes attached and gets no not-accepted note', () => {
  const yaml = guide(gatewayClass).replace(
    'listeners: [{name: http, protocol: HTTP, port: 80}]',
    'listeners: [{name: https, protocol: HTTPS, port: 443, tls: {certificateRefs: [{name: missing}]}}]',
  );
  const d = explainViaGateway(yaml, 'https://bar.example.com/');
  assert.equal(d.winner?.object, 'HTTPRoute/default/bar-route');
  assert.ok(!d.notes.some((n) => n.startsWith('GATEWAY NOT ACCEPTED')), d.notes.join('\n'));
  assert.equal(d.notServed?.listener, 'https', d.notes.join('\n'));
});
