/**
 * HTTPRoute match rules of the spec that a plain reading gets wrong: only the first of several header (or query
 * param) matches with an equivalent name counts, and where a RegularExpression path ranks against Exact and
 * PathPrefix matches is implementation-specific, so an answer decided against one says unknown.
 * https://gateway-api.sigs.k8s.io/reference/spec/#httpheadermatch, https://gateway-api.sigs.k8s.io/reference/spec/#pathmatchtype
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainViaGateway, gatewayClass } from './_test-fixtures.ts';

const cluster = (rules: string) => `${gatewayClass}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  gatewayClassName: gc
  listeners: [{name: http, protocol: HTTP, port: 80}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
  - backendRefs: [{name: catchall, port: 80}]
${rules}`;

test('HTTPHeaderMatch: of two entries whose names differ only in case, only the first is considered', () => {
  const yaml = cluster(`  - matches: [{headers: [{name: X-Env, value: a}, {name: x-env, value: b}]}]
    backendRefs: [{name: env-a, port: 80}]
`);
  const a = explainViaGateway(yaml, 'http://shop.example.com/', { headers: ['x-env: a'] });
  assert.equal(a.winner?.at, 'rules[1].matches[0]');
  const b = explainViaGateway(yaml, 'http://shop.example.com/', { headers: ['x-env: b'] });
  assert.equal(b.winner?.at, 'rules[0].matches[0]', 'the second X-Env entry is ignored');
});

test('HTTPQueryParamMatch: of two entries with the same name, only the first is considered', () => {
  const yaml = cluster(`  - matches: [{queryParams: [{name: v, value: "1"}, {name: v, value: "2"}]}]
    backendRefs: [{name: v1, port: 80}]
`);
  assert.equal(explainViaGateway(yaml, 'http://shop.example.com/?v=1').winner?.at, 'rules[1].matches[0]');
});

test('PathMatchType RegularExpression: a regex match that also accepts the request makes the answer unknown', () => {
  const yaml = cluster(`  - matches: [{path: {type: RegularExpression, value: "/re/.*"}}]
    backendRefs: [{name: re, port: 80}]
`);
  const d = explainViaGateway(yaml, 'http://shop.example.com/re/x');
  assert.equal(d.winner?.at, 'rules[0].matches[0]');
  assert.match(
    d.unknown?.[0]?.text ?? '',
    /HTTPRoute\/default\/r rules\[1\] \(RegularExpression \/re\/\.\*\) also matches/,
  );
  assert.ok(explainViaGateway(yaml, 'http://shop.example.com/other').unknown === undefined);
});

test('PathMatchType RegularExpression: a regex winner with no other match of the request is certain', () => {
  const yaml = cluster(`  - matches: [{path: {type: RegularExpression, value: "/re/.*"}}]
    backendRefs: [{name: re, port: 80}]
`).replace(
    '  - backendRefs: [{name: catchall, port: 80}]\n',
    '  - matches: [{path: {type: Exact, value: /x}}]\n    backendRefs: [{name: catchall, port: 80}]\n',
  );
  const d = explainViaGateway(yaml, 'http://shop.example.com/re/x');
  assert.equal(d.winner?.at, 'rules[1].matches[0]');
  assert.equal(d.unknown, undefined, JSON.stringify(d.unknown));
});

test('HTTPQueryParamMatch: a request that repeats a tested query parameter is matched on its first value and says unknown', () => {
  const yaml = cluster(`  - matches: [{queryParams: [{name: v, value: "1"}]}]
    backendRefs: [{name: v1, port: 80}]
`);
  const d = explainViaGateway(yaml, 'http://shop.example.com/?v=1&v=2');
  assert.equal(d.winner?.at, 'rules[1].matches[0]');
  assert.match(d.unknown?.[0]?.text ?? '', /repeats query parameter v, which a match tests/);
  assert.ok(explainViaGateway(yaml, 'http://shop.example.com/?w=1&w=2').unknown === undefined);
});
