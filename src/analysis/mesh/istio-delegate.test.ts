/**
 * VirtualService delegation, as istiod merges a root rule with its delegate's rules before building any route
 * (istio/istio pilot/pkg/model/virtualservice.go: mergeVirtualServicesIfNeeded, mergeHTTPRoute,
 * mergeHTTPMatchRequests, hasConflict; validation in pkg/config/validation).
 * https://istio.io/latest/docs/reference/config/networking/virtual-service/#Delegate
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meshActual } from './index.ts';
import { routeWith, toV, vs } from '../../../test/helpers/istio-routing.ts';

/** A delegate VirtualService (no hosts) in `ns` with `http` rules and optional extra spec lines. */
const delegate = (name: string, ns: string, http: string, extra = '') => `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${ns}}
spec:
${extra}  http:
${http}`;

test('virtual-service-delegate: the delegate decides a request the root rule matches, its rules merged with the root match', () => {
  const root = `  - match: [{uri: {prefix: /status}}]\n    delegate: {name: status}\n  - ${toV('v1').trim()}\n`;
  const leaf = delegate('status', 'shop', `  - match: [{uri: {prefix: /status/v2}}]\n${toV('v2')}\n`);
  const hit = routeWith(vs(root) + leaf, 'shop/web', 'http://backend/status/v2');
  assert.deepEqual(
    hit.diagnostics.filter((x) => x.severity === 'error'),
    [],
  );
  assert.equal(hit.d.unknown, undefined);
  assert.equal(meshActual(hit.d).subset, 'v2');
  assert.equal(hit.d.winner?.object, 'VirtualService/shop/status');
  assert.ok(hit.d.notes.some((n) => /reached through VirtualService\/shop\/backend spec\.http\[0\]/.test(n)));
  // Inside the root's prefix but no delegate rule matching: Envoy has no route from that rule, so the next root
  // rule (the catch-all) takes it.
  assert.equal(meshActual(routeWith(vs(root) + leaf, 'shop/web', 'http://backend/status/x').d).subset, 'v1');
});

test('virtual-service-delegate-merge: a delegate rule without match takes the root match; unset settings come from the root rule', () => {
  const root = `  - match: [{uri: {prefix: /slow}}]\n    timeout: 3s\n    delegate: {name: slow}\n  - ${toV('v1').trim()}\n`;
  const leaf = delegate('slow', 'shop', `${toV('v2').replace('    route', '  - route')}\n`);
  const slow = routeWith(vs(root) + leaf, 'shop/web', 'http://backend/slow/a').d;
  assert.equal(meshActual(slow).subset, 'v2');
  assert.equal(slow.timeout, '3s');
  assert.equal(meshActual(routeWith(vs(root) + leaf, 'shop/web', 'http://backend/fast').d).subset, 'v1');
});

test('virtual-service-delegate-conflict: a delegate rule whose match does not narrow the root match is dropped', () => {
  // Root prefix /a; the delegate's /b does not start with /a: istiod's hasConflict drops the rule.
  const root = `  - match: [{uri: {prefix: /a}}]\n    delegate: {name: d}\n  - ${toV('v1').trim()}\n`;
  const leaf = delegate(
    'd',
    'shop',
    `  - match: [{uri: {prefix: /b}}]\n${toV('v2')}\n  - match: [{headers: {x-v: {exact: "2"}}}]\n${toV('v2')}\n`,
  );
  const b = routeWith(vs(root) + leaf, 'shop/web', 'http://backend/b').d;
  assert.equal(meshActual(b).subset, 'v1', 'the /b rule is gone');
  assert.ok(
    b.notes.some((n) => /VirtualService\/shop\/d spec\.http\[0\] is left out/.test(n)),
    b.notes.join('\n'),
  );
  // The header rule merges with the root's uri prefix: /a with the header goes to v2, /b with it does not.
  const ah = routeWith(vs(root) + leaf, 'shop/web', 'http://backend/a/x', { 'x-v': '2' }).d;
  assert.equal(meshActual(ah).subset, 'v2');
  assert.equal(
    meshActual(routeWith(vs(root) + leaf, 'shop/web', 'http://backend/b', { 'x-v': '2' }).d).subset,
    'v1',
  );
});

test('virtual-service-delegate-export-to: a delegate not exported to the root namespace, or missing, is ignored with the root rule', () => {
  const root = `  - match: [{uri: {prefix: /s}}]\n    delegate: {name: s, namespace: outside}\n  - ${toV('v1').trim()}\n`;
  const route = toV('v2')
    .replace('    route', '  - route')
    .replace('host: backend', 'host: backend.shop.svc.cluster.local');
  const hidden = delegate('s', 'outside', `${route}\n`, '  exportTo: ["."]\n');
  const d = routeWith(vs(root) + hidden, 'shop/web', 'http://backend/s').d;
  assert.equal(meshActual(d).subset, 'v1');
  assert.ok(
    d.notes.some((n) => /not exported to namespace shop/.test(n)),
    d.notes.join('\n'),
  );
  const shared = hidden.replace('["."]', '[shop]');
  assert.equal(meshActual(routeWith(vs(root) + shared, 'shop/web', 'http://backend/s').d).subset, 'v2');
  const missing = routeWith(vs(root), 'shop/web', 'http://backend/s').d;
  assert.equal(meshActual(missing).subset, 'v1');
  assert.ok(missing.notes.some((n) => /not among the manifests: istiod ignores this rule/.test(n)));
});

test('virtual-service-delegate-hosts: short destination hosts in a delegate are read in the delegate namespace', () => {
  // The delegate lives in `outside`: its `backend` is backend.outside, which is no Service (503), not shop/backend.
  const root = `  - delegate: {name: s, namespace: outside}\n`;
  const leaf = delegate('s', 'outside', `  - route:\n    - destination: {host: backend}\n`);
  const d = routeWith(vs(root) + leaf, 'shop/web', 'http://backend/').d;
  assert.equal(d.status, 503);
  assert.match(d.destinations[0].problem ?? '', /backend\.outside\.svc/);
});

test('virtual-service-delegate-validation: a delegate with gateways, tcp or a nested delegate is refused', () => {
  const root = `  - delegate: {name: s}\n`;
  const nested = delegate('s', 'shop', `  - delegate: {name: t}\n`);
  const r = routeWith(vs(root) + nested, 'shop/web', 'http://backend/');
  assert.ok(
    r.diagnostics.some((x) => x.code === 'invalid-mesh-route' && x.source?.path === 'spec.http[0].delegate'),
    JSON.stringify(r.diagnostics),
  );
  const gw = delegate(
    's',
    'shop',
    `${toV('v2').replace('    route', '  - route')}\n`,
    '  gateways: [mesh]\n',
  );
  const g = routeWith(vs(root) + gw, 'shop/web', 'http://backend/');
  assert.ok(g.diagnostics.some((x) => x.code === 'invalid-mesh-route' && x.source?.path === 'spec.gateways'));
  // A delegate with a route is refused, as istiod refuses it.
  const both = routeWith(vs(`  - delegate: {name: status}\n${toV('v1')}\n`), 'shop/web', 'http://backend/');
  assert.deepEqual(
    both.diagnostics.filter((x) => x.code === 'invalid-mesh-route').map((x) => x.source?.path),
    ['spec.http[0].delegate'],
  );
});
