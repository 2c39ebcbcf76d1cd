/**
 * Istio ambient mode (https://istio.io/latest/docs/ambient/usage/l4-policy/): ztunnel on the server side enforces
 * AuthorizationPolicy at L4, so `trace` to an ambient pod shows ztunnel's verdict on its own authorization hop. On
 * the mTLS migration task's apps with foo labelled istio.io/dataplane-mode=ambient instead of istio-injection=enabled.
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

test('ztunnel-http-allow-rule: trace to an ambient pod whose only ALLOW rule is HTTP fails at ztunnel, as istio.io says', () => {
  const t = traceWith(allowGet);
  assert.equal(t.outcome, 'failed');
  const authz = t.hops.find((h) => h.kind === 'policy' && h.title.startsWith('mesh authorization'));
  assert.equal(authz?.title, 'mesh authorization (server ztunnel, L4): 0/1 authorized');
  assert.equal(authz?.verdict, 'fail');
  assert.match(authz?.details.join('\n') ?? '', /HTTP attributes, which ztunnel cannot see/);
});

test('ambient-add-workloads: trace to an ambient pod without a waypoint, policy or STRICT mode is delivered', () => {
  const t = traceWith('');
  assert.equal(t.outcome, 'delivered');
  assert.deepEqual(t.unknown ?? [], []);
});
