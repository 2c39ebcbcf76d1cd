import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml, codes } from './_test-helpers.ts';

const ns = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n';

test('rule networkpolicy-podselector-null-is-empty: spec.podSelector null selects every pod (NetworkPolicySpec.PodSelector is a value)', () => {
  const r = buildYaml(
    `${ns}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\nspec:\n  podSelector:\n  policyTypes: [Ingress]\n`,
  );
  const np = r.model.networkPolicies.find((p) => p.name === 'p');
  assert.ok(np, 'the policy is kept');
  assert.deepEqual(np.podSelector, { requirements: [] });
  assert.deepEqual(codes(r.diagnostics), ['null-selector']);
});

test('rule networkpolicy-peer-namespaceselector-null-is-absent: a null namespaceSelector is dropped (pointer) and warned about', () => {
  const r = buildYaml(
    `${ns}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\nspec:\n  podSelector: {}\n  ingress:\n  - from:\n    - podSelector: {}\n      namespaceSelector:\n`,
  );
  const peer = r.model.networkPolicies[0].ingress[0].peers;
  assert.ok(peer !== 'all' && !peer[0].namespaceSelector && peer[0].podSelector);
  const d = r.diagnostics.find((x) => x.code === 'null-selector')!;
  assert.equal(d.severity, 'warning');
  assert.equal(d.source?.path, 'spec.ingress[0].from[0].namespaceSelector');
});

test('rule admin-null-selector-is-pruned: a null subject, peer or NamespacedPod selector is absent, never {}', () => {
  const anp = (spec: string) =>
    buildYaml(
      `apiVersion: policy.networking.k8s.io/v1alpha1\nkind: AdminNetworkPolicy\nmetadata: {name: a}\nspec:\n  priority: 1\n${spec}`,
    );
  const subject = anp('  subject:\n    namespaces:\n');
  assert.equal(subject.model.adminPolicies?.length ?? 0, 0);
  assert.ok(codes(subject.diagnostics).includes('null-selector'));
  const podsNull = anp(
    '  subject:\n    pods: {namespaceSelector: {}, podSelector: }\n  ingress: [{action: Deny, from: [{namespaces: {}}]}]\n',
  );
  assert.equal(podsNull.model.adminPolicies?.length ?? 0, 0, 'NamespacedPod.podSelector is required');
  const peerNull = anp(
    '  subject: {namespaces: {}}\n  ingress:\n  - action: Deny\n    from:\n    - namespaces:\n',
  );
  assert.equal(peerNull.model.adminPolicies?.length ?? 0, 0);
  assert.ok(codes(peerNull.diagnostics).includes('invalid-peer'));
});

test('rule service-selector-null-is-no-selector: a null Service selector is a selector-less Service, with a note', () => {
  const r = buildYaml(
    'apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  selector:\n  ports: [{port: 80}]\n',
  );
  const s = r.model.services.find((x) => x.name === 's')!;
  assert.equal(s.selector, undefined);
  assert.ok(codes(r.diagnostics).includes('null-selector'));
});

test('rule workload-selector-null-is-missing: a Deployment with selector null is refused as the API server refuses it', () => {
  const r = buildYaml(
    'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector:\n  template:\n    metadata: {labels: {app: d}}\n    spec: {containers: [{name: c, image: i}]}\n',
  );
  assert.equal(r.model.workloads.filter((w) => w.name === 'd').length, 0);
  assert.ok(codes(r.diagnostics).includes('missing-field'));
});

test('rule gateway-selector-null-admits-no-namespace: from: Selector with a null selector is warned about, never read as {}', () => {
  const r = buildYaml(
    'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: g}\nspec:\n  gatewayClassName: c\n  listeners:\n  - name: http\n    port: 80\n    protocol: HTTP\n    allowedRoutes:\n      namespaces:\n        from: Selector\n        selector:\n',
  );
  const d = r.diagnostics.find((x) => x.code === 'null-selector');
  assert.ok(d);
  assert.equal(d.severity, 'warning');
  const gw = r.model.routing?.gateways.find((g) => g.name === 'g');
  assert.equal(gw?.listeners[0].allowedRoutes.selector, undefined);
});
