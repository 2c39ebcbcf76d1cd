/**
 * An HTTPS request whose SNI a `TLS` listener takes (Passthrough or Terminate) is not routed by HTTPRoutes: the
 * TLSRoute picks the backend and the gateway sends no HTTP answer; under Passthrough it presents no certificate.
 * kubetwin used to answer the gateway's 404 with the certificate of a wider HTTPS listener.
 * https://gateway-api.sigs.k8s.io/guides/tls/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayClass, routeViaGateway } from './_test-fixtures.ts';

const yaml = (mode: string) => `${gatewayClass}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  gatewayClassName: gc
  listeners:
  - {name: db, protocol: TLS, port: 443, hostname: db.example.com, tls: {mode: ${mode}${mode === 'Terminate' ? ', certificateRefs: [{name: db-cert}]' : ''}}}
  - {name: https, protocol: HTTPS, port: 443, hostname: "*.example.com", tls: {certificateRefs: [{name: wildcard}]}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: web, namespace: default}
spec:
  parentRefs: [{name: gw, sectionName: https}]
  rules: [{backendRefs: [{name: web, port: 80}]}]
`;

test('route: an HTTPS request to a TLS Passthrough listener gets no HTTP answer and no gateway certificate', () => {
  const r = routeViaGateway(yaml('Passthrough'), 'https://db.example.com/');
  assert.equal(r.decision.status, 0);
  assert.ok(
    r.decision.notes.some((n) =>
      /reaches listener db \(TLS Passthrough\).*kubetwin route tls:\/\/db\.example\.com$/.test(n),
    ),
    r.decision.notes.join('\n'),
  );
  assert.equal(r.certificate?.status, 'passthrough');
});

test('route: under TLS Terminate the HTTPRoutes do not run either; other names still reach the HTTPS listener', () => {
  const r = routeViaGateway(yaml('Terminate'), 'https://db.example.com/');
  assert.equal(r.decision.status, 0);
  assert.ok(r.decision.notes.some((n) => /\(TLS Terminate\): the gateway ends TLS/.test(n)));
  assert.equal(r.certificate?.secret, 'default/db-cert');
  const other = routeViaGateway(yaml('Passthrough'), 'https://shop.example.com/');
  assert.equal(other.decision.winner?.object, 'HTTPRoute/default/web');
});
