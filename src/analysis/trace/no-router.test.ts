/**
 * An http request from outside through a NodePort to an application that no Ingress, Gateway or mesh fronts
 * (Sock Shop's front-end, examples/sock-shop) is delivered as plain TCP: the "no L7 router identified" hop informs
 * then, and warns only when the input declares L7 routing the request may have been meant for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { createTraceContext, trace } from './index.ts';

const app = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x, ports: [{containerPort: 8079}]}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {type: NodePort, selector: {app: web}, ports: [{port: 80, targetPort: 8079, nodePort: 30001}]}
`;
const ingress = `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: other}
spec: {rules: [{host: other.example, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}
`;

function controllerHop(yaml: string) {
  const { model } = buildYaml(yaml);
  const to = parseFlowTarget('http://10.0.0.11:30001/', undefined, undefined);
  assert.ok(typeof to !== 'string', String(to));
  const t = trace(createTraceContext(model), { kind: 'internet' }, to);
  assert.equal(t.outcome, 'delivered');
  return t.hops.find((h) => h.kind === 'controller');
}

test('no L7 routing in the input: the no-router hop is info, saying the pods are reached as plain TCP', () => {
  const hop = controllerHop(app);
  assert.equal(hop?.verdict, 'info');
  assert.match(hop?.details[0] ?? '', /^the input declares no Ingress, Gateway, route or mesh/);
});

test('L7 routing declared elsewhere: the no-router hop still warns', () => {
  assert.equal(controllerHop(app + ingress)?.verdict, 'warn');
});
