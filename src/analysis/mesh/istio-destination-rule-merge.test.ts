/**
 * Several DestinationRules for one host in one namespace are merged by istiod (istio/istio
 * pilot/pkg/model/destination_rule.go mergeDestinationRule): subsets of a new name are appended, the first
 * top-level trafficPolicy stays. kubetwin took one rule and answered 503 for the other's subsets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meshActual } from './index.ts';
import { routeWith, vs } from '../../../test/helpers/istio-routing.ts';

const canary = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: backend-canary, namespace: shop}
spec:
  host: backend.shop.svc.cluster.local
  trafficPolicy: {loadBalancer: {simple: RANDOM}}
  subsets:
  - {name: canary, labels: {version: v2}}
  - {name: v1, labels: {version: v2}}
---
`;

test('destination-rule-merge: a subset defined by a second DestinationRule for the host routes (not 503)', () => {
  const { d } = routeWith(
    canary + vs(`  - route: [{destination: {host: backend, subset: canary}}]\n`),
    'shop/web',
    'http://backend/',
  );
  assert.equal(d.status, 200, d.notes.join('\n'));
  assert.deepEqual(meshActual(d).workloads, ['shop/backend-v2']);
});

test('destination-rule-merge: the oldest rule keeps its subset of a shared name and its trafficPolicy', () => {
  const { d } = routeWith(
    canary + vs(`  - route: [{destination: {host: backend, subset: v1}}]\n`),
    'shop/web',
    'http://backend/',
  );
  assert.deepEqual(
    meshActual(d).workloads,
    ['shop/backend-v1'],
    'v1 of DestinationRule backend (older by name)',
  );
  assert.ok(
    d.notes.some((n) => n.includes('loadBalancer ROUND_ROBIN')),
    d.notes.join('\n'),
  );
});
