/**
 * RoleBindings and webhook configurations are read with the field types of their API references, like every other
 * kind: a value of another type is `invalid-field-type` at its file:line:column and field path, what the API
 * server's validation refuses is reported, the object is left out (the API server refuses it), and the other
 * objects are still built.
 * https://kubernetes.io/docs/reference/kubernetes-api/authorization-resources/role-binding-v1/,
 * https://kubernetes.io/docs/reference/kubernetes-api/extend-resources/validating-webhook-configuration-v1/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from './_test-helpers.ts';

const binding = (name: string, subjects: string, kind = 'ClusterRoleBinding') =>
  `apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata: {name: ${name}${kind === 'RoleBinding' ? ', namespace: ops' : ''}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: ${subjects}
`;
const good = binding('good', '[{kind: ServiceAccount, name: op, namespace: ops}]');

/** `code line:column path` of each error, and the bindings and webhook configurations built. */
function read(yaml: string) {
  const { model, diagnostics } = buildYaml(yaml);
  return {
    errors: diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => `${d.code} ${d.source?.line}:${d.source?.column} ${d.source?.path}`),
    bindings: (model.roleBindings ?? []).map((b) => b.key),
    configs: (model.admissionWebhooks ?? []).map((c) => c.key),
    others: model.others.map((o) => o.key),
  };
}

test('RoleBinding subjects are a list of maps (role-binding-v1): subjects: 5 and a string among the subjects are invalid-field-type at their line; the binding is left out, the others kept', () => {
  const number = read(`${good}---\n${binding('bad', '5')}`);
  assert.deepEqual(number.errors, ['invalid-field-type 11:1 subjects']);
  assert.deepEqual(number.bindings, ['ClusterRoleBinding/good']);
  assert.ok(!number.others.includes('ClusterRoleBinding/bad'));
  const string = read(
    `${good}---\n${binding('bad', '[{kind: ServiceAccount, name: a, namespace: ops}, a]')}`,
  );
  assert.deepEqual(string.errors, ['invalid-field-type 11:61 subjects[1]']);
  assert.deepEqual(string.bindings, ['ClusterRoleBinding/good']);
  const name = read(binding('bad', '[{kind: ServiceAccount, name: 7, namespace: ops}]'));
  assert.deepEqual(name.errors, ['invalid-field-type 5:35 subjects[0].name']);
});

test('ValidateRoleBindingSubject: a subject needs a name and a kind of ServiceAccount, User or Group; a ClusterRoleBinding names its ServiceAccount subjects\u2019 namespace', () => {
  assert.deepEqual(read(binding('b', '[{kind: ServiceAccount, namespace: ops}]')).errors, [
    'missing-field 5:12 subjects[0].name',
  ]);
  assert.deepEqual(read(binding('b', '[{kind: Robot, name: r}]')).errors, [
    'invalid-field 5:13 subjects[0].kind',
  ]);
  assert.deepEqual(read(binding('b', '[{kind: ServiceAccount, name: op}]')).errors, [
    'missing-field 5:12 subjects[0].namespace',
  ]);
  // A RoleBinding's ServiceAccount subject without namespace is in the binding's namespace: valid.
  const rb = read(binding('b', '[{kind: ServiceAccount, name: op}]', 'RoleBinding'));
  assert.deepEqual(rb.errors, []);
  assert.deepEqual(rb.bindings, ['RoleBinding/ops/b']);
});

const withRef = (roleRef: string, kind = 'ClusterRoleBinding') =>
  binding('b', '[{kind: ServiceAccount, name: op, namespace: ops}]', kind).replace(
    'roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}',
    roleRef,
  );

