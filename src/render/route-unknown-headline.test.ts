/**
 * `kubetwin route`'s headline never states a sure status when the answer is unknown: a backendRef of a kind other
 * than Service is implementation-specific ("Implementation-specific for any other resource",
 * https://gateway-api.sigs.k8s.io/reference/spec/#httpbackendref) — a controller that supports the kind forwards
 * there, one that does not answers 500 — so the headline says UNKNOWN and names the modeled 500 as such.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routeViaGateway, gatewayClass } from '../analysis/gateway/_test-fixtures.ts';
import { renderRoute } from './route.ts';

const cluster = (backendRef: string) => `${gatewayClass}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec: {gatewayClassName: gc, listeners: [{name: h, protocol: HTTP, port: 80}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec: {parentRefs: [{name: gw}], rules: [{backendRefs: [${backendRef}]}]}
`;

test('rule route-unknown-headline: a Backend backendRef heads UNKNOWN (modeled 500), not a sure 500', () => {
  const text = renderRoute(
    routeViaGateway(
      cluster('{group: gateway.envoyproxy.io, kind: Backend, name: httpbin, port: 80}'),
      'http://a.example/',
    ),
  );
  assert.match(text, /^=> UNKNOWN \(the objects kubetwin models say 500\)$/m);
  assert.doesNotMatch(text, /^=> 500$/m);
  assert.match(text, /InvalidKind: .* \(500 unless the controller supports the kind\)$/m);
  // A Service that does not exist is a sure 500 (BackendNotFound): the headline states it.
  assert.match(
    renderRoute(routeViaGateway(cluster('{name: missing, port: 80}'), 'http://a.example/')),
    /^=> 500$/m,
  );
});
