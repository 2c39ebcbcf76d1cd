/**
 * `route:` entries with `via: istio-gateway[:NS/NAME]`: the same `actual` as `via: mesh` entries, asked of the
 * Istio ingress gateway as `kubetwin route --via istio-gateway` asks it. Fixture: Bookinfo behind its gateway
 * (samples/bookinfo/networking/bookinfo-gateway.yaml, https://istio.io/latest/docs/examples/bookinfo/).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { routeHandler } from './_route.ts';
import { assertContext, evaluateRouteEntry } from '../../../test/helpers/route-entry.ts';
import { isProblem } from './types.ts';

const dir = 'testdata/scenarios/mesh-istio-bookinfo-gateway/input/';
const files = ['kubetwin.yaml', 'bookinfo.yaml', 'istio-ingressgateway.yaml', 'bookinfo-gateway.yaml'];
const { model } = buildFromTexts(files.map((f) => ({ file: dir + f, text: readFileSync(dir + f, 'utf8') })));
const ctx = assertContext(model);
const run = (route: unknown, expect: unknown) => evaluateRouteEntry(ctx, route, expect);

test('istio-gateway route entry: /productpage reaches productpage, with the mesh route actual shape', () => {
  const o = run(
    { via: 'istio-gateway', host: 'bookinfo.example.com', path: '/productpage' },
    { backend: 'default/productpage', subset: null, workloads: ['default/productpage-v1'], status: 200 },
  );
  assert.equal(o.passed, true, o.message);
  assert.deepEqual(o.actual, {
    backend: 'default/productpage',
    subset: null,
    workloads: ['default/productpage-v1'],
    status: 200,
    redirect: null,
    rewrittenPath: null,
  });
  assert.ok(o.details?.some((l) => l.startsWith('Gateway default/bookinfo-gateway spec.servers[0]')));
});

test('istio-gateway:NS/NAME route entry: a path no rule lists is 404; a wrong expectation fails with why', () => {
  const via = 'istio-gateway:default/bookinfo-gateway';
  assert.equal(run({ via, host: 'x', path: '/reviews/0' }, { status: 404 }).passed, true);
  const o = run({ via, host: 'x', path: '/reviews/0' }, { backend: 'default/reviews' });
  assert.equal(o.passed, false);
  assert.match(o.message, /backend \(none\), expected default\/reviews/);
});

test('istio-gateway route entry: a port no server listens on is not served (status null, refused says why)', () => {
  const o = run({ via: 'istio-gateway', host: 'x', port: 8443, path: '/' }, { status: 200 });
  assert.equal(o.passed, false);
  assert.match(o.message, /^not served: no server .* listens on port 8443/);
  assert.equal((o.actual as { status: unknown }).status, null);
});

test('istio-gateway route entry: bad fields are refused at their path', () => {
  const bad = (route: unknown, expect: unknown = { status: 200 }) => routeHandler.parse(route, expect);
  assert.deepEqual(
    (bad({ via: 'istio-gateway', from: 'default/x', host: 'x', path: '/' }) as { path: unknown }).path,
    ['route', 'from'],
  );
  assert.deepEqual(
    (bad({ via: 'istio-gateway:bookinfo-gateway', host: 'x', path: '/' }) as { path: unknown }).path,
    ['route', 'via'],
  );
  assert.deepEqual(
    (bad({ via: 'istio-gateway', host: 'x', path: '/', sni: 'x' }) as { path: unknown }).path,
    ['route', 'sni'],
  );
  assert.ok(isProblem(bad({ via: 'istio-gateway', host: 'x', path: '/' }, { port: 80 })));
});
