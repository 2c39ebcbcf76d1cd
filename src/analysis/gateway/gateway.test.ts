/**
 * Gateway API routing and status in the request → backend style of the conformance suite
 * (https://github.com/kubernetes-sigs/gateway-api/tree/main/conformance/tests); each test names the file it mirrors.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter, parseRequest } from '../route/index.ts';
import { analyzeGateways } from './index.ts';
import { gatewayPreamble } from '../../../test/helpers/gateway.ts';

const infra =
  `${gatewayPreamble(
    [
      '{name: http, port: 80, protocol: HTTP, allowedRoutes: {namespaces: {from: Same}}}',
      '{name: any, port: 8080, protocol: HTTP, allowedRoutes: {namespaces: {from: All}}}',
      '{name: foo, port: 8081, protocol: HTTP, hostname: "*.foo.com", allowedRoutes: {namespaces: {from: All}}}',
      '{name: barfoo, port: 8081, protocol: HTTP, hostname: "bar.foo.com", allowedRoutes: {namespaces: {from: All}}}',
    ],
    { namespace: 'infra' },
  )}apiVersion: v1
kind: Namespace
metadata: {name: infra, labels: {shared: "yes"}}
---
apiVersion: v1
kind: Namespace
metadata: {name: apps}
---
` +
  ['v1', 'v2', 'v3']
    .map(
      (n) =>
        `apiVersion: v1\nkind: Service\nmetadata: {name: ${n}, namespace: infra}\nspec: {selector: {app: ${n}}, ports: [{port: 8080}]}\n---\n`,
    )
    .join('') +
  `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: apps}\nspec: {selector: {app: web}, ports: [{port: 8080}]}\n---\n`;

function setup(routes: string) {
  const { model, diagnostics } = buildFromTexts([{ file: 'in.yaml', text: infra + routes }]);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, []);
  const r = compileRouter(model, { via: { kind: 'gateway', namespace: 'infra', name: 'gw' } });
  if (typeof r === 'string') throw new Error(r);
  const go = (url: string, o: { method?: string; headers?: string[] } = {}) => {
    const d = r.decide(parseRequest({ url, ...o }) as never);
    if (d.redirect) return `${d.redirect.status} ${d.redirect.location}`;
    return d.status === 200
      ? d.backends
          .filter((b) => !b.problem && b.weight > 0)
          .map((b) => b.name)
          .join('+') + (d.rewrittenPath ? ` ${d.rewrittenPath}` : '')
      : String(d.status);
  };
  return { model, go, status: analyzeGateways(model) };
}

const route = (name: string, spec: string, ns = 'infra') =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${spec}\n---\n`;

test('HTTPRouteMatching (httproute-matching.go): path and header matches, ANDed within a match, ORed across', () => {
  const { go } = setup(
    route(
      'm',
      `  parentRefs: [{name: gw, sectionName: http}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /}}]
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {type: PathPrefix, value: /v2}}, {headers: [{name: version, value: two}]}]
    backendRefs: [{name: v2, port: 8080}]`,
    ),
  );
  assert.equal(go('http://x/'), 'v1');
  assert.equal(go('http://x/example'), 'v1');
  assert.equal(go('http://x/', { headers: ['Version: one'] }), 'v1');
  assert.equal(go('http://x/v2'), 'v2');
  assert.equal(go('http://x/v2/example'), 'v2');
  assert.equal(go('http://x/', { headers: ['Version: two'] }), 'v2');
  assert.equal(go('http://x/v2x'), 'v1', 'PathPrefix is element-wise');
});

test('HTTPExactPathMatching (httproute-exact-path-matching.go): Exact is exact, and beats a longer prefix', () => {
  const { go } = setup(
    route(
      'e',
      `  parentRefs: [{name: gw, sectionName: http}]
  rules:
  - matches: [{path: {type: Exact, value: /one}}]
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {type: PathPrefix, value: /one}}]
    backendRefs: [{name: v2, port: 8080}]`,
    ),
  );
  assert.equal(go('http://x/one'), 'v1');
  assert.equal(go('http://x/one/'), 'v2');
  assert.equal(go('http://x/two'), '404');
});

test('HTTPRouteMatchingAcrossRoutes (httproute-matching-across-routes.go): precedence across routes by hostname, then path, then headers', () => {
  const { go } = setup(
    route(
      'a',
      `  parentRefs: [{name: gw, sectionName: any}]
  hostnames: [example.com, example.net]
  rules:
  - matches: [{path: {type: PathPrefix, value: /}}]
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{headers: [{name: version, value: one}]}]
    backendRefs: [{name: v3, port: 8080}]`,
    ) +
      route(
        'b',
        `  parentRefs: [{name: gw, sectionName: any}]
  hostnames: [example.com]
  rules:
  - matches: [{path: {type: PathPrefix, value: /v2}}]
    backendRefs: [{name: v2, port: 8080}]
  - matches: [{path: {type: PathPrefix, value: /v2}, method: POST}]
    backendRefs: [{name: v3, port: 8080}]`,
      ),
  );
  assert.equal(go('http://example.com:8080/'), 'v1');
  assert.equal(
    go('http://example.com:8080/', { headers: ['version: one'] }),
    'v3',
    'more header matches win',
  );
  assert.equal(go('http://example.com:8080/v2'), 'v2');
  assert.equal(go('http://example.com:8080/v2', { method: 'POST' }), 'v3', 'a method match beats none');
  assert.equal(go('http://example.net:8080/v2'), 'v1');
  assert.equal(go('http://example.org:8080/'), '404');
});

test('HTTPRouteQueryParamMatching and HTTPRouteMethodMatching (httproute-query-param-matching.go, httproute-method-matching.go)', () => {
  const { go } = setup(
    route(
      'q',
      `  parentRefs: [{name: gw, sectionName: http}]
  rules:
  - matches: [{queryParams: [{name: animal, value: whale}]}]
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{method: DELETE}]
    backendRefs: [{name: v2, port: 8080}]`,
    ),
  );
  assert.equal(go('http://x/?animal=whale'), 'v1');
  assert.equal(go('http://x/?animal=dolphin'), '404');
  assert.equal(go('http://x/', { method: 'DELETE' }), 'v2');
  assert.equal(go('http://x/', { method: 'GET' }), '404');
});

test('HTTPRouteListenerHostnameMatching (httproute-listener-hostname-matching.go): the most specific listener hostname wins', () => {
  const { go } = setup(
    route(
      'wild',
      `  parentRefs: [{name: gw, sectionName: foo}]\n  rules: [{backendRefs: [{name: v1, port: 8080}]}]`,
    ) +
      route(
        'bar',
        `  parentRefs: [{name: gw, sectionName: barfoo}]\n  rules: [{backendRefs: [{name: v2, port: 8080}]}]`,
      ),
  );
  assert.equal(go('http://bar.foo.com:8081/'), 'v2');
  assert.equal(go('http://baz.foo.com:8081/'), 'v1');
  assert.equal(go('http://a.b.foo.com:8081/'), 'v1', 'Gateway API wildcards match any number of labels');
  assert.equal(go('http://foo.com:8081/'), '404');
});

test('HTTPRouteHostnameIntersection (httproute-hostname-intersection.go): route and listener hostnames must intersect', () => {
  const { status, go } = setup(
    route(
      'none',
      `  parentRefs: [{name: gw, sectionName: foo}]\n  hostnames: [bar.example.com]\n  rules: [{backendRefs: [{name: v1, port: 8080}]}]`,
    ) +
      route(
        'narrow',
        `  parentRefs: [{name: gw, sectionName: foo}]\n  hostnames: ["*.bar.foo.com"]\n  rules: [{backendRefs: [{name: v2, port: 8080}]}]`,
      ),
  );
  const none = status.routes.find((r) => r.name === 'none')!;
  assert.equal(none.parents[0].conditions[0].reason, 'NoMatchingListenerHostname');
  assert.equal(go('http://x.bar.foo.com:8081/'), 'v2');
  assert.equal(go('http://y.foo.com:8081/'), '404');
});

test('allowedRoutes Same/All and NotAllowedByListeners; NoMatchingParent for a missing sectionName (gateway-with-attached-routes.go)', () => {
  const { status, go } = setup(
    route(
      'same',
      `  parentRefs: [{name: gw, namespace: infra, sectionName: http}]\n  rules: [{backendRefs: [{name: web, port: 8080}]}]`,
      'apps',
    ) +
      route(
        'all',
        `  parentRefs: [{name: gw, namespace: infra, sectionName: any}]\n  rules: [{backendRefs: [{name: web, port: 8080}]}]`,
        'apps',
      ) +
      route(
        'nosection',
        `  parentRefs: [{name: gw, sectionName: nope}]\n  rules: [{backendRefs: [{name: v1, port: 8080}]}]`,
      ),
  );
  const reason = (n: string) => status.routes.find((r) => r.name === n)!.parents[0].conditions[0].reason;
  assert.equal(reason('same'), 'NotAllowedByListeners');
  assert.equal(reason('all'), 'Accepted');
  assert.equal(reason('nosection'), 'NoMatchingParent');
  assert.equal(go('http://x:8080/'), 'web');
  assert.equal(status.gateways[0].listeners.find((l) => l.name === 'any')!.attachedRoutes, 1);
});

test('cross-namespace backendRef needs a ReferenceGrant (httproute-invalid-cross-namespace-backend-ref.go, httproute-reference-grant.go)', () => {
  const r = route(
    'x',
    `  parentRefs: [{name: gw, sectionName: http}]\n  rules: [{backendRefs: [{name: web, namespace: apps, port: 8080}]}]`,
  );
  const denied = setup(r);
  assert.equal(denied.status.routes[0].parents[0].conditions[1].reason, 'RefNotPermitted');
  assert.equal(denied.go('http://x/'), '500');
  const grant = `apiVersion: gateway.networking.k8s.io/v1beta1\nkind: ReferenceGrant\nmetadata: {name: g, namespace: apps}\nspec:\n  from: [{group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: infra}]\n  to: [{group: "", kind: Service}]\n---\n`;
  const allowed = setup(r + grant);
  assert.equal(allowed.status.routes[0].parents[0].conditions[1].reason, 'ResolvedRefs');
  assert.equal(allowed.go('http://x/'), 'web');
});

test('BackendNotFound (httproute-invalid-backendref-nonexistent.go) and all weights zero (httproute-all-backends-weight-zero.go) answer 500', () => {
  const { status, go } = setup(
    route(
      'nf',
      `  parentRefs: [{name: gw, sectionName: http}]\n  rules:\n  - matches: [{path: {type: PathPrefix, value: /nf}}]\n    backendRefs: [{name: nope, port: 8080}]\n  - backendRefs: [{name: v1, port: 8080, weight: 0}]`,
    ),
  );
  assert.equal(status.routes[0].parents[0].conditions[1].reason, 'BackendNotFound');
  assert.equal(go('http://x/nf'), '500');
  assert.equal(go('http://x/'), '500');
});

test('RequestRedirect (httproute-request-redirect.go, httproute-303-redirect.go): scheme, host, port and path', () => {
  const { go } = setup(
    route(
      'r',
      `  parentRefs: [{name: gw, sectionName: http}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /scheme}}]
    filters: [{type: RequestRedirect, requestRedirect: {scheme: https}}]
  - matches: [{path: {type: PathPrefix, value: /host}}]
    filters: [{type: RequestRedirect, requestRedirect: {hostname: example.org, statusCode: 301}}]
  - matches: [{path: {type: PathPrefix, value: /port}}]
    filters: [{type: RequestRedirect, requestRedirect: {port: 8083}}]
  - matches: [{path: {type: PathPrefix, value: /prefix}}]
    filters: [{type: RequestRedirect, requestRedirect: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /replacement}, statusCode: 303}}]`,
    ),
  );
  assert.equal(go('http://example.com/scheme'), '302 https://example.com/scheme');
  assert.equal(go('http://example.com/host'), '301 http://example.org/host');
  assert.equal(go('http://example.com/port'), '302 http://example.com:8083/port');
  assert.equal(go('http://example.com/prefix/one?x=1'), '303 http://example.com/replacement/one?x=1');
});

test('URLRewrite path (httproute-rewrite-path.go): ReplacePrefixMatch and ReplaceFullPath', () => {
  const { go } = setup(
    route(
      'rw',
      `  parentRefs: [{name: gw, sectionName: http}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /prefix/one}}]
    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /one}}}]
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {type: PathPrefix, value: /strip-prefix}}]
    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplacePrefixMatch, replacePrefixMatch: /}}}]
    backendRefs: [{name: v1, port: 8080}]
  - matches: [{path: {type: PathPrefix, value: /full/path}}]
    filters: [{type: URLRewrite, urlRewrite: {path: {type: ReplaceFullPath, replaceFullPath: /one}}}]
    backendRefs: [{name: v1, port: 8080}]`,
    ),
  );
  assert.equal(go('http://x/prefix/one/two'), 'v1 /one/two');
  assert.equal(go('http://x/strip-prefix/three'), 'v1 /three');
  assert.equal(go('http://x/strip-prefix'), 'v1 /');
  assert.equal(go('http://x/full/path/original'), 'v1 /one');
});

test('HTTPRouteWeight (httproute-weight.go): weighted backends are all listed with their weights', () => {
  const { go } = setup(
    route(
      'w',
      `  parentRefs: [{name: gw, sectionName: http}]\n  rules: [{backendRefs: [{name: v1, port: 8080, weight: 70}, {name: v2, port: 8080, weight: 30}, {name: v3, port: 8080, weight: 0}]}]`,
    ),
  );
  assert.equal(go('http://x/'), 'v1+v2');
});

test('Gateway status: missing certificate Secret gives InvalidCertificateRef (gateway-invalid-tls-configuration.go)', () => {
  const gw = `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: tls, namespace: infra}\nspec:\n  gatewayClassName: gc\n  listeners: [{name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: nope}]}}]\n---\n`;
  const { status } = setup(gw);
  const l = status.gateways.find((g) => g.name === 'tls')!.listeners[0];
  assert.deepEqual(
    l.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`),
    [
      'Accepted=True/Accepted',
      'ResolvedRefs=False/InvalidCertificateRef',
      'Conflicted=False/NoConflicts',
      'Programmed=False/Invalid',
    ],
  );
});

test('Gateway Accepted=False/ListenersNotValid when every listener is invalid, True/ListenersNotValid when some are (spec GatewayConditionReason ListenersNotValid: "True" or "False", depending on whether the listener being invalid causes the entire Gateway to not be accepted)', () => {
  // https://gateway-api.sigs.k8s.io/reference/spec/#gateway.networking.k8s.io/v1.GatewayConditionReason
  const gateway = (name: string, listeners: string) =>
    `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: ${name}, namespace: infra}\nspec:\n  gatewayClassName: gc\n  listeners: ${listeners}\n---\n`;
  const { status } = setup(
    gateway(
      'none-valid',
      `[{name: https, port: 443, protocol: HTTPS, tls: {certificateRefs: [{name: nope}]}}]`,
    ) +
      gateway(
        'some-valid',
        `[{name: http, port: 80, protocol: HTTP}, {name: sctp, port: 9000, protocol: SCTP}]`,
      ),
  );
  const accepted = (name: string) => {
    const c = status.gateways.find((g) => g.name === name)!.conditions;
    return c.map((x) => `${x.type}=${x.status}/${x.reason}`);
  };
  assert.deepEqual(accepted('none-valid'), ['Accepted=False/ListenersNotValid', 'Programmed=False/Invalid']);
  assert.deepEqual(accepted('some-valid'), ['Accepted=True/ListenersNotValid', 'Programmed=True/Programmed']);
  assert.deepEqual(accepted('gw'), ['Accepted=True/Accepted', 'Programmed=True/Programmed']);
});
