/**
 * Rule webhook-unreachable: the API server calls an admission webhook through `clientConfig.service` (port 443
 * when unset) and a failed call refuses the matched requests under `failurePolicy: Fail` (the v1 default).
 * https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#service-reference
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { runDoctor } from './index.ts';

const base = `apiVersion: v1
kind: Namespace
metadata: {name: cert-manager}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: cert-manager-webhook, namespace: cert-manager}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: webhook}}
  template:
    metadata: {labels: {app.kubernetes.io/name: webhook}}
    spec: {containers: [{name: cert-manager-webhook, ports: [{containerPort: 10250, name: https, protocol: TCP}]}]}
`;
const service = (port: number) => `---
apiVersion: v1
kind: Service
metadata: {name: cert-manager-webhook, namespace: cert-manager}
spec:
  ports: [{name: https, port: ${port}, protocol: TCP, targetPort: https}]
  selector: {app.kubernetes.io/name: webhook}
`;
const webhook = (extra = '') => `---
apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: cert-manager-webhook}
webhooks:
  - name: webhook.cert-manager.io
    admissionReviewVersions: [v1]
    sideEffects: None
    ${extra}
    clientConfig:
      service: {name: cert-manager-webhook, namespace: cert-manager, path: /validate}
    rules: [{apiGroups: [cert-manager.io], apiVersions: [v1], operations: [CREATE, UPDATE], resources: ["*/*"]}]
`;
const findings = (yaml: string) =>
  runDoctor(buildYaml(yaml).model)
    .filter((f) => f.code === 'webhook-unreachable')
    .map((f) => `${f.severity}: ${f.message}`);

test('webhook-unreachable: clientConfig.service.port defaults to 443, and the Service must expose it', () => {
  assert.deepEqual(findings(base + service(443) + webhook()), []);
  assert.deepEqual(findings(base + service(8443) + webhook()), [
    'error: ValidatingWebhookConfiguration cert-manager-webhook webhook webhook.cert-manager.io calls Service cert-manager/cert-manager-webhook on port 443 (the default when clientConfig.service.port is unset), which it does not expose (ports: 8443)',
  ]);
});

test('webhook-unreachable: a webhook naming a Service the input does not hold', () => {
  assert.deepEqual(findings(base + webhook()), [
    'error: ValidatingWebhookConfiguration cert-manager-webhook webhook webhook.cert-manager.io names Service cert-manager/cert-manager-webhook, which the input does not hold',
  ]);
});

test('webhook-unreachable: failurePolicy Ignore lets the requests through unchecked (a warning, not an error)', () => {
  assert.deepEqual(
    findings(base + webhook('failurePolicy: Ignore')).map((f) => f.split(':')[0]),
    ['warning'],
  );
});

test('webhook-unreachable: Ingress policies that admit nothing on the target port from anyone block the API server; one admitting it from anywhere does not', () => {
  const deny = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: only-monitoring, namespace: cert-manager}
spec:
  podSelector: {}
  policyTypes: [Ingress]
  ingress: [{ports: [{port: 9402}]}]
`;
  assert.deepEqual(findings(base + service(443) + webhook() + deny), [
    'error: ValidatingWebhookConfiguration cert-manager-webhook webhook webhook.cert-manager.io calls Service cert-manager/cert-manager-webhook port 443, which leads to TCP 10250 on Deployment/cert-manager/cert-manager-webhook; NetworkPolicy/cert-manager/only-monitoring selects those pods for Ingress and no rule admits TCP 10250 from anywhere',
  ]);
  const open = deny.replace('{port: 9402}', '{port: https}');
  assert.deepEqual(findings(base + service(443) + webhook() + open), []);
});

test('webhook-unreachable: the ingress-nginx fixture pair (admission webhook on the controller port 8443)', () => {
  const read = (f: string) => readFileSync(`testdata/doctor/webhook-unreachable.${f}.yaml`, 'utf8');
  assert.equal(findings(read('bad')).length, 1);
  assert.deepEqual(findings(read('good')), []);
});

