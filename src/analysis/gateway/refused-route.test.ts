/**
 * A 404 through a Gateway names the HTTPRoutes for the host that name the Gateway but that it did not accept
 * (https://gateway-api.sigs.k8s.io/reference/spec/#routeconditionreason), with the reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayPreamble } from '../../../test/helpers/gateway.ts';
import { explainViaGateway } from './_test-fixtures.ts';

const text = `${gatewayPreamble(['{name: http, port: 80, protocol: HTTP, hostname: "*.example.com"}'])}apiVersion: v1
kind: Namespace
metadata: {name: other}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: sneaky, namespace: other}
spec:
  parentRefs: [{name: gw, namespace: default}]
  hostnames: [shop.example.com]
  rules: [{backendRefs: [{name: web, port: 80}]}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: elsewhere, namespace: other}
spec:
  parentRefs: [{name: gw, namespace: default}]
  hostnames: [docs.example.com]
  rules: [{backendRefs: [{name: web, port: 80}]}]
`;

test('a 404 through a Gateway names the route for that host the Gateway refused (NotAllowedByListeners), and not the refused routes of other hosts', () => {
  const d = explainViaGateway(text, 'http://shop.example.com/');
  assert.equal(d.status, 404);
  const refused = d.notes.filter((n) => n.includes('is not attached to it'));
  assert.equal(refused.length, 1, d.notes.join('\n'));
  assert.match(
    refused[0]!,
    /^HTTPRoute\/other\/sneaky names Gateway\/default\/gw but is not attached to it: NotAllowedByListeners/,
  );
});
