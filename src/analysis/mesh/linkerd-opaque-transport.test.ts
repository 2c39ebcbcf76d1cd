/**
 * Linkerd's opaque transport: a meshed client's connection to an opaque pod port is sent to the server proxy's
 * inbound port 4143, so the NetworkPolicies are judged on 4143
 * (https://linkerd.io/2.15/features/protocol-detection/#using-networkpolicy-resources-with-opaque-ports).
 * On Emojivoto (the restricting-access task's apps): web -> voting-svc:8080 (grpc) under a policy for 8080 only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { PolicyEngine } from '../policy/index.ts';
import { reach, type ReachResult } from '../reach/index.ts';

const dir = 'testdata/scenarios/mesh-linkerd-emojivoto-authz/input';
const policy = (ports: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: voting-from-web, namespace: emojivoto}
spec:
  podSelector: {matchLabels: {app: voting-svc}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: web-svc}}}]
    ports: [${ports}]
---
`;
const opaqueServer = `apiVersion: policy.linkerd.io/v1beta3
kind: Server
metadata: {name: voting-grpc, namespace: emojivoto}
spec:
  podSelector: {matchLabels: {app: voting-svc}}
  port: grpc
  proxyProtocol: opaque
  accessPolicy: all-unauthenticated
`;

function run(extra: string, from = 'emojivoto/web', apps?: string): ReachResult {
  const { model } = buildFromTexts(
    [
      { file: 'emojivoto.yaml', text: apps ?? readFileSync(`${dir}/emojivoto.yaml`, 'utf8') },
      { file: 'extra.yaml', text: extra },
    ],
    { profile: { file: 'kubetwin.yaml', text: readFileSync(`${dir}/kubetwin.yaml`, 'utf8') } },
  );
  const r = reach(new PolicyEngine(model), {
    from,
    to: 'service:emojivoto/voting-svc',
    port: 8080,
    protocol: 'TCP',
  });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('linkerd-opaque-transport: a Server proxyProtocol opaque sends meshed connections to 4143, which the policy must admit', () => {
  const http = run(policy('{port: 8080}'));
  assert.equal(http.verdict, 'unknown', "an HTTP port: Linkerd's pages disagree on 8080 or 4143");
  assert.ok(
    http.unknownReasons.some((u) => u.includes("Linkerd's network-policy page says")),
    JSON.stringify(http),
  );
  assert.equal(run(policy('{port: 8080}, {port: 4143}')).verdict, 'allowed', 'both ports admitted: no doubt');
  const denied = run(policy('{port: 8080}') + opaqueServer);
  assert.equal(denied.verdict, 'denied');
  assert.ok(denied.notes.some((n) => n.includes('inbound port 4143 (opaque transport)')));
  assert.equal(run(policy('{port: 4143}') + opaqueServer).verdict, 'allowed', 'admitting 4143 is the fix');
});

test('linkerd-opaque-transport: the pod (or namespace) opaque-ports annotation does the same; an unmeshed client keeps the port', () => {
  const apps = readFileSync(`${dir}/emojivoto.yaml`, 'utf8').replace(
    'metadata: {name: emojivoto, annotations: {linkerd.io/inject: enabled}}',
    'metadata: {name: emojivoto, annotations: {linkerd.io/inject: enabled, config.linkerd.io/opaque-ports: "8080"}}',
  );
  assert.equal(run(policy('{port: 8080}'), 'emojivoto/web', apps).verdict, 'denied');
  const unmeshed = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: voting-from-grpcurl, namespace: emojivoto}
spec:
  podSelector: {matchLabels: {app: voting-svc}}
  policyTypes: [Ingress]
  ingress:
  - from: [{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: default}}}]
    ports: [{port: 8080}]
`;
  assert.equal(
    run(unmeshed, 'default/grpcurl', apps).verdict,
    'allowed',
    'plaintext from outside the mesh: 8080',
  );
});
