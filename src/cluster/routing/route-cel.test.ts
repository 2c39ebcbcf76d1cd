/**
 * The HTTPRoute CRD's CEL validations on rules and filter lists: the API server refuses a route that breaks one, so
 * kubetwin leaves it out with an error at the filter instead of routing through an object that cannot exist.
 * https://github.com/kubernetes-sigs/gateway-api/blob/main/apis/v1/httproute_types.go (HTTPRouteRule XValidation)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';

const route = (rule: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
${rule}`;
const build = (rule: string) => buildFromTexts([{ file: 'in.yaml', text: route(rule) }]);
const refused = (rule: string, message: RegExp, path: string) => {
  const { model, diagnostics } = build(rule);
  const d = diagnostics.find((x) => x.code === 'invalid-route');
  assert.ok(d, JSON.stringify(diagnostics));
  assert.match(d.message, message);
  assert.equal(d.source?.path, path);
  assert.deepEqual(model.routing?.routes ?? [], []);
};

test('rule httproute-redirect-without-backendrefs: a RequestRedirect next to backendRefs is refused', () =>
  refused(
    `  - filters: [{type: RequestRedirect, requestRedirect: {scheme: https}}]
    backendRefs: [{name: web, port: 80}]`,
    /RequestRedirect filter must not be used together with backendRefs/,
    'spec.rules[0].filters[0]',
  ));

test('rule httproute-redirect-or-rewrite: RequestRedirect and URLRewrite in one filters list are refused', () =>
  refused(
    `  - filters: [{type: RequestRedirect, requestRedirect: {scheme: https}}, {type: URLRewrite, urlRewrite: {hostname: a.example}}]`,
    /RequestRedirect or URLRewrite, not both/,
    'spec.rules[0].filters',
  ));

test('rule httproute-filter-not-repeated: a URLRewrite (or header modifier, or redirect) twice is refused, also in a backendRef', () => {
  refused(
    `  - filters: [{type: URLRewrite, urlRewrite: {hostname: a.example}}, {type: URLRewrite, urlRewrite: {hostname: b.example}}]
    backendRefs: [{name: web, port: 80}]`,
    /URLRewrite filter cannot be repeated/,
    'spec.rules[0].filters[1]',
  );
  refused(
    `  - backendRefs:
    - name: web
      port: 80
      filters: [{type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: a, value: "1"}]}}, {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: b, value: "2"}]}}]`,
    /RequestHeaderModifier filter cannot be repeated/,
    'spec.rules[0].backendRefs[0].filters[1]',
  );
});

test('rule httproute-replace-prefix-one-pathprefix: ReplacePrefixMatch needs exactly one PathPrefix match; the defaulted match counts', () => {
  refused(
    `  - matches: [{path: {type: Exact, value: /a}}]
    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /b}}}]
    backendRefs: [{name: web, port: 80}]`,
    /needs exactly one match, of type PathPrefix \(its one match is Exact\)/,
    'spec.rules[0].filters[0]',
  );
  refused(
    `  - matches: [{path: {type: PathPrefix, value: /a}}, {path: {type: PathPrefix, value: /c}}]
    filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /b}}}]`,
    /the rule has 2 matches/,
    'spec.rules[0].filters[0]',
  );
  const ok =
    build(`  - filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /b}}}]
    backendRefs: [{name: web, port: 80}]`);
  assert.deepEqual(
    ok.diagnostics.filter((d) => d.code === 'invalid-route'),
    [],
  );
  assert.equal(ok.model.routing?.routes.length, 1);
});

test('rule httproute-backendrequest-within-request: a backendRequest timeout longer than the request timeout is refused', () => {
  refused(
    `  - timeouts: {request: 10s, backendRequest: 1m}
    backendRefs: [{name: web, port: 80}]`,
    /backendRequest timeout 1m cannot be longer than request timeout 10s/,
    'spec.rules[0].timeouts.backendRequest',
  );
  for (const t of [
    '{request: 0s, backendRequest: 1m}',
    '{request: 1m, backendRequest: 500ms}',
    '{request: 1h, backendRequest: 1m30s}',
  ])
    assert.equal(
      build(`  - timeouts: ${t}\n    backendRefs: [{name: web, port: 80}]`).model.routing?.routes.length,
      1,
      t,
    );
});
