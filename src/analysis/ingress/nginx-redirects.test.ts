/**
 * ingress-nginx redirect annotations, from its annotation docs and redirect parser
 * (https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#permanent-redirect,
 * #app-root; internal/ingress/annotations/redirect/redirect.go): temporal before permanent, default codes 302/301,
 * a code outside 300–308 falls back, a non-http(s) URL is invalid; app-root redirects `/` only (302).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequest } from '../route/index.ts';
import { ingressRouter, nginxClass, service } from './_test-fixtures.ts';

function go(annotations: Record<string, string>, url: string) {
  const text = `${nginxClass}---
${service('a')}---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: i
  annotations: ${JSON.stringify(annotations)}
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: a, port: {number: 80}}}}]}
`;
  return ingressRouter(text, 'nginx').explain(parseRequest({ url }) as never).decision;
}
const n = 'nginx.ingress.kubernetes.io/';

describe('ingress-nginx redirect annotations', () => {
  it('rule nginx-permanent-redirect: 301 to the URL as written, nothing upstream', () => {
    const d = go({ [`${n}permanent-redirect`]: 'https://new.example.com/x' }, 'http://shop.example.com/a/b');
    assert.deepEqual(d.redirect, { status: 301, location: 'https://new.example.com/x' });
    assert.deepEqual(d.backends, []);
  });
  it('rule nginx-permanent-redirect-code: 308 when set; outside 300–308 the default 301', () => {
    const ok = go(
      { [`${n}permanent-redirect`]: 'https://new.example.com', [`${n}permanent-redirect-code`]: '308' },
      'http://shop.example.com/',
    );
    assert.equal(ok.status, 308);
    const bad = go(
      { [`${n}permanent-redirect`]: 'https://new.example.com', [`${n}permanent-redirect-code`]: '200' },
      'http://shop.example.com/',
    );
    assert.equal(bad.status, 301);
  });
  it('rule nginx-temporal-before-permanent: temporal-redirect (302) is read first', () => {
    const d = go(
      {
        [`${n}permanent-redirect`]: 'https://p.example.com',
        [`${n}temporal-redirect`]: 'https://t.example.com',
      },
      'http://shop.example.com/',
    );
    assert.deepEqual(d.redirect, { status: 302, location: 'https://t.example.com' });
  });
  it('rule nginx-redirect-invalid-url: a non-http(s) URL is ignored with a note and the request is forwarded', () => {
    const d = go({ [`${n}permanent-redirect`]: 'ftp://files.example.com' }, 'http://shop.example.com/');
    assert.equal(d.redirect, undefined);
    assert.deepEqual(
      d.backends.map((b) => b.name),
      ['a'],
    );
    assert.ok(d.notes.some((x) => /only http and https URLs are valid/.test(x)));
  });
  it('rule nginx-app-root: / is redirected with 302 to the app root; other paths are forwarded', () => {
    const root = go({ [`${n}app-root`]: '/app1' }, 'http://shop.example.com/');
    assert.deepEqual(root.redirect, { status: 302, location: 'http://shop.example.com/app1' });
    const other = go({ [`${n}app-root`]: '/app1' }, 'http://shop.example.com/app1/x');
    assert.deepEqual(
      other.backends.map((b) => b.name),
      ['a'],
    );
  });
});