test('ValidateRoleBinding / ValidateClusterRoleBinding: roleRef is read typed and checked (apiGroup rbac.authorization.k8s.io, kind Role or ClusterRole — ClusterRole only in a ClusterRoleBinding — and a name); a wrong one is refused at its line', () => {
  const rb = read(
    withRef('roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}', 'RoleBinding'),
  );
  assert.deepEqual(rb.errors, []);
  const { model } = buildYaml(
    withRef('roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}', 'RoleBinding'),
  );
  assert.deepEqual(model.roleBindings?.[0].roleRef, { kind: 'Role', name: 'pod-reader' });
  assert.deepEqual(
    read(withRef('roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}')).errors,
    ['invalid-field 4:48 roleRef.kind'],
  );
  assert.deepEqual(read(withRef('roleRef: {apiGroup: rbac, kind: ClusterRole, name: view}')).errors, [
    'invalid-field 4:11 roleRef.apiGroup',
  ]);
  assert.deepEqual(read(withRef('roleRef: {kind: ClusterRole, name: view}')).errors, [
    'missing-field 4:1 roleRef.apiGroup',
  ]);
  assert.deepEqual(
    read(withRef('roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole}')).errors,
    ['missing-field 4:1 roleRef.name'],
  );
  assert.deepEqual(
    read(withRef('roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: a/b}')).errors,
    ['invalid-name 4:67 roleRef.name'],
  );
  assert.deepEqual(
    read(withRef('roleRef: {apiGroup: rbac.authorization.k8s.io, kind: 5, name: view}')).errors,
    ['invalid-field-type 4:48 roleRef.kind'],
  );
  assert.deepEqual(read(withRef('roleRef: view')).errors, ['invalid-field-type 4:1 roleRef']);
  const none = read(withRef(''));
  assert.deepEqual(none.errors, ['missing-field 1:1 roleRef']);
  assert.deepEqual(none.bindings, []);
});

const hookService = `apiVersion: v1
kind: Service
metadata: {name: hook, namespace: ops}
spec: {selector: {app: op}, ports: [{port: 8443}]}
`;
const config = (webhooks: string, name = 'v') => `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: {name: ${name}}
webhooks: ${webhooks}
`;
const hook = (clientConfig: string, extra = '') =>
  `[{name: v.example.com, sideEffects: None, admissionReviewVersions: [v1], clientConfig: ${clientConfig}${extra}}]`;

test('webhooks are a list of maps (validating-webhook-configuration-v1): webhooks: {} and a port written as a string are invalid-field-type at their line; the configuration is left out, the others kept', () => {
  const ok = config(hook('{service: {name: hook, namespace: ops, port: 8443}}'), 'ok');
  const map = read(`${hookService}---\n${ok}---\n${config('{}', 'bad')}`);
  assert.deepEqual(map.errors, ['invalid-field-type 14:1 webhooks']);
  assert.deepEqual(map.configs, ['ValidatingWebhookConfiguration/ok']);
  const port = read(config(hook('{service: {name: hook, namespace: ops, port: "8443"}}')));
  assert.deepEqual(port.errors, ['invalid-field-type 4:137 webhooks[0].clientConfig.service.port']);
  assert.deepEqual(port.configs, []);
  assert.deepEqual(read(config('[web]')).errors, ['invalid-field-type 4:12 webhooks[0]']);
  // A clientConfig of another type is said once, not again as "neither url nor service".
  assert.deepEqual(read(config('[{name: v.example.com, clientConfig: 5}]')).errors, [
    'invalid-field-type 4:34 webhooks[0].clientConfig',
  ]);
});

test('ValidateWebhookService and the webhook client config: exactly one of url or service, a Service needs name and namespace, port 1-65535, failurePolicy Fail or Ignore', () => {
  assert.deepEqual(read(config(hook('{}'))).errors, ['missing-field 4:84 webhooks[0].clientConfig']);
  assert.deepEqual(
    read(config(hook('{url: "https://x.example.com", service: {name: hook, namespace: ops}}'))).errors,
    ['invalid-field 4:84 webhooks[0].clientConfig'],
  );
  assert.deepEqual(read(config(hook('{service: {name: hook}}'))).errors, [
    'missing-field 4:99 webhooks[0].clientConfig.service.namespace',
  ]);
  assert.deepEqual(read(config(hook('{service: {name: hook, namespace: ops, port: 0}}'))).errors, [
    'invalid-port 4:137 webhooks[0].clientConfig.service.port',
  ]);
  assert.deepEqual(
    read(config(hook('{service: {name: hook, namespace: ops}}', ', failurePolicy: fail'))).errors,
    ['invalid-field 4:139 webhooks[0].failurePolicy'],
  );
});

test('ServiceReference.port defaults to 443 (SetDefaults_ServiceReference); a url webhook keeps its url and no Service', () => {
  const { model } = buildYaml(
    config(
      '[{name: a.example.com, clientConfig: {service: {name: hook, namespace: ops}}}, {name: b.example.com, clientConfig: {url: "https://hooks.example.com/v"}}]',
    ),
  );
  const [a, b] = model.admissionWebhooks![0].webhooks;
  assert.deepEqual(a.service, { namespace: 'ops', name: 'hook', port: 443, portDefaulted: true });
  assert.equal(a.failurePolicy, 'Fail');
  assert.equal(b.service, undefined);
  assert.equal(b.url, 'https://hooks.example.com/v');
});
