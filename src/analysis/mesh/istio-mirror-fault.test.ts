/**
 * Istio VirtualService mirroring and partial fault injection, as the reference page defines them
 * (https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRoute, #HTTPMirrorPolicy,
 * #HTTPFaultInjection-Abort) and the mirroring and fault-injection tasks use them on Bookinfo.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routeWith, toV, vs } from '../../../test/helpers/istio-routing.ts';

test('mirror-percentage: mirrorPercentage 0 copies no request; absent copies every request', () => {
  const zero = routeWith(
    vs(
      `  - ${toV('v1').trim()}\n    mirror: {host: backend, subset: v2}\n    mirrorPercentage: {value: 0}\n`,
    ),
    'shop/web',
    'http://backend/',
  ).d;
  assert.deepEqual(
    zero.mirrors?.map((m) => `${m.name}:${m.subset} ${m.percent}%`),
    ['backend:v2 0%'],
  );
  const all = routeWith(
    vs(`  - ${toV('v1').trim()}\n    mirror: {host: backend, subset: v2}\n`),
    'shop/web',
    'http://backend/',
  ).d;
  assert.deepEqual(
    all.mirrors?.map((m) => `${m.name}:${m.subset} ${m.percent}% ${m.workloads.join()}`),
    ['backend:v2 100% shop/backend-v2'],
  );
});

test('mirrors-list: each HTTPMirrorPolicy destination is named with its percentage (the list was ignored)', () => {
  const d = routeWith(
    vs(
      `  - ${toV('v1').trim()}\n    mirrors:\n    - {destination: {host: backend, subset: v2}, percentage: {value: 25}}\n    - {destination: {host: backend, subset: v1}}\n`,
    ),
    'shop/web',
    'http://backend/',
  ).d;
  assert.deepEqual(
    d.mirrors?.map((m) => `${m.name}:${m.subset} ${m.percent}%`),
    ['backend:v2 25%', 'backend:v1 100%'],
  );
  assert.equal(d.status, 200, 'a mirror never changes the answer');
});

test('fault-abort-partial: an abort below 100% leaves one request to chance (sometimes), not a plain 200', () => {
  const d = routeWith(
    vs(`  - fault: {abort: {httpStatus: 500, percentage: {value: 50}}}\n${toV('v1')}\n`),
    'shop/web',
    'http://backend/',
  ).d;
  assert.equal(d.status, 200);
  assert.equal(d.sometimes?.length, 1);
  assert.match(d.sometimes![0], /50% of requests are aborted with 500/);
  const full = routeWith(
    vs(`  - fault: {abort: {httpStatus: 500, percentage: {value: 100}}}\n${toV('v1')}\n`),
    'shop/web',
    'http://backend/',
  ).d;
  assert.equal(full.status, 500);
  assert.equal(full.sometimes, undefined);
});
