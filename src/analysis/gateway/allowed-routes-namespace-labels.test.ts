/**
 * allowedRoutes `from: Selector` over a namespace the input does not declare: only `kubernetes.io/metadata.name` is
 * known (the API server sets it on every namespace), so a selector on another label may admit the route or not —
 * the route's Accepted is Unknown and every answer for its host says so, instead of a sure NotAllowedByListeners.
 * The upstream api-overview example (examples/standard/http-route-attachment) selects by `expose-apps: "true"`.
 * https://gateway-api.sigs.k8s.io/reference/spec/#routenamespaces
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { analyzeGateways } from './index.ts';
import { explainViaGateway, gatewayClass } from './_test-fixtures.ts';

const cluster = (selector: string, namespace = '') => `${gatewayClass}---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  gatewayClassName: gc
  listeners:
  - {name: web, protocol: HTTP, port: 80, allowedRoutes: {namespaces: {from: Selector, selector: ${selector}}}}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r, namespace: apps}
spec:
  parentRefs: [{name: gw, namespace: default}]
  rules: [{backendRefs: [{name: s, port: 80}]}]
${namespace}`;
const accepted = (text: string) => {
  const { model } = buildFromTexts([{ file: 'in.yaml', text }]);
  const c = analyzeGateways(model).routes[0].parents[0].conditions.find((x) => x.type === 'Accepted')!;
  return `${c.status}(${c.reason})`;
};
const exposeApps = '{matchLabels: {expose-apps: "true"}}';
const declared = (labels: string) => `---
apiVersion: v1
kind: Namespace
metadata: {name: apps, labels: ${labels}}
`;

test('rule RouteNamespaces Selector: a namespace not in the input, selected by another label, is Accepted=Unknown and the answer unknown', () => {
  assert.equal(accepted(cluster(exposeApps)), 'Unknown(NotAllowedByListeners)');
  const d = explainViaGateway(cluster(exposeApps), 'http://shop.example.com/');
  assert.equal(d.status, 404);
  assert.match(d.unknown?.[0]?.text ?? '', /HTTPRoute\/apps\/r may attach to Gateway\/default\/gw/);
});

test('rule RouteNamespaces Selector: the Namespace object in the input decides', () => {
  assert.equal(accepted(cluster(exposeApps, declared('{expose-apps: "true"}'))), 'True(Accepted)');
  assert.equal(accepted(cluster(exposeApps, declared('{team: a}'))), 'False(NotAllowedByListeners)');
});

test('rule RouteNamespaces Selector: kubernetes.io/metadata.name is known for every namespace', () => {
  assert.equal(accepted(cluster('{matchLabels: {kubernetes.io/metadata.name: apps}}')), 'True(Accepted)');
  assert.equal(
    accepted(cluster('{matchLabels: {kubernetes.io/metadata.name: other}}')),
    'False(NotAllowedByListeners)',
  );
});
