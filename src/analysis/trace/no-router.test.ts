/**
 * An http request from outside through a NodePort to an application that no Ingress, Gateway or mesh fronts
 * (Sock Shop's front-end, examples/sock-shop) is delivered as plain TCP: the "no L7 router identified" hop informs
 * then, and warns only when the input declares L7 routing the request may have been meant for.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceOn, webBehindService } from './_test-fixtures.ts';

const app = webBehindService(8079, {
  spec: 'type: NodePort, ',
  ports: '[{port: 80, targetPort: 8079, nodePort: 30001}]',
});
const ingress = `---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: other}
spec: {rules: [{host: other.example, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]}
`;

function controllerHop(yaml: string) {
  const t = traceOn(yaml, { kind: 'internet' }, 'http://10.0.0.11:30001/');
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
