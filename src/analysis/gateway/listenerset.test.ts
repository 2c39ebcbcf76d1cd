/**
 * ListenerSet (Gateway API Standard since v1.5.0, https://gateway-api.sigs.k8s.io/api-types/listenerset/) is not
 * modeled yet. Never a confident wrong answer: a request for a host only a ListenerSet listens for is answered with
 * an "unknown" note naming it, and a route bound to a ListenerSet is Accepted=Unknown (not a route-not-attached
 * error).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { runDoctor } from '../doctor/index.ts';
import { compileRouter, parseRequest } from '../route/index.ts';
import { analyzeGateways } from './index.ts';

const text = `apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: {name: gc}
spec: {controllerName: example.com/gc}
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  gatewayClassName: gc
  allowedListeners: {namespaces: {from: Same}}
  listeners: [{name: http, port: 80, protocol: HTTP, hostname: www.example.com}]
---
apiVersion: gateway.networking.k8s.io/v1
kind: ListenerSet
metadata: {name: team, namespace: default}
spec:
  parentRef: {name: gw, kind: Gateway, group: gateway.networking.k8s.io}
  listeners: [{name: shop, port: 80, protocol: HTTP, hostname: shop.example.com}]
---
apiVersion: v1
kind: Service
metadata: {name: shop, namespace: default}
spec: {selector: {app: shop}, ports: [{port: 80}]}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: shop, namespace: default}
spec:
  parentRefs: [{name: team, kind: ListenerSet, group: gateway.networking.k8s.io}]
  hostnames: [shop.example.com]
  rules: [{backendRefs: [{name: shop, port: 80}]}]
`;

test('ListenerSet not modeled: its host is answered unknown, and a route bound to it is Pending, not an error', () => {
  const { model } = buildFromTexts([{ file: 'in.yaml', text }]);
  const parent = analyzeGateways(model).routes[0].parents[0].conditions.find((c) => c.type === 'Accepted')!;
  assert.equal(parent.status, 'Unknown');
  assert.match(parent.message, /does not model ListenerSets/);
  assert.ok(!runDoctor(model).some((f) => f.code === 'route-not-attached'));
  const r = compileRouter(model, { via: { kind: 'gateway', namespace: 'default', name: 'gw' } });
  if (typeof r === 'string') throw new Error(r);
  const d = r.explain(parseRequest({ url: 'http://shop.example.com/' }) as never).decision;
  assert.ok(
    d.notes.some((n) => /^unknown: ListenerSet .*default\/team/.test(n)),
    `expected an unknown note naming the ListenerSet, got ${JSON.stringify(d.notes)}`,
  );
});
