/**
 * A `route:` entry of `kubetwin test` is never a pass when `kubetwin route` would not call the answer certain: a
 * router that cannot decide the request (a Traefik IngressRoute router with a `ClientIP` matcher above the one that
 * answers) or a RegularExpression rival whose rank is implementation-specific makes it unknown (the decision's
 * `unknown` is read, as `route` exits 1 on it), and a listener that is not programmed fails it whatever the routes
 * behind it say.
 * https://gateway-api.sigs.k8s.io/reference/spec/#pathmatchtype, https://gateway-api.sigs.k8s.io/reference/spec/#listenerconditionreason
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { assertContext, evaluateRouteEntry } from '../../../test/helpers/route-entry.ts';
import { undecidedIngressRoute, webService } from '../../../test/helpers/traefik.ts';
import { gatewayClass } from '../gateway/_test-fixtures.ts';

const traefikYaml = webService + undecidedIngressRoute;

test('rule route-entry-unknown-is-not-a-pass: an undecided Traefik router makes the entry unknown though the modeled answer is as expected', () => {
  const { model } = buildFromTexts([{ file: 'in.yaml', text: traefikYaml }]);
  const o = evaluateRouteEntry(
    assertContext(model),
    { via: 'ingress-class:traefik', host: 'a.example.com', path: '/' },
    { backend: 'default/web' },
  );
  assert.equal(o.passed, false);
  assert.equal(o.unknown, true);
  assert.match(o.message, /^unknown: IngressRoute\/default\/r routes\[1\] .*ClientIP.*, as expected\)$/);
  assert.deepEqual((o.actual as { unknown?: string[] }).unknown, ['IngressRoute/default/r']);
});

const yaml = `${gatewayClass}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  gatewayClassName: gc
  listeners:
  - {name: http, protocol: HTTP, port: 80}
  - {name: https, protocol: HTTPS, port: 443, tls: {certificateRefs: [{name: missing}]}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
  - matches: [{path: {type: PathPrefix, value: /api}}]
    backendRefs: [{name: api, port: 80}]
  - matches: [{path: {type: RegularExpression, value: "/api/v[0-9]+"}}]
    backendRefs: [{name: api-v, port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: default}
spec: {selector: {app: api}, ports: [{port: 80}]}
`;
const { model } = buildFromTexts([{ file: 'in.yaml', text: yaml }]);
const ctx = assertContext(model);
const run = (route: unknown, expect: unknown) => evaluateRouteEntry(ctx, route, expect);

test('route entry: a RegularExpression rival makes the expected backend unknown, not a pass', () => {
  const o = run(
    { via: 'gateway:default/gw', listenerPort: 80, host: 'shop.example.com', path: '/api/v1' },
    { backend: 'default/api' },
  );
  assert.equal(o.passed, false);
  assert.equal(o.unknown, true);
  assert.match(o.message, /^unknown: HTTPRoute\/default\/api rules\[1\] \(RegularExpression/);
  const sure = run(
    { via: 'gateway:default/gw', listenerPort: 80, host: 'shop.example.com', path: '/api/orders' },
    { backend: 'default/api' },
  );
  assert.equal(sure.passed, true, sure.message);
});

test('route entry: through a listener that is not programmed the expected backend fails', () => {
  const o = run(
    { via: 'gateway:default/gw', listenerPort: 443, host: 'shop.example.com', path: '/api/orders' },
    { backend: 'default/api' },
  );
  assert.equal(o.passed, false);
  assert.equal(o.unknown, undefined);
  assert.match(o.message, /^LISTENER NOT PROGRAMMED \(Invalid; ResolvedRefs=False\(InvalidCertificateRef\)/);
});
