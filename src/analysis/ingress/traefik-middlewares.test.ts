/**
 * Traefik Middlewares named by an Ingress's `router.middlewares`, as Traefik's reference documents each one
 * (https://doc.traefik.io/traefik/reference/routing-configuration/http/middlewares/overview/ and the page of each
 * middleware) and its redirect status codes (pkg/middlewares/redirect/redirect.go): applied in order after the
 * router is chosen; a redirect or basicAuth's 401 ends the chain; path middlewares change the path sent upstream.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter, parseRequest } from '../route/index.ts';

const cluster = (middlewares: string, refs: string, group = 'traefik.io') => `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: traefik}
spec: {controller: traefik.io/ingress-controller}
---
apiVersion: v1
kind: Service
metadata: {name: a, namespace: web}
spec: {selector: {app: a}, ports: [{port: 80}]}
---
${middlewares
  .split('\n---\n')
  .map((m) => `apiVersion: ${group}/v1alpha1\nkind: Middleware\n${m}`)
  .join('\n---\n')}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: site
  namespace: web
  annotations: {traefik.ingress.kubernetes.io/router.middlewares: "${refs}"}
spec:
  ingressClassName: traefik
  rules: [{host: foo.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: a, port: {number: 80}}}}]}}]
`;

function decide(text: string, url: string, method = 'GET', headers: string[] = []) {
  const { model, diagnostics } = buildFromTexts([{ file: 'in.yaml', text }]);
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  const r = compileRouter(model, { via: { kind: 'ingress-class', name: 'traefik' } });
  assert.ok(typeof r !== 'string');
  const req = parseRequest({ url, method, headers });
  assert.ok(typeof req !== 'string');
  return r.explain(req).decision;
}

test('rule traefik-middleware-redirect-scheme: http is redirected to https, 302 (permanent 301; 307/308 for POST)', () => {
  const m =
    'metadata: {name: https, namespace: web}\nspec: {redirectScheme: {scheme: https, permanent: true}}';
  const d = decide(cluster(m, 'web-https@kubernetescrd'), 'http://foo.com/a?x=1');
  assert.deepEqual(d.redirect, { status: 301, location: 'https://foo.com/a?x=1' });
  assert.equal(decide(cluster(m, 'web-https@kubernetescrd'), 'http://foo.com/a', 'POST').status, 308);
  const temp = 'metadata: {name: https, namespace: web}\nspec: {redirectScheme: {scheme: https}}';
  assert.equal(decide(cluster(temp, 'web-https@kubernetescrd'), 'http://foo.com/a').status, 302);
  const secure = decide(cluster(m, 'web-https@kubernetescrd'), 'https://foo.com/a');
  assert.equal(secure.redirect, undefined);
  assert.equal(secure.backends[0]?.name, 'a');
});

test('rule traefik-middleware-redirect-regex: the URL matching the regex is redirected to the replacement', () => {
  const m =
    'metadata: {name: www, namespace: web}\nspec: {redirectRegex: {regex: "^http://foo.com/(.*)", replacement: "http://www.foo.com/${1}"}}';
  const d = decide(cluster(m, 'web-www@kubernetescrd'), 'http://foo.com/docs');
  assert.deepEqual(d.redirect, { status: 302, location: 'http://www.foo.com/docs' });
});

test('rule traefik-middleware-path-changes: stripPrefix, stripPrefixRegex, addPrefix, replacePath, replacePathRegex in chain order', () => {
  const ms = [
    'metadata: {name: strip, namespace: web}\nspec: {stripPrefix: {prefixes: [/api]}}',
    'metadata: {name: add, namespace: web}\nspec: {addPrefix: {prefix: /v2}}',
  ].join('\n---\n');
  assert.equal(
    decide(cluster(ms, 'web-strip@kubernetescrd,web-add@kubernetescrd'), 'http://foo.com/api/users')
      .rewrittenPath,
    '/v2/users',
  );
  const re = 'metadata: {name: re, namespace: web}\nspec: {stripPrefixRegex: {regex: ["/t/[a-z]+"]}}';
  assert.equal(
    decide(cluster(re, 'web-re@kubernetescrd'), 'http://foo.com/t/acme/home').rewrittenPath,
    '/home',
  );
  const rp = 'metadata: {name: rp, namespace: web}\nspec: {replacePath: {path: /fixed}}';
  assert.equal(decide(cluster(rp, 'web-rp@kubernetescrd'), 'http://foo.com/any').rewrittenPath, '/fixed');
  const rr =
    'metadata: {name: rr, namespace: web}\nspec: {replacePathRegex: {regex: "^/old/(.*)", replacement: "/new/$1"}}';
  assert.equal(
    decide(cluster(rr, 'web-rr@kubernetescrd', 'traefik.containo.us'), 'http://foo.com/old/x').rewrittenPath,
    '/new/x',
  );
});

test('rule traefik-middleware-basic-auth: no Authorization header → 401; with one, forwarded (credentials not checked)', () => {
  const m = 'metadata: {name: auth, namespace: web}\nspec: {basicAuth: {secret: users}}';
  assert.equal(decide(cluster(m, 'web-auth@kubernetescrd'), 'http://foo.com/').status, 401);
  const ok = decide(cluster(m, 'web-auth@kubernetescrd'), 'http://foo.com/', 'GET', [
    'Authorization: Basic dTpw',
  ]);
  assert.equal(ok.backends[0]?.name, 'a');
  assert.ok(ok.notes.some((n) => n.includes('does not check the credentials')));
});

test('rule traefik-middleware-ip-allow-list-named: ipAllowList and ipWhiteList are named with their ranges; other middlewares are named as not modeled', () => {
  const ms = [
    'metadata: {name: ips, namespace: web}\nspec: {ipAllowList: {sourceRange: [10.0.0.0/8]}}',
    'metadata: {name: hdr, namespace: web}\nspec: {headers: {customRequestHeaders: {x-a: b}}}',
  ].join('\n---\n');
  const d = decide(cluster(ms, 'web-ips@kubernetescrd,web-hdr@kubernetescrd'), 'http://foo.com/');
  assert.ok(d.notes.some((n) => n.includes('ipAllowList: only clients from 10.0.0.0/8')));
  assert.ok(d.notes.some((n) => n.startsWith('not modeled: middleware web/hdr headers')));
  assert.ok(d.notes.some((n) => n.includes('others get 403')));
});

test('rule traefik-middleware-ip-allow-list-reject-status: ipAllowList.rejectStatusCode is the status refused clients get (https://doc.traefik.io/traefik/reference/routing-configuration/http/middlewares/ipallowlist/)', () => {
  const m =
    'metadata: {name: ips, namespace: web}\nspec: {ipAllowList: {sourceRange: [10.0.0.0/8], rejectStatusCode: 404}}';
  const d = decide(cluster(m, 'web-ips@kubernetescrd'), 'http://foo.com/');
  assert.ok(d.notes.some((n) => n.includes('only clients from 10.0.0.0/8 are let through; others get 404')));
});
