/**
 * Argo Rollouts' Gateway API plugin owns the weights of the HTTPRoute backendRefs naming a canary Rollout's stable and
 * canary Services: fully promoted, stable 100 and canary 0 — the plugin's README writes both backendRefs without
 * weights (1 each, 50/50 as written). Routes it does not name keep their weights.
 * https://github.com/argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { gatewayPreamble, httpListener } from '../../../test/helpers/gateway.ts';

const route = (name: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: ${name}, namespace: default}
spec:
  parentRefs: [{name: gw}]
  rules:
  - backendRefs:
    - {name: stable-svc, port: 80}
    - {name: canary-svc, port: 80}
---
`;
const rollout = (plugin: string) => `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: app, namespace: default}
spec:
  selector: {matchLabels: {app: app}}
  template: {metadata: {labels: {app: app}}, spec: {containers: [{name: c, image: x}]}}
  strategy:
    canary:
      stableService: stable-svc
      canaryService: canary-svc
      trafficRouting:
        plugins:
          argoproj-labs/gatewayAPI: ${plugin}
`;

const weights = (text: string, name: string) => {
  const { model } = buildFromTexts([{ file: 'in.yaml', text }]);
  const r = model.routing!.routes.find((x) => x.name === name)!;
  return r.rules[0].backendRefs.map((b) => `${b.name}=${b.weight}`);
};

test('rule argo-rollout-gateway-api-weights-at-rest: the HTTPRoutes the plugin manages send 100 to stable, 0 to canary', () => {
  const text = gatewayPreamble([httpListener]) + route('app-route') + route('other');
  assert.deepEqual(weights(text + rollout('{httpRoute: app-route, namespace: default}'), 'app-route'), [
    'stable-svc=100',
    'canary-svc=0',
  ]);
  assert.deepEqual(weights(text + rollout('{httpRoutes: [{name: app-route}]}'), 'app-route'), [
    'stable-svc=100',
    'canary-svc=0',
  ]);
  // A route it does not name keeps the weights as written (1 each).
  assert.deepEqual(weights(text + rollout('{httpRoute: app-route}'), 'other'), [
    'stable-svc=1',
    'canary-svc=1',
  ]);
  assert.deepEqual(weights(text, 'app-route'), ['stable-svc=1', 'canary-svc=1']);
});
