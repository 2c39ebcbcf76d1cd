/**
 * Argo Rollouts owns the weights of the Istio routes a canary Rollout manages: fully promoted, every managed route
 * sends 100 % to the stable destination and 0 % to the canary, whatever the manifest says — by subset with
 * `istio.destinationRule`, by host (`stableService`/`canaryService`) without. Unmanaged routes keep their weights.
 * https://argoproj.github.io/argo-rollouts/features/traffic-management/istio/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { meshActual } from '../../analysis/mesh/index.ts';
import { routeWith, vs } from '../../../test/helpers/istio-routing.ts';

const split = (name: string) =>
  `  - name: ${name}\n    route:\n    - {destination: {host: backend, subset: v1}, weight: 90}\n    - {destination: {host: backend, subset: v2}, weight: 10}\n`;

const rollout = (istio: string) => `---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: backend, namespace: shop}
spec:
  replicas: 1
  selector: {matchLabels: {app: backend-rollout}}
  template:
    metadata: {labels: {app: backend-rollout}}
    spec: {containers: [{name: c, image: x}]}
  strategy:
    canary:
      stableService: backend
      canaryService: backend-canary
      trafficRouting:
        istio: ${istio}
`;

test('rule argo-rollout-istio-weights-at-rest: the routes a canary Rollout manages send 100 % to stable, 0 % to canary', () => {
  const managed = routeWith(
    vs(split('primary')) +
      rollout(
        '{virtualService: {name: backend, routes: [primary]}, destinationRule: {name: backend, stableSubsetName: v1, canarySubsetName: v2}}',
      ),
    'shop/web',
    'http://backend/',
  ).d;
  assert.deepEqual(meshActual(managed).split, { 'shop/backend:v1': 100, 'shop/backend:v2': 0 });
  // The only HTTP route is managed when routes is omitted; virtualServices[] names it too.
  const only = routeWith(
    vs(split('primary')) +
      rollout(
        '{virtualServices: [{name: backend}], destinationRule: {name: backend, stableSubsetName: v1, canarySubsetName: v2}}',
      ),
    'shop/web',
    'http://backend/',
  ).d;
  assert.deepEqual(meshActual(only).split, { 'shop/backend:v1': 100, 'shop/backend:v2': 0 });
});

test('rule argo-rollout-istio-weights-at-rest: a route the Rollout does not manage, or another VirtualService, keeps its weights', () => {
  for (const istio of [
    '{virtualService: {name: backend, routes: [other]}, destinationRule: {name: backend, stableSubsetName: v1, canarySubsetName: v2}}',
    '{virtualService: {name: elsewhere}, destinationRule: {name: backend, stableSubsetName: v1, canarySubsetName: v2}}',
  ]) {
    const d = routeWith(vs(split('primary')) + rollout(istio), 'shop/web', 'http://backend/').d;
    assert.deepEqual(meshActual(d).split, { 'shop/backend:v1': 90, 'shop/backend:v2': 10 }, istio);
  }
});
