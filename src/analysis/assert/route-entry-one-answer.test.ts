/**
 * A `route:` entry of `kubetwin test` asks its router one question (`explain`) and asserts the routing decision it
 * carries (`routed`): the backend the rules choose counts as chosen even when none of its pods is ready (where
 * `route` answers 503, a fact about endpoints, not routing), while the full answer's unknowns — another router
 * exposing the host, which only the full answer looks for — still make it unknown.
 * https://gateway-api.sigs.k8s.io/reference/spec/#httprouterule (the rule's backendRefs receive the request)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { assertContext, evaluateRouteEntry } from '../../../test/helpers/route-entry.ts';
import { routeViaGateway } from '../gateway/_test-fixtures.ts';
import { gatewayPreamble, httpListener } from '../../../test/helpers/gateway.ts';
import { compileRouter, type Router } from '../route/index.ts';

/** Gateway default/gw routing shop.example.com to Service api, which selects no pod (no ready endpoint). */
const yaml = `${gatewayPreamble([httpListener])}apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api, namespace: default}
spec:
  parentRefs: [{name: gw}]
  hostnames: [shop.example.com]
  rules: [{backendRefs: [{name: api, port: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: default}
spec: {selector: {app: api}, ports: [{port: 80}]}
`;

/** An OpenShift Route exposing the same host on the OpenShift router: which router answers is unknown. */
const openshiftRoute = `---
apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: shop, namespace: default}
spec: {host: shop.example.com, to: {kind: Service, name: api}}
`;

const entry = { via: 'gateway:default/gw', host: 'shop.example.com', path: '/' };

test('rule route-entry-one-answer: the entry asks its router one question (explain), never decide as well', () => {
  const { model } = buildFromTexts([{ file: 'in.yaml', text: yaml }]);
  const ctx = assertContext(model);
  const router = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'gw' } });
  if (typeof router === 'string') throw new Error(router);
  let asked = 0;
  const once: Router = {
    ...router,
    decide: () => assert.fail('the entry asked decide'),
    explain: (req) => (asked++, router.explain(req)),
  };
  ctx.memo('route/gateway:default/gw', () => once);
  const o = evaluateRouteEntry(ctx, entry, { backend: 'default/api' });
  assert.equal(o.passed, true, o.message);
  assert.equal(asked, 1);
});

test('rule route-entry-one-answer: a backend whose endpoints are not ready is still the one chosen (route answers 503; the entry keeps its verdict)', () => {
  const r = routeViaGateway(yaml, 'http://shop.example.com/');
  assert.equal(r.decision.status, 503, 'route answers 503: no ready endpoint behind default/api');
  assert.equal(r.routed.status, 200, 'the routing decision the entry asserts');
  const { model } = buildFromTexts([{ file: 'in.yaml', text: yaml }]);
  const ctx = assertContext(model);
  const o = evaluateRouteEntry(ctx, entry, { backend: 'default/api', port: 80 });
  assert.equal(o.passed, true, o.message);
  assert.equal(o.unknown, undefined);
  assert.equal(evaluateRouteEntry(ctx, entry, { status: 200 }).passed, true);
});

test('rule route-entry-one-answer: an unknown only the full answer finds (another router for the host) makes the entry unknown, not a pass', () => {
  const r = routeViaGateway(yaml + openshiftRoute, 'http://shop.example.com/');
  assert.deepEqual(
    r.routed.unknown?.map((u) => u.object),
    ['Route/default/shop'],
  );
  const { model } = buildFromTexts([{ file: 'in.yaml', text: yaml + openshiftRoute }]);
  const o = evaluateRouteEntry(assertContext(model), entry, { backend: 'default/api' });
  assert.equal(o.passed, false);
  assert.equal(o.unknown, true);
  assert.match(o.message, /^unknown: OpenShift Route default\/shop .*also exposes shop\.example\.com/);
  assert.match(o.message, /the objects kubetwin models say default\/api:80, as expected\)$/);
});
