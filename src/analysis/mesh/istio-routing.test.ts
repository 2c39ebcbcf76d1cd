/**
 * Istio VirtualService semantics for mesh traffic, each from the reference page:
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meshActual } from './index.ts';
import { routeWith, toV, vs } from '../../../test/helpers/istio-routing.ts';

test('uri prefix is a plain string prefix: /api matches /apiv2 (not per path element as in Gateway API)', () => {
  const { d } = routeWith(
    vs(`  - match: [{uri: {prefix: /api}}]\n${toV('v2')}\n  - ${toV('v1').trim()}\n`),
    'shop/web',
    'http://backend/apiv2',
  );
  assert.equal(meshActual(d).subset, 'v2');
});

test('match blocks are ORed, the conditions in one block ANDed', () => {
  const rules = `  - match:\n    - {uri: {exact: /a}, method: {exact: POST}}\n    - headers: {x-version: {exact: v2}}\n${toV('v2')}\n  - ${toV('v1').trim()}\n`;
  assert.equal(
    meshActual(routeWith(vs(rules), 'shop/web', 'http://backend/a').d).subset,
    'v1',
    'GET /a: method fails',
  );
  assert.equal(meshActual(routeWith(vs(rules), 'shop/web', 'http://backend/a', {}, 'POST').d).subset, 'v2');
  assert.equal(
    meshActual(routeWith(vs(rules), 'shop/web', 'http://backend/b', { 'x-version': 'v2' }).d).subset,
    'v2',
  );
});

test('regex matches the whole value (RE2 full match); query parameters and sourceLabels match too', () => {
  const rules = `  - match: [{uri: {regex: '/items/[0-9]+'}}]\n${toV('v2')}\n  - match: [{queryParams: {beta: {exact: "1"}}}]\n${toV('v2')}\n  - match: [{sourceLabels: {track: canary}}]\n${toV('v2')}\n  - ${toV('v1').trim()}\n`;
  assert.equal(meshActual(routeWith(vs(rules), 'shop/web', 'http://backend/items/42').d).subset, 'v2');
  assert.equal(meshActual(routeWith(vs(rules), 'shop/web', 'http://backend/items/42/x').d).subset, 'v1');
  assert.equal(meshActual(routeWith(vs(rules), 'shop/web', 'http://backend/?beta=1').d).subset, 'v2');
  assert.equal(meshActual(routeWith(vs(rules), 'shop/canary-web', 'http://backend/').d).subset, 'v2');
});

test('rewrite.uri replaces the matched prefix; redirect answers 301 by default with the whole path replaced', () => {
  const rules = `  - match: [{uri: {prefix: /old}}]\n    rewrite: {uri: /new}\n${toV('v1')}\n  - match: [{uri: {prefix: /moved}}]\n    redirect: {uri: /here, authority: backend.shop}\n`;
  assert.equal(routeWith(vs(rules), 'shop/web', 'http://backend/old/x').d.rewrittenPath, '/new/x');
  const r = routeWith(vs(rules), 'shop/web', 'http://backend/moved/x').d;
  assert.deepEqual(r.redirect, { status: 301, location: 'http://backend.shop/here' });
});

test('fault.abort at 100% answers its status without forwarding; no rule matching answers 404', () => {
  const rules = `  - match: [{uri: {prefix: /broken}}]\n    fault: {abort: {httpStatus: 418, percentage: {value: 100}}}\n${toV('v1')}\n  - match: [{uri: {prefix: /ok}}]\n${toV('v1')}\n`;
  assert.equal(routeWith(vs(rules), 'shop/web', 'http://backend/broken').d.status, 418);
  const none = routeWith(vs(rules), 'shop/web', 'http://backend/other').d;
  assert.equal(none.status, 404);
  assert.equal(none.lost.length, 2);
});

test('weights split traffic; a route to a subset no DestinationRule defines gets 503 with why', () => {
  const split = routeWith(
    vs(
      `  - route:\n    - {destination: {host: backend, subset: v1}, weight: 90}\n    - {destination: {host: backend, subset: v2}, weight: 10}\n`,
    ),
    'shop/web',
    'http://backend/',
  ).d;
  assert.deepEqual(meshActual(split).split, { 'shop/backend:v1': 90, 'shop/backend:v2': 10 });
  assert.deepEqual(meshActual(split).workloads, ['shop/backend-v1', 'shop/backend-v2']);
  const bad = routeWith(
    vs(`${toV('v3')}\n`.replace('    route', '  - route')),
    'shop/web',
    'http://backend/',
  ).d;
  assert.equal(bad.status, 503);
  assert.match(
    bad.destinations[0].problem ?? '',
    /subset v3 is not defined in DestinationRule\/shop\/backend/,
  );
});

test('a client without a sidecar, or a TCP port, is not routed by the VirtualService', () => {
  const rules = `  - ${toV('v1').trim()}\n`;
  const plain = routeWith(vs(rules), 'outside/plain', 'http://backend.shop/').d;
  assert.equal(plain.clientMeshed, false);
  assert.deepEqual(meshActual(plain).workloads, ['shop/backend-v1', 'shop/backend-v2']);
  const db = routeWith(vs(rules), 'shop/web', 'http://db:5432/').d;
  assert.match(db.by, /TCP port/);
});

test('a regex that is not RE2 is an error at its line; the VirtualService is left out and the rest analysed', () => {
  const bad = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: backend, namespace: shop}
spec:
  hosts: [backend]
  http:
  - match:
    - uri:
        regex: '/(?=x)'
${toV('v2')}
`;
  const { d, diagnostics } = routeWith(bad, 'shop/web', 'http://backend/');
  const diag = diagnostics.find((x) => x.code === 'invalid-mesh-regex');
  assert.ok(diag, JSON.stringify(diagnostics));
  assert.equal(diag.source?.line, 9);
  assert.match(d.by, /default/);
  assert.deepEqual(meshActual(d).workloads, ['shop/backend-v1', 'shop/backend-v2']);
});
