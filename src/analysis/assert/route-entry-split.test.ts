/**
 * `expect.split` of `route:` entries — the weights a router gives the backends of the winning rule, keyed
 * `ns/service[:port]` as mesh entries key theirs `ns/service[:subset]` (docs/test.md). Weights from ingress-nginx's
 * canary-weight (https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#canary:
 * the canary gets canary-weight out of 100) and from a Gateway API HTTPRoute's weighted backendRefs
 * (https://gateway-api.sigs.k8s.io/guides/traffic-splitting/: traffic is split by the ratio of the weights).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { routeHandler } from './_route.ts';
import { assertContext, evaluateRouteEntry } from '../../../test/helpers/route-entry.ts';
import { isProblem } from './types.ts';

const svc = (name: string, port: number) => `---
apiVersion: v1
kind: Service
metadata: {name: ${name}}
spec: {selector: {app: ${name}}, ports: [{port: ${port}}]}
`;
const ingress = (name: string, backend: string, annotations: string) => `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ${name}, annotations: {${annotations}}}
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: ${backend}, port: {number: 80}}}}]}
`;
const yaml = `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
${svc('stable', 80)}${svc('next', 80)}${ingress('main', 'stable', '')}${ingress(
  'canary',
  'next',
  'nginx.ingress.kubernetes.io/canary: "true", nginx.ingress.kubernetes.io/canary-weight: "20"',
)}---
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: eg}
spec: {controllerName: gateway.envoyproxy.io/gatewayclass-controller}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec: {gatewayClassName: eg, listeners: [{name: http, port: 80, protocol: HTTP}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: api}
spec:
  parentRefs: [{name: gw}]
  hostnames: [api.example.com]
  rules:
  - backendRefs: [{name: stable, port: 80, weight: 3}, {name: next, port: 80, weight: 1}, {name: next, port: 8080, weight: 0}]
  - matches: [{path: {type: PathPrefix, value: /one}}]
    backendRefs: [{name: stable, port: 80}]
`;
const { model } = buildFromTexts([{ file: 'in.yaml', text: yaml }]);
const ctx = assertContext(model);
const canary = { via: 'ingress-class:nginx', host: 'shop.example.com', path: '/cart' };
const gateway = { via: 'gateway:default/gw', host: 'api.example.com', path: '/' };
const run = (route: unknown, expect: unknown) => evaluateRouteEntry(ctx, route, expect);

test('route entry split: ingress-nginx canary-weight 20 gives the canary 20 of 100, by service or service:port', () => {
  const byPort = run(canary, { split: { 'default/stable:80': 80, 'default/next:80': 20 } });
  assert.equal(byPort.passed, true, byPort.message);
  assert.deepEqual((byPort.actual as { split?: unknown }).split, {
    'default/next:80': 20,
    'default/stable:80': 80,
  });
  assert.equal(run(canary, { split: { 'default/next': 20, 'default/stable': 80 } }).passed, true);
});

test('route entry split: a wrong weight, a missing backend or a single backend fails and says what was seen', () => {
  const wrong = run(canary, { split: { 'default/stable': 50, 'default/next': 50 } });
  assert.equal(wrong.passed, false);
  assert.equal(
    wrong.message,
    'split {"default/next":20,"default/stable":80}, expected {"default/stable":50,"default/next":50}',
  );
  assert.equal(run(canary, { split: { 'default/stable': 80 } }).passed, false);
  const single = run({ ...gateway, path: '/one' }, { split: { 'default/stable': 100 } });
  assert.equal(single.passed, false);
  assert.match(single.message, /split \(one backend or none\)/);
});

test('route entry split: HTTPRoute backendRef weights, a zero weight kept, ports summed only when the keys name none', () => {
  const all = { 'default/stable:80': 3, 'default/next:80': 1, 'default/next:8080': 0 };
  assert.equal(run(gateway, { split: all }).passed, true);
  assert.equal(run(gateway, { split: { 'default/stable': 3, 'default/next': 1 } }).passed, true);
  assert.equal(run(gateway, { split: { 'default/stable:80': 3, 'default/next:80': 1 } }).passed, false);
});

test('route entry split: malformed splits are problems at expect.split', () => {
  for (const split of [
    [],
    {},
    { 'default/stable': 0.5 },
    { stable: 1 },
    { 'default/stable:80': 1, 'default/next': 1 },
    { 'default/stable': -1 },
  ]) {
    const p = routeHandler.parse(canary, { split });
    assert.ok(isProblem(p) && p.path.join('.') === 'expect.split', JSON.stringify(split));
  }
});
