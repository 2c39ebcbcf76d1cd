/**
 * Doctor rule backend-tls-policy-problem, from the Gateway API reference for BackendTLSPolicy
 * (https://gateway-api.sigs.k8s.io/reference/spec/#backendtlspolicy): when every caCertificateRef is invalid the
 * policy is Accepted=False(NoValidCACertificate) and requests to the target get a 5xx (error); a policy that lost
 * its target to an older one is Conflicted (warning, the older policy's SNI and trust apply); a valid policy is not
 * reported.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { runDoctor } from './index.ts';

const pem = '-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n';
const base = `apiVersion: v1
kind: ConfigMap
metadata: {name: ca, namespace: default}
data: {ca.crt: "${pem}"}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec: {selector: {app: web}, ports: [{port: 443}]}
---
`;
const policy = (name: string, ca: string, created: string) => `apiVersion: gateway.networking.k8s.io/v1
kind: BackendTLSPolicy
metadata: {name: ${name}, namespace: default, creationTimestamp: "${created}"}
spec:
  targetRefs: [{group: "", kind: Service, name: web}]
  validation: {hostname: web.example.com, caCertificateRefs: [{group: "", kind: ConfigMap, name: ${ca}}]}
---
`;
const findings = (text: string) =>
  runDoctor(buildFromTexts([{ file: 'in.yaml', text }]).model).filter(
    (f) => f.code === 'backend-tls-policy-problem',
  );

test('rule backend-tls-policy-problem: a valid policy is not reported', () => {
  assert.deepEqual(findings(base + policy('good', 'ca', '2024-01-01T00:00:00Z')), []);
});

test('rule backend-tls-policy-problem: every CA ref invalid → NoValidCACertificate, an error at spec.validation (5xx)', () => {
  const [f, ...rest] = findings(base + policy('broken', 'missing', '2024-01-01T00:00:00Z'));
  assert.equal(rest.length, 0);
  assert.equal(f.severity, 'error');
  assert.match(f.message, /BackendTLSPolicy default\/broken: ResolvedRefs False \(InvalidCACertificateRef\)/);
  assert.equal(f.objects[0].source?.path, 'spec.validation');
  assert.match(f.breaks ?? '', /5xx/);
});

test('rule backend-tls-policy-problem: the newer of two policies on one Service is Conflicted, a warning at spec.targetRefs', () => {
  const [f, ...rest] = findings(
    base + policy('old', 'ca', '2024-01-01T00:00:00Z') + policy('new', 'ca', '2024-06-01T00:00:00Z'),
  );
  assert.equal(rest.length, 0);
  assert.equal(f.severity, 'warning');
  assert.match(f.message, /BackendTLSPolicy default\/new is not in effect on .*web.*: Conflicted/);
  assert.equal(f.objects[0].source?.path, 'spec.targetRefs');
});
