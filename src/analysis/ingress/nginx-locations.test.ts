/**
 * ingress-nginx answers that come from nginx itself, written from the docs and sources they cite:
 * - the missing-trailing-slash redirect: a proxying location named `…/` answers its name without the slash with
 *   301 unless a location has that exact name (https://nginx.org/en/docs/http/ngx_http_core_module.html#location;
 *   ingress-nginx location naming: internal/ingress/controller/location.go updateServerLocations);
 * - `default-backend`: the annotation's Service answers when the location's Service has no ready endpoint
 *   (https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#default-backend);
 * - a request nothing matches is answered 404 by the controller's default backend
 *   (https://kubernetes.github.io/ingress-nginx/user-guide/default-backend/);
 * - the Host header's port is not part of the name matched (RFC 9110 §7.2: Host = uri-host [":" port]; nginx
 *   matches server_name against the host without the port).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequest, routeDelivered } from '../route/index.ts';
import { ingressRouter, nginxClass } from './_test-fixtures.ts';

const n = 'nginx.ingress.kubernetes.io/';
const app = (name: string, replicas: number) => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec: {selector: {app: ${name}}, ports: [{port: 80, targetPort: 8080}]}
`;
type P = { path: string; pathType: string; backend?: string };
function router(paths: P[], annotations: Record<string, string> = {}, replicas = 1) {
  const text = `${nginxClass}${app('web', replicas)}${app('fallback', 1)}---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: i
  annotations: ${JSON.stringify(annotations)}
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http:
      paths: ${JSON.stringify(paths.map((p) => ({ path: p.path, pathType: p.pathType, backend: { service: { name: p.backend ?? 'web', port: { number: 80 } } } })))}
`;
  const r = ingressRouter(text, 'nginx');
  return (url: string, headers: string[] = []) => r.explain(parseRequest({ url, headers }) as never);
}

describe('ingress-nginx: answers from nginx itself', () => {
  it('rule nginx-trailing-slash: Prefix /docs/ answers /docs with 301 to /docs/ (query kept, no port)', () => {
    const go = router([{ path: '/docs/', pathType: 'Prefix' }]);
    const d = go('http://shop.example.com:8080/docs?x=1').decision;
    assert.deepEqual(d.redirect, { status: 301, location: 'http://shop.example.com/docs/?x=1' });
    assert.equal(go('http://shop.example.com/docs/a').decision.status, 200);
  });
  it('rule nginx-trailing-slash-exact: an Exact /docs/ also redirects /docs (exact locations auto-redirect too)', () => {
    const d = router([{ path: '/docs/', pathType: 'Exact' }])('http://shop.example.com/docs').decision;
    assert.equal(d.redirect?.status, 301);
  });
  it('rule nginx-trailing-slash-named: no redirect when a location is named /docs (Prefix /docs, Exact /docs)', () => {
    assert.equal(
      router([{ path: '/docs', pathType: 'Prefix' }])('http://shop.example.com/docs').decision.redirect,
      undefined,
    );
    const both = router([
      { path: '/docs/', pathType: 'Prefix' },
      { path: '/docs', pathType: 'Exact', backend: 'fallback' },
    ])('http://shop.example.com/docs').decision;
    assert.equal(both.redirect, undefined);
    assert.deepEqual(
      both.backends.map((b) => b.name),
      ['fallback'],
    );
  });
  it('rule nginx-trailing-slash-regex: under use-regex a Prefix path is a regex location and redirects nothing', () => {
    const d = router([{ path: '/docs/', pathType: 'Prefix' }], { [`${n}use-regex`]: 'true' })(
      'http://shop.example.com/docs',
    ).decision;
    assert.equal(d.status, 404);
  });
  it('rule spec-trailing-slash: the spec profile has no such redirect (Prefix ignores the trailing slash)', () => {
    const text = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i}
spec:
  ingressClassName: other
  rules:
  - host: shop.example.com
    http: {paths: [{path: /docs/, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
`;
    const r = ingressRouter(text, 'other');
    assert.equal(
      r.decide(parseRequest({ url: 'http://shop.example.com/docs' }) as never).redirect,
      undefined,
    );
  });
  it('rule nginx-default-backend: the annotation Service answers when the location has no ready endpoint', () => {
    const go = router([{ path: '/', pathType: 'Prefix' }], { [`${n}default-backend`]: 'fallback' }, 0);
    const r = go('http://shop.example.com/cart');
    assert.deepEqual(
      r.decision.backends.map((b) => b.name),
      ['fallback'],
    );
    assert.equal(r.decision.status, 200);
    assert.equal(routeDelivered(r), true);
    assert.ok(!r.decision.notes.some((x) => x.startsWith('not modeled:')));
  });
  it("rule nginx-default-backend-unused: with ready endpoints the location's own Service answers", () => {
    const r = router(
      [{ path: '/', pathType: 'Prefix' }],
      { [`${n}default-backend`]: 'fallback' },
      1,
    )('http://shop.example.com/cart');
    assert.deepEqual(
      r.decision.backends.map((b) => b.name),
      ['web'],
    );
  });
  it('rule nginx-default-backend-missing: a default-backend with no Service leaves the 503 and says so', () => {
    const r = router(
      [{ path: '/', pathType: 'Prefix' }],
      { [`${n}default-backend`]: 'gone' },
      0,
    )('http://shop.example.com/cart');
    assert.equal(r.decision.status, 503);
    assert.ok(
      r.decision.notes.some(
        (x) => x.includes('default-backend default/gone') && x.includes('not among the manifests'),
      ),
    );
    assert.equal(routeDelivered(r), false);
  });
  it("rule nginx-controller-default-backend: nothing matches → 404 from the controller's default backend", () => {
    const r = router([{ path: '/', pathType: 'Prefix' }])('http://other.example.com/');
    assert.equal(r.decision.status, 404);
    assert.ok(r.decision.notes.some((x) => x.includes("ingress-nginx's default backend answers 404")));
    assert.equal(routeDelivered(r), false);
  });
  it('rule host-header-port: a Host header with a port matches the host without it', () => {
    const go = router([{ path: '/', pathType: 'Prefix' }]);
    const r = go('http://10.0.0.1/cart', ['Host: Shop.Example.com:8443']);
    assert.equal(r.request.host, 'shop.example.com');
    assert.deepEqual(
      r.decision.backends.map((b) => b.name),
      ['web'],
    );
  });
});

describe('ingress-nginx from-to-www-redirect', () => {
  const text = (host: string, extra = '') => `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: i
  annotations: {nginx.ingress.kubernetes.io/from-to-www-redirect: "true"}
spec:
  ingressClassName: nginx
  rules:
  - host: ${host}
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
${extra}`;
  const go = (t: string, url: string) => {
    return ingressRouter(t, 'nginx').explain(parseRequest({ url }) as never).decision;
  };
  it('rule nginx-www-redirect: host www.example.com → example.com is answered 308 to www.example.com', () => {
    const d = go(text('www.example.com'), 'https://example.com/a/b?q=1');
    assert.deepEqual(d.redirect, { status: 308, location: 'https://www.example.com/a/b?q=1' });
  });
  it('rule nginx-www-redirect-reverse: host example.com → www.example.com goes to example.com, one trailing / removed', () => {
    const d = go(text('example.com'), 'http://www.example.com/');
    assert.deepEqual(d.redirect, { status: 308, location: 'http://example.com' });
  });
  it('rule nginx-www-redirect-omitted: when an Ingress has the other host, the annotation is omitted', () => {
    const other = `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: j}
spec:
  ingressClassName: nginx
  rules:
  - host: example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
`;
    const d = go(text('www.example.com', other), 'http://example.com/');
    assert.equal(d.redirect, undefined);
  });
});
