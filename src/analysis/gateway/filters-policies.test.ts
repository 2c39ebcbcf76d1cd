/**
 * Gateway API filters and policies, conformance-style (request in, answer out), each test written from the spec
 * text it names (never from upstream test files):
 * - HTTPBackendRef.filters: "executed if and only if the request is being forwarded to the backend defined here"
 *   https://gateway-api.sigs.k8s.io/reference/spec/#httpbackendref
 * - the CORS filter, GEP-1767 (HTTPCORSFilter) https://gateway-api.sigs.k8s.io/geps/gep-1767/
 * - rules[].timeouts (GEP-1742) and rules[].retry (GEP-1731), shown as written
 * - HTTPRouteRule.backendRefs: "When a HTTPBackendRef refers to a Service that has no ready endpoints,
 *   implementations SHOULD return a 503 for requests to that backend instead", with the 500 rules for shares
 *   https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter, parseRequest, routeDelivered } from '../route/index.ts';
import { renderRoute } from '../../render/route.ts';
import { corsOriginAllowed } from './_cors.ts';
import { gatewayPreamble, httpListener } from '../../../test/helpers/gateway.ts';

const base = `${gatewayPreamble([httpListener])}${['a', 'b', 'idle']
  .map(
    (n) => `apiVersion: v1
kind: Service
metadata: {name: ${n}, namespace: default}
spec: {selector: {app: ${n}}, ports: [{port: 8080}]}
---
`,
  )
  .join('')}${['a', 'b']
  .map(
    (n) => `apiVersion: v1
kind: Pod
metadata: {name: ${n}-1, namespace: default, labels: {app: ${n}}}
spec: {containers: [{name: c, image: x}]}
---
`,
  )
  .join('')}`;

function router(rule: string) {
  const text = `${base}apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
${rule}`;
  const { model, diagnostics } = buildFromTexts([{ file: 'in.yaml', text }]);
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error'),
    [],
  );
  const r = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'gw' } });
  if (typeof r === 'string') throw new Error(r);
  return (url: string, o: { method?: string; headers?: string[] } = {}) => {
    const req = parseRequest({ url, ...o });
    if (typeof req === 'string') throw new Error(req);
    return r.explain(req);
  };
}

const header = (set: readonly { name: string; value: string }[] | undefined, name: string) =>
  set?.find((h) => h.name === name)?.value;

describe('backendRef filters: applied only to requests forwarded to that backend', () => {
  const go = router(`  - backendRefs:
    - name: a
      port: 8080
      filters:
      - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x-backend, value: a}]}}
      - {type: ResponseHeaderModifier, responseHeaderModifier: {add: [{name: x-served-by, value: a}]}}
      - {type: RequestMirror, requestMirror: {backendRef: {name: idle, port: 8080}}}
    - {name: b, port: 8080}
    filters:
    - {type: RequestHeaderModifier, requestHeaderModifier: {set: [{name: x-rule, value: all}]}}
`);
  it('rule backendref-filters-apply-to-their-backend-only: backend a carries its filters, b none, the rule filter is shared', () => {
    const r = go('http://shop.example.com/');
    const [a, b] = r.decision.backends;
    assert.equal(header(a.filtered?.requestHeaders?.set, 'x-backend'), 'a');
    assert.equal(header(a.filtered?.responseHeaders?.add, 'x-served-by'), 'a');
    assert.deepEqual(
      a.filtered?.mirrors.map((m) => m.name),
      ['idle'],
    );
    assert.equal(b.filtered, undefined);
    assert.equal(header(r.decision.requestHeaders?.set, 'x-rule'), 'all');
    assert.deepEqual(r.decision.mirrors, [], 'the backend-level mirror is not a rule-level mirror');
  });
  it('rule backendref-filters-are-shown: the route answer prints them under their backend', () => {
    const text = renderRoute(go('http://shop.example.com/'));
    assert.match(text, /\(this backend only\) request headers: set x-backend: a/);
    assert.match(text, /\(this backend only\) mirrored to: Service default\/idle:8080/);
  });
  it('rule backendref-redirect-not-applied: a RequestRedirect at backendRef level is named, not applied', () => {
    const r = router(`  - backendRefs:
    - name: a
      port: 8080
      filters: [{type: RequestRedirect, requestRedirect: {hostname: elsewhere.example.com}}]
`)('http://shop.example.com/');
    assert.equal(r.decision.status, 200);
    assert.equal(r.decision.redirect, undefined);
    assert.ok(
      r.decision.notes.some((n) => /RequestRedirect filter on backendRef default\/a is not applied/.test(n)),
    );
  });
});

describe('CORS filter (GEP-1767)', () => {
  const go = router(`  - filters:
    - type: CORS
      cors:
        allowOrigins: ["https://app.example.com", "https://*.partner.example"]
        allowMethods: [GET, PUT]
        allowHeaders: [x-token]
        exposeHeaders: [x-trace]
    backendRefs: [{name: a, port: 8080}]
`);
  const preflight = (origin: string, method = 'PUT') =>
    go('http://api.example.com/items', {
      method: 'OPTIONS',
      headers: [`Origin: ${origin}`, `Access-Control-Request-Method: ${method}`],
    });
  it('rule cors-preflight-answered-by-gateway: an allowed preflight gets 200 with Access-Control-* headers, nothing forwarded', () => {
    const r = preflight('https://app.example.com');
    assert.equal(r.decision.status, 200);
    assert.equal(r.decision.preflight, true);
    assert.deepEqual(r.decision.backends, []);
    const set = r.decision.responseHeaders?.set;
    assert.equal(header(set, 'access-control-allow-origin'), 'https://app.example.com');
    assert.equal(header(set, 'access-control-allow-methods'), 'GET, PUT');
    assert.equal(header(set, 'access-control-allow-headers'), 'x-token');
    assert.equal(header(set, 'access-control-max-age'), '5', 'maxAge defaults to 5 seconds');
    assert.equal(
      header(set, 'access-control-allow-credentials'),
      undefined,
      'credentials off: header omitted',
    );
    assert.equal(routeDelivered(r), false, 'a preflight reaches no backend');
  });
  it('rule cors-origin-not-allowed: the preflight gets no CORS headers and the note says the browser refuses', () => {
    const r = preflight('https://evil.example.com');
    assert.equal(r.decision.status, 200);
    assert.deepEqual(r.decision.responseHeaders?.set, []);
    assert.ok(r.decision.notes.some((n) => /not in allowOrigins/.test(n)));
  });
  it('rule cors-actual-request-forwarded: a cross-origin GET goes to the backend and the response gains allow-origin and expose-headers', () => {
    const r = go('http://api.example.com/items', { headers: ['Origin: https://x.y.partner.example'] });
    assert.equal(r.decision.preflight, undefined);
    assert.deepEqual(
      r.decision.backends.map((b) => b.name),
      ['a'],
    );
    const set = r.decision.responseHeaders?.set;
    assert.equal(header(set, 'access-control-allow-origin'), 'https://x.y.partner.example');
    assert.equal(header(set, 'access-control-expose-headers'), 'x-trace');
  });
  it('rule cors-no-origin-no-effect: a request without Origin is not a CORS request', () => {
    const r = go('http://api.example.com/items', { method: 'OPTIONS' });
    assert.equal(r.decision.preflight, undefined);
    assert.equal(r.decision.responseHeaders, undefined);
  });
  it('rule cors-wildcard-with-credentials: `*` with allowCredentials echoes the origin and the requested method and headers', () => {
    const r = router(`  - filters:
    - type: CORS
      cors: {allowOrigins: ["*"], allowCredentials: true, allowMethods: ["*"], allowHeaders: ["*"], maxAge: 600}
    backendRefs: [{name: a, port: 8080}]
`)('http://api.example.com/', {
      method: 'OPTIONS',
      headers: [
        'Origin: http://web.example.org:8080',
        'Access-Control-Request-Method: DELETE',
        'Access-Control-Request-Headers: x-a, x-b',
      ],
    });
    const set = r.decision.responseHeaders?.set;
    assert.equal(header(set, 'access-control-allow-origin'), 'http://web.example.org:8080');
    assert.equal(header(set, 'access-control-allow-credentials'), 'true');
    assert.equal(header(set, 'access-control-allow-methods'), 'DELETE');
    assert.equal(header(set, 'access-control-allow-headers'), 'x-a, x-b');
    assert.equal(header(set, 'access-control-max-age'), '600');
  });
  it('rule cors-wildcard-without-credentials: `*` is sent as `*`', () => {
    const r = router(`  - filters: [{type: CORS, cors: {allowOrigins: ["*"], allowMethods: ["*"]}}]
    backendRefs: [{name: a, port: 8080}]
`)('http://api.example.com/', {
      method: 'OPTIONS',
      headers: ['Origin: https://any.example', 'Access-Control-Request-Method: PATCH'],
    });
    const set = r.decision.responseHeaders?.set;
    assert.equal(header(set, 'access-control-allow-origin'), '*');
    assert.equal(header(set, 'access-control-allow-methods'), '*');
  });
  it('rule cors-origin-matching: default ports, scheme, and a left-greedy host wildcard', () => {
    assert.equal(corsOriginAllowed(['https://a.example.com'], 'https://a.example.com:443'), true);
    assert.equal(corsOriginAllowed(['http://a.example.com'], 'https://a.example.com'), false);
    assert.equal(corsOriginAllowed(['https://a.example.com:8443'], 'https://a.example.com'), false);
    assert.equal(corsOriginAllowed(['https://*.example.com'], 'https://b.a.example.com'), true);
    assert.equal(corsOriginAllowed(['https://*.example.com'], 'https://example.com'), false);
    assert.equal(corsOriginAllowed(['*'], 'null'), true);
  });
  it('rule cors-method-not-allowed: a preflight for a method outside allowMethods is noted (safelisted GET/HEAD/POST always pass)', () => {
    assert.ok(
      preflight('https://app.example.com', 'DELETE').decision.notes.some((n) =>
        /DELETE is not in allowMethods/.test(n),
      ),
    );
    assert.ok(
      !preflight('https://app.example.com', 'POST').decision.notes.some((n) => /not in allowMethods/.test(n)),
    );
  });
});

describe('timeouts and retry: shown as written, never a 504 kubetwin cannot know', () => {
  const go = router(`  - timeouts: {request: 10s, backendRequest: 2s}
    retry: {codes: [502, 503], attempts: 3, backoff: 100ms}
    backendRefs: [{name: a, port: 8080}]
`);
  it('rule timeouts-and-retry-shown: the decision carries them and the answer prints them', () => {
    const r = go('http://shop.example.com/');
    assert.equal(r.decision.status, 200);
    assert.deepEqual(r.decision.timeouts, { request: '10s', backendRequest: '2s' });
    assert.deepEqual(r.decision.retry, { codes: [502, 503], attempts: 3, backoff: '100ms' });
    const text = renderRoute(r);
    assert.match(
      text,
      /timeouts: request 10s, backendRequest 2s — a backend slower than this is answered 504/,
    );
    assert.match(text, /retry: on 502, 503, 3 attempts, backoff 100ms/);
  });
});

describe('no ready endpoints: 503 (HTTPRouteRule.backendRefs)', () => {
  it('rule no-ready-endpoints-503: every weighted backend without a ready endpoint → 503 for the request', () => {
    const r = router(`  - backendRefs: [{name: idle, port: 8080}]
`)('http://shop.example.com/');
    assert.equal(r.decision.status, 503);
    assert.ok(
      r.decision.notes.some((n) => /no ready endpoint behind default\/idle: the gateway answers 503/.test(n)),
    );
    assert.equal(routeDelivered(r), false);
  });
  it('rule no-ready-endpoints-share: one of two backends without endpoints → 200, its share gets 503', () => {
    const r = router(`  - backendRefs: [{name: idle, port: 8080}, {name: a, port: 8080}]
`)('http://shop.example.com/');
    assert.equal(r.decision.status, 200);
    assert.ok(
      r.decision.notes.some((n) =>
        /requests weighted to default\/idle \(no ready endpoint\) get 503/.test(n),
      ),
    );
  });
  it('rule no-ready-endpoints-weight-zero: a weight-0 backend without endpoints takes no share', () => {
    const r = router(`  - backendRefs: [{name: idle, port: 8080, weight: 0}, {name: a, port: 8080}]
`)('http://shop.example.com/');
    assert.equal(r.decision.status, 200);
    assert.ok(!r.decision.notes.some((n) => /503/.test(n)));
  });
});
