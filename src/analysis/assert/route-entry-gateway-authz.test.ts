/**
 * Rule authz-ingress-test-route-entry: a `route:` entry through the Istio ingress gateway is unknown when
 * AuthorizationPolicies select the gateway's pods. The gateway's Envoy judges each request with them (its RBAC
 * filter, before the router) and answers 403 by attributes the entry does not give — the address the gateway
 * sees — so routes alone never make it pass (https://istio.io/latest/docs/tasks/security/authorization/authz-ingress/).
 * Fixture: httpbin behind istio-ingressgateway and the task's allow-list policy (testdata/apps/istio-authz-ingress).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { assertContext, evaluateRouteEntry } from '../../../test/helpers/route-entry.ts';

const app = 'testdata/apps/istio-authz-ingress';
const scenario = 'testdata/scenarios/mesh-istio-authz-ingress';
const read = (path: string) => ({ file: path, text: readFileSync(path, 'utf8') });

function run(policy?: string) {
  const { model } = buildFromTexts(
    [
      read(`${app}/namespace-foo.yaml`),
      read(`${app}/httpbin.yaml`),
      read(`${app}/httpbin-gateway.yaml`),
      read(`${scenario}/input/istio-ingressgateway.yaml`),
      ...(policy ? [read(policy)] : []),
    ],
    { profile: read(`${scenario}/input/kubetwin.yaml`), namespace: 'foo' },
  );
  return evaluateRouteEntry(
    assertContext(model),
    { via: 'istio-gateway', host: 'httpbin.example.com', path: '/headers' },
    { backend: 'foo/httpbin', status: 200 },
  );
}

test('rule authz-ingress-test-route-entry: without AuthorizationPolicies on the gateway pods the routes decide the entry', () => {
  const o = run();
  assert.equal(o.passed, true, o.message);
  assert.equal(o.unknown, undefined);
});

test('rule authz-ingress-test-route-entry: an AuthorizationPolicy selecting the gateway pods makes the entry unknown, naming it', () => {
  const o = run(`${app}/ingress-policy-allow-list.yaml`);
  assert.equal(o.passed, false);
  assert.equal(o.unknown, true);
  assert.match(
    o.message,
    /^unknown: AuthorizationPolicy\/istio-system\/ingress-policy selects the gateway pods/,
  );
  // What the routes alone say is still the actual, as for every unknown entry.
  assert.equal((o.actual as { backend?: string }).backend, 'foo/httpbin');
});
