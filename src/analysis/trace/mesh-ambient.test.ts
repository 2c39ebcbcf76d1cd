/**
 * Istio ambient mode (https://istio.io/latest/docs/ambient/usage/l4-policy/): ztunnel on the server side enforces
 * AuthorizationPolicy, which kubetwin does not model, so `trace` to an ambient pod with a policy says unknown rather
 * than delivered. No sidecar judges the request, so the unknown rides on the mesh mTLS hop. On the mTLS migration
 * task's apps with foo labelled istio.io/dataplane-mode=ambient instead of istio-injection=enabled.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { createTraceContext, trace } from './index.ts';

const dir = 'testdata/scenarios/mesh-istio-mtls-migration/input';
const apps = readFileSync(`${dir}/apps.yaml`, 'utf8').replace(
  'metadata: {name: foo, labels: {istio-injection: enabled}}',
  'metadata: {name: foo, labels: {istio.io/dataplane-mode: ambient}}',
);
const allowGet = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: httpbin-get, namespace: foo}
spec:
  selector: {matchLabels: {app: httpbin}}
  action: ALLOW
  rules: [{to: [{operation: {methods: [GET]}}]}]
`;

function traceWith(extra: string) {
  const { model } = buildFromTexts(
    [
      { file: 'apps.yaml', text: apps },
      { file: 'policy.yaml', text: extra },
    ],
    { profile: { file: 'kubetwin.yaml', text: readFileSync(`${dir}/kubetwin.yaml`, 'utf8') } },
  );
  const to = parseFlowTarget('http://httpbin.foo:8000/ip', undefined, undefined);
  assert.ok(typeof to !== 'string', String(to));
  return trace(createTraceContext(model), { kind: 'ref', namespace: 'bar', name: 'sleep' }, to);
}

test('ambient-l4-policy: trace to an ambient pod an AuthorizationPolicy may select is unknown, not delivered', () => {
  const t = traceWith(allowGet);
  assert.match((t.unknown ?? []).join('\n'), /Istio ambient mode.*AuthorizationPolicy\/foo\/httpbin-get/);
  const tls = t.hops.find((h) => h.kind === 'tls');
  assert.equal(tls?.verdict, 'warn');
});

test('ambient-add-workloads: trace to an ambient pod without a waypoint, policy or STRICT mode is delivered', () => {
  const t = traceWith('');
  assert.equal(t.outcome, 'delivered');
  assert.deepEqual(t.unknown ?? [], []);
});
