/**
 * GRPCRoute precedence within a hostname: the most characters in a matching service, then in a matching method,
 * then the most header matches. https://gateway-api.sigs.k8s.io/reference/spec/#grpcrouterule
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainViaGateway, gatewayClass } from './_test-fixtures.ts';

const grpcRoute = (name: string, rules: string) => `---
apiVersion: gateway.networking.k8s.io/v1
kind: GRPCRoute
metadata: {name: ${name}}
spec:
  parentRefs: [{name: gw}]
  hostnames: [grpc.example.com]
  rules:
${rules}`;
const base = `${gatewayClass}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec: {gatewayClassName: gc, listeners: [{name: h, protocol: HTTP, port: 80}]}
`;
const winner = (yaml: string, path: string, headers: string[] = []) => {
  const d = explainViaGateway(yaml, `http://grpc.example.com${path}`, {
    method: 'POST',
    headers: ['content-type: application/grpc', ...headers],
  });
  return `${d.winner?.object} ${d.winner?.at}`;
};

test('rule grpcroute-precedence: a header match wins over a rule without matches written after it', () => {
  const yaml =
    base +
    grpcRoute(
      'r',
      `  - matches: [{headers: [{name: env, value: canary}]}]\n    backendRefs: [{name: canary, port: 50051}]\n  - backendRefs: [{name: stable, port: 50051}]`,
    );
  assert.equal(winner(yaml, '/pkg.Svc/Get', ['env: canary']), 'GRPCRoute/default/r rules[0].matches[0]');
  assert.equal(winner(yaml, '/pkg.Svc/Get'), 'GRPCRoute/default/r rules[1].matches[0]');
});

test('rule grpcroute-precedence: service characters before method characters before header matches', () => {
  const yaml =
    base +
    grpcRoute(
      'r',
      [
        `  - matches: [{method: {method: Get}, headers: [{name: a, value: "1"}, {name: b, value: "2"}]}]`,
        `    backendRefs: [{name: by-method, port: 50051}]`,
        `  - matches: [{method: {service: pkg.Svc}}]`,
        `    backendRefs: [{name: by-service, port: 50051}]`,
        `  - matches: [{method: {service: pkg.Svc, method: Get}}]`,
        `    backendRefs: [{name: both, port: 50051}]`,
      ].join('\n'),
    );
  assert.equal(winner(yaml, '/pkg.Svc/Get', ['a: 1', 'b: 2']), 'GRPCRoute/default/r rules[2].matches[0]');
  assert.equal(winner(yaml, '/pkg.Svc/List', ['a: 1', 'b: 2']), 'GRPCRoute/default/r rules[1].matches[0]');
  assert.equal(winner(yaml, '/other.Svc/Get', ['a: 1', 'b: 2']), 'GRPCRoute/default/r rules[0].matches[0]');
});
