/**
 * After an ingress gateway or an Ingress controller routes a request, the backend's proxy and policies judge that
 * request — its method, and its path as the router forwards it (after a rewrite) — not "some request": an Istio
 * sidecar's AuthorizationPolicy with `methods` answers 403 to the others
 * (https://istio.io/latest/docs/reference/config/security/authorization-policy/#Operation). The trace from outside
 * judged the backend without the request and said "authorized for some requests", DELIVERED, for a request the
 * backend refuses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { createTraceContext, trace } from './index.ts';

const app = 'testdata/apps/istio-authz-ingress';
const scenario = 'testdata/scenarios/mesh-istio-authz-ingress';
const read = (path: string) => ({ file: path, text: readFileSync(path, 'utf8') });

const getOnly = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: httpbin-get-only, namespace: foo}
spec:
  selector: {matchLabels: {app: httpbin}}
  action: ALLOW
  rules:
  - to: [{operation: {methods: [GET]}}]
`;

function traceMethod(method: string) {
  const { model } = buildFromTexts(
    [
      read(`${app}/namespace-foo.yaml`),
      read(`${app}/httpbin.yaml`),
      read(`${app}/httpbin-gateway.yaml`),
      read(`${scenario}/input/istio-ingressgateway.yaml`),
      { file: 'policy.yaml', text: getOnly },
    ],
    { profile: read(`${scenario}/input/kubetwin.yaml`), namespace: 'foo' },
  );
  const to = parseFlowTarget('http://203.0.113.10/headers', undefined, undefined);
  assert.ok(typeof to !== 'string' && to.kind === 'url', String(to));
  return trace(createTraceContext(model), { kind: 'internet' }, { ...to, method });
}

test('rule router-forwards-the-request: the backend sidecar judges the method the Istio gateway forwards', () => {
  assert.equal(traceMethod('GET').outcome, 'delivered');
  const post = traceMethod('POST');
  assert.equal(post.outcome, 'failed');
  assert.match(post.failure?.reason ?? '', /methods \[GET\] \(the request is POST\)/);
});
