/**
 * Rule flow-blocked: a flow from the internet to an Ingress host that the profile's externalHosts does not list
 * (every ingress-nginx docs example: rewrite.bar.com, approot.bar.com) cannot be traced, since kubetwin never
 * queries public DNS: an info finding that says so, not an error that calls the flow blocked.
 * https://kubernetes.github.io/ingress-nginx/examples/rewrite/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { parseFlowTarget, type Flow } from '../flows/index.ts';
import { createTraceContext, traceFlow } from '../trace/index.ts';
import { runDoctor } from './index.ts';

const ingress = `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: rewrite}
spec:
  ingressClassName: nginx
  rules: [{host: rewrite.bar.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: http-svc, port: {number: 80}}}}]}}]
`;

function flowFindings() {
  const { model } = buildFromTexts([{ file: 'in.yaml', text: ingress }]);
  const to = parseFlowTarget('http://rewrite.bar.com/', undefined, undefined);
  assert.ok(typeof to !== 'string', String(to));
  const flow: Flow = {
    name: 'from the internet',
    origin: 'discovered',
    steps: [{ from: { kind: 'internet' }, to, text: 'internet → http://rewrite.bar.com/' }],
  };
  const flowTraces = [traceFlow(createTraceContext(model), flow)];
  return runDoctor(model, { flowTraces }).filter((f) => f.code === 'flow-blocked');
}

test('rule flow-blocked: a public host with no externalHosts address is an info finding "could not be traced", not an error', () => {
  const [f, ...rest] = flowFindings();
  assert.equal(rest.length, 0);
  assert.equal(f.severity, 'info');
  assert.match(
    f.message,
    /could not be traced: the profile's externalHosts does not give rewrite\.bar\.com an address/,
  );
});
