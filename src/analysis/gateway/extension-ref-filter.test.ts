/**
 * HTTPRouteFilter `ExtensionRef`, from the spec text (https://gateway-api.sigs.k8s.io/reference/spec/#httproutefilter):
 * "If a reference to a custom filter type cannot be resolved, the filter MUST NOT be skipped. Instead, requests that
 * would have been processed by that filter MUST receive a HTTP error response." Envoy Gateway answers 500 with
 * ResolvedRefs=False (internal/gatewayapi/filters.go). A resolved one is the implementation's own filter (Envoy
 * Gateway's HTTPRouteFilter `directResponse` answers 503 in its "Direct Response" task): kubetwin does not model
 * it, so the answer is unknown, never delivered.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { routeViaGateway } from './_test-fixtures.ts';
import { gatewayPreamble, httpListener } from '../../../test/helpers/gateway.ts';

const backend = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web-1, namespace: default, labels: {app: web}}
spec: {containers: [{name: c, image: x}]}
---
`;

const route = (
  filters: string,
  backendFilters = '',
) => `${gatewayPreamble([httpListener])}${backend}apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
  - filters: ${filters}
    backendRefs:
    - name: web
      port: 80
      filters: ${backendFilters || '[]'}
`;

const directResponse = `---
apiVersion: gateway.envoyproxy.io/v1alpha1
kind: HTTPRouteFilter
metadata: {name: teapot, namespace: default}
spec:
  directResponse: {statusCode: 503}
`;

const extRef = (name: string) =>
  `[{type: ExtensionRef, extensionRef: {group: gateway.envoyproxy.io, kind: HTTPRouteFilter, name: ${name}}}]`;

describe('HTTPRouteFilter ExtensionRef (spec: an unresolvable custom filter MUST NOT be skipped)', () => {
  it('a filter whose referent is not in the input answers an HTTP error (500), never the backend', () => {
    const d = routeViaGateway(route(extRef('absent')), 'http://any.example/').decision;
    assert.equal(d.status, 500);
    assert.deepEqual(d.backends, []);
    assert.match(
      d.notes.join('\n'),
      /HTTPRouteFilter \(gateway\.envoyproxy\.io\) default\/absent .*not in the input/,
    );
  });

  it('a referent in another namespace is not the one the route names (the reference is local)', () => {
    const elsewhere = directResponse.replace('namespace: default', 'namespace: other');
    const d = routeViaGateway(route(extRef('teapot')) + elsewhere, 'http://any.example/').decision;
    assert.equal(d.status, 500);
  });

  it('a resolved filter makes the answer unknown, naming the filter object and its field', () => {
    const d = routeViaGateway(route(extRef('teapot')) + directResponse, 'http://any.example/').decision;
    assert.deepEqual(
      d.unknown?.map((u) => [u.object, u.path]),
      [['HTTPRoute/default/r', 'rules[0].filters[0]']],
    );
    assert.match(d.unknown?.[0].text ?? '', /HTTPRouteFilter \(gateway\.envoyproxy\.io\) default\/teapot/);
  });

  it('a filter type kubetwin does not know (ExternalAuth) makes the answer unknown, not routed as if absent', () => {
    const d = routeViaGateway(route('[{type: ExternalAuth}]'), 'http://any.example/').decision;
    assert.equal(d.unknown?.length, 1);
    assert.match(d.unknown?.[0].text ?? '', /of type ExternalAuth/);
  });

  it('an ExtensionRef on a backendRef makes the requests forwarded there unknown', () => {
    const d = routeViaGateway(route('[]', extRef('absent')), 'http://any.example/').decision;
    assert.deepEqual(
      d.unknown?.map((u) => u.path),
      ['rules[0].backendRefs[0].filters[0]'],
    );
  });
});

describe('HTTPRouteFilter ExtensionRef read back from a cluster', () => {
  it('a route with a creationTimestamp (a live read or a dump) whose referent the input lacks is unknown, not a sure 500', () => {
    const readBack = route(extRef('absent')).replace(
      'metadata: {name: r, namespace: default}',
      'metadata: {name: r, namespace: default, creationTimestamp: "2026-01-01T00:00:00Z"}',
    );
    const d = routeViaGateway(readBack, 'http://any.example/').decision;
    assert.equal(d.status, 200);
    assert.equal(d.unknown?.length, 1);
    assert.match(d.unknown?.[0].text ?? '', /read back from a cluster/);
  });
});