test("webhook-unreachable RuleWithOperations: what a failed call refuses names the rule's API groups with its resources", () => {
  const deny = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: cert-manager}
spec: {podSelector: {}, policyTypes: [Ingress]}
`;
  const breaks = runDoctor(buildYaml(base + service(443) + webhook() + deny).model)
    .filter((f) => f.code === 'webhook-unreachable')
    .map((f) => f.breaks);
  assert.deepEqual(breaks, [
    'the API server cannot call the webhook, and with failurePolicy Fail it refuses every request the webhook matches (*/* of cert-manager.io)',
  ]);
});

test('namespace-without-default-deny: the fix names the webhook port the API server calls, which a bare default deny cuts', () => {
  const fix = (yaml: string) =>
    runDoctor(buildYaml(yaml).model)
      .filter((f) => f.code === 'namespace-without-default-deny')
      .map((f) => f.fix);
  assert.deepEqual(fix(base + service(443) + webhook()), [
    'Add a default deny for Ingress and Egress and explicit allows for the flows the namespace needs. The API server calls admission webhooks here (TCP 10250 on Deployment/cert-manager/cert-manager-webhook): allow ingress on that port too, or the default deny refuses its calls (webhook-unreachable).',
  ]);
  assert.deepEqual(fix(base + service(443)), [
    'Add a default deny for Ingress and Egress and explicit allows for the flows the namespace needs.',
  ]);
});

test('webhook-unreachable ServiceReference.port is an integer: port "8443" is a positioned invalid-field-type and the configuration is left out, not read as the default 443', () => {
  const quoted = webhook().replace('path: /validate}', 'path: /validate, port: "8443"}');
  const built = buildYaml(base + service(8443) + quoted);
  assert.deepEqual(
    built.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => `${d.code} ${d.source?.line} ${d.source?.path}`),
    ['invalid-field-type 30 webhooks[0].clientConfig.service.port'],
  );
  assert.deepEqual(
    runDoctor(built.model).filter((f) => f.code === 'webhook-unreachable'),
    [],
  );
  // Written as a number, the port is the one called.
  assert.deepEqual(findings(base + service(8443) + quoted.replace('"8443"', '8443')), []);
});

test('webhook-unreachable WebhookClientConfig.url: a webhook called by url is not a Service, and the url is said to be read but not followed', () => {
  const byUrl = webhook().replace(
    'service: {name: cert-manager-webhook, namespace: cert-manager, path: /validate}',
    'url: "https://cert-manager-webhook.cert-manager.svc:443/validate"',
  );
  const built = buildYaml(base + byUrl);
  assert.deepEqual(
    runDoctor(built.model).filter((f) => f.code === 'webhook-unreachable'),
    [],
  );
  assert.deepEqual(
    built.diagnostics
      .filter((d) => d.code === 'field-not-modeled')
      .map((d) => `${d.severity} ${d.source?.path}`),
    ['info webhooks[0].clientConfig.url'],
  );
});

test('webhook-unreachable namespaceSelector, objectSelector and matchConditions narrow the requests a webhook is sent: what a failed call refuses says so', () => {
  const deny = `---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: cert-manager}
spec: {podSelector: {}, policyTypes: [Ingress]}
`;
  const selected = webhook(
    'namespaceSelector: {matchExpressions: [{key: cert-manager.io/disable-validation, operator: NotIn, values: ["true"]}]}',
  );
  const breaks = runDoctor(buildYaml(base + service(443) + selected + deny).model)
    .filter((f) => f.code === 'webhook-unreachable')
    .map((f) => f.breaks);
  assert.deepEqual(breaks, [
    'the API server cannot call the webhook, and with failurePolicy Fail it refuses every request the webhook matches (*/* of cert-manager.io, narrowed by its namespaceSelector, which kubetwin does not evaluate)',
  ]);
});
