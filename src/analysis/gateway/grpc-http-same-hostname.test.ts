/**
 * An HTTPRoute and a GRPCRoute sharing a listener and a hostname: the Gateway API does not rank the two kinds against
 * each other ("Merging MUST not be done between GRPCRoutes and HTTPRoutes", GRPCRouteRule.Matches); as released,
 * GRPCRouteSpec.Hostnames accepts only the older of the two routes, and gateway-api#4598 lets implementations serve
 * both. GRPCRoute Exact matches naming only a service or only a method rank by the spec, not as regular expressions.
 * https://github.com/kubernetes-sigs/gateway-api/blob/main/apis/v1/grpcroute_types.go
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainViaGateway, gatewayClass } from './_test-fixtures.ts';

const gateway = `${gatewayClass}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec: {gatewayClassName: gc, listeners: [{name: h, protocol: HTTP, port: 80}]}
`;
const route = (kind: string, name: string, created: string | undefined, rules: string) => `---
apiVersion: gateway.networking.k8s.io/v1
kind: ${kind}
metadata: {name: ${name}${created ? `, creationTimestamp: "${created}"` : ''}}
spec:
  parentRefs: [{name: gw}]
  hostnames: [api.example.com]
  rules:
${rules}
`;
const grpc = (name: string, created?: string, method = '{service: pkg.Svc, method: Get}') =>
  route(
    'GRPCRoute',
    name,
    created,
    `  - matches: [{method: ${method}}]\n    backendRefs: [{name: grpc, port: 50051}]`,
  );
const http = (name: string, created?: string, path = '/pkg.Svc') =>
  route(
    'HTTPRoute',
    name,
    created,
    `  - matches: [{path: {type: PathPrefix, value: ${path}}}]\n    backendRefs: [{name: web, port: 8080}]`,
  );
const ask = (yaml: string, path: string) =>
  explainViaGateway(yaml, `http://api.example.com${path}`, {
    method: 'POST',
    headers: ['content-type: application/grpc'],
  });
const unknowns = (d: ReturnType<typeof ask>) => (d.unknown ?? []).map((u) => u.text).join('\n');

test('rule GRPCRouteRule.Matches (no merging of GRPCRoutes and HTTPRoutes): an HTTPRoute and a GRPCRoute both matching a request on one hostname make the answer unknown', () => {
  const d = ask(
    gateway + grpc('g', '2024-01-01T00:00:00Z') + http('h', '2024-02-01T00:00:00Z'),
    '/pkg.Svc/Get',
  );
  assert.match(
    unknowns(d),
    /GRPCRoute\/default\/g rules\[0\] .* also matches this request on the same listener/,
  );
  assert.match(unknowns(d), /ranks no route kind above the other/);
});

test('rule GRPCRouteSpec.Hostnames (accept exactly one, the oldest): a route of the other kind created earlier makes the winner unknown', () => {
  const d = ask(
    gateway + grpc('g', '2024-01-01T00:00:00Z') + http('h', '2024-02-01T00:00:00Z'),
    '/pkg.Svc/List',
  );
  assert.equal(d.winner?.object, 'HTTPRoute/default/h');
  assert.match(unknowns(d), /GRPCRoute\/default\/g shares a hostname with HTTPRoute\/default\/h .* is older/);
});

test('rule GRPCRouteSpec.Hostnames (accept exactly one, the oldest): without creationTimestamps the creation order is unknown', () => {
  const d = ask(gateway + grpc('g') + http('h'), '/pkg.Svc/List');
  assert.match(unknowns(d), /the manifests do not say which was created first/);
});

test('rule GRPCRouteSpec.Hostnames (accept exactly one, the oldest): the older winner with no matching rival of the other kind is decided', () => {
  const d = ask(
    gateway + grpc('g', '2024-03-01T00:00:00Z') + http('h', '2024-02-01T00:00:00Z'),
    '/pkg.Svc/List',
  );
  assert.equal(d.winner?.object, 'HTTPRoute/default/h');
  assert.deepEqual(d.unknown ?? [], []);
});

test('rule GRPCRouteSpec.Hostnames: routes of the other kind on other hostnames do not bear on the answer', () => {
  const other = http('h', undefined).replace('hostnames: [api.example.com]', 'hostnames: [web.example.com]');
  const d = ask(gateway + grpc('g') + other, '/pkg.Svc/Get');
  assert.equal(d.winner?.object, 'GRPCRoute/default/g');
  assert.deepEqual(d.unknown ?? [], []);
});

test('rule GRPCRouteRule.Matches precedence: Exact service-only and method-only matches rank by characters of service, then method, not as regular expressions', () => {
  const yaml =
    gateway +
    grpc('a') +
    route(
      'GRPCRoute',
      'b',
      undefined,
      [
        `  - matches: [{method: {service: pkg.Svc}}]`,
        `    backendRefs: [{name: by-service, port: 50051}]`,
        `  - matches: [{method: {method: Get}}]`,
        `    backendRefs: [{name: by-method, port: 50051}]`,
      ].join('\n'),
    );
  const d = ask(yaml, '/pkg.Svc/Get');
  assert.equal(d.winner?.object, 'GRPCRoute/default/a');
  assert.deepEqual(d.unknown ?? [], []);
});

test('rule GRPCMethodMatch support (method without service is implementation-specific): such a winning match makes the answer unknown', () => {
  const d = ask(gateway + grpc('g', undefined, '{method: Get}'), '/other.Svc/Get');
  assert.equal(d.winner?.object, 'GRPCRoute/default/g');
  assert.match(unknowns(d), /names a gRPC method without a service/);
});
