/**
 * An HTTPRoute with no parentRefs attaches to no Gateway (https://gateway-api.sigs.k8s.io/reference/spec/#commonroutespec);
 * the http-redirect-rewrite guide's snippets leave them out, so a 404 for the route's host names it and the fix.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatewayPreamble, httpListener } from '../../../test/helpers/gateway.ts';
import { explainViaGateway } from './_test-fixtures.ts';

const yaml = (parentRefs: string) => `${gatewayPreamble([httpListener])}apiVersion: v1
kind: Service
metadata: {name: example-svc, namespace: default}
spec: {selector: {app: x}, ports: [{port: 80}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: http-filter-rewrite, namespace: default}
spec:
  ${parentRefs}hostnames: [rewrite.example]
  rules: [{matches: [{path: {type: PathPrefix, value: /cardamom}}], backendRefs: [{name: example-svc, port: 80}]}]
`;

const decide = explainViaGateway;

test('route: a 404 for a host whose HTTPRoute has no parentRefs names the route and the parentRefs to add', () => {
  const d = decide(yaml(''), 'http://rewrite.example/cardamom');
  assert.equal(d.status, 404);
  assert.ok(
    d.notes.includes(
      'HTTPRoute/default/http-filter-rewrite is for rewrite.example but has no parentRefs, so it attaches to no Gateway (add parentRefs: [{name: gw, namespace: default}])',
    ),
    d.notes.join('\n'),
  );
});

test('route: a 404 for another host does not name the parentless route', () => {
  const d = decide(yaml(''), 'http://other.example/cardamom');
  assert.ok(!d.notes.some((n) => n.includes('no parentRefs')), d.notes.join('\n'));
});

test('route: with parentRefs the route attaches and carries no parentless note', () => {
  const d = decide(yaml('parentRefs: [{name: gw}]\n  '), 'http://rewrite.example/cardamom');
  assert.equal(d.winner?.object, 'HTTPRoute/default/http-filter-rewrite');
});
