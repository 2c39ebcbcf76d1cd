/** `route:` entries of `kubetwin test`: backend/port, status, redirect and rewrittenPath expectations, and malformed entries. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { routeHandler } from './_route.ts';
import { assertContext, evaluateRouteEntry } from '../../../test/helpers/route-entry.ts';
import { isProblem } from './types.ts';

const yaml = `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec: {selector: {app: api}, ports: [{port: 8080}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
  annotations: {nginx.ingress.kubernetes.io/rewrite-target: /}
spec:
  ingressClassName: nginx
  tls: [{hosts: [api.example.com], secretName: api-tls}]
  rules:
  - host: api.example.com
    http: {paths: [{path: /v1, pathType: Prefix, backend: {service: {name: api, port: {number: 8080}}}}]}
`;
const { model } = buildFromTexts([{ file: 'in.yaml', text: yaml }]);
const ctx = assertContext(model);
const run = (route: unknown, expect: unknown) => evaluateRouteEntry(ctx, route, expect);

test('route entry: backend and port, with the rewritten path (listenerPort 443 means https)', () => {
  const o = run(
    { via: 'ingress-class:nginx', listenerPort: 443, host: 'api.example.com', path: '/v1/users' },
    { backend: 'default/api', port: 8080, rewrittenPath: '/' },
  );
  assert.equal(o.passed, true, o.message);
  assert.deepEqual(o.actual, {
    backend: 'default/api',
    port: 8080,
    status: 200,
    redirect: null,
    rewrittenPath: '/',
  });
});

test('route entry: a redirect (ingress-nginx ssl-redirect 308) and a 404 are expectations too; a wrong one fails with why', () => {
  assert.equal(
    run(
      { via: 'ingress-class:nginx', host: 'api.example.com', path: '/v1' },
      { redirect: { status: 308, location: 'https://api.example.com/v1' } },
    ).passed,
    true,
  );
  assert.equal(
    run(
      { via: 'ingress-class:nginx', listenerPort: 443, host: 'other.example.com', path: '/' },
      { status: 404 },
    ).passed,
    true,
  );
  const wrong = run(
    { via: 'ingress-class:nginx', listenerPort: 443, host: 'api.example.com', path: '/v1' },
    { backend: 'default/web', port: 80 },
  );
  assert.equal(wrong.passed, false);
  assert.equal(wrong.message, 'reaches default/api, expected default/web; port 8080, expected 80');
});

test('route entry: malformed fields are problems with their path', () => {
  const p = routeHandler.parse({ via: 'nginx', host: 'a', path: '/' }, { status: 404 });
  assert.ok(isProblem(p) && p.path.join('.') === 'route.via');
  const q = routeHandler.parse({ via: 'ingress-class:nginx', host: 'a', path: '/' }, { backnd: 'x/y' });
  assert.ok(isProblem(q) && q.path.join('.') === 'expect.backnd');
});
