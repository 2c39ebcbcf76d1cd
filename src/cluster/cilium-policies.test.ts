/**
 * Reading CiliumNetworkPolicy / CiliumClusterwideNetworkPolicy: scoping, defaults, and bad input reported at its
 * line while the rest is still built (https://docs.cilium.io/en/stable/security/policy/language/; rule
 * validation as cilium/cilium pkg/policy/api rule_validation.go does it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from './_test-helpers.ts';

const cnp = (name: string, spec: string) =>
  `apiVersion: cilium.io/v2\nkind: CiliumNetworkPolicy\nmetadata: {name: ${name}, namespace: shop}\nspec:\n${spec}`;

test('cilium policies: selectors scoped to the namespace, k8s: prefixes dropped, default deny per direction with rules', () => {
  const { model, diagnostics } = buildYaml(
    [
      cnp(
        'ok',
        `  endpointSelector: {matchLabels: {"k8s:app": web}}\n  ingressDeny: [{fromEntities: [world]}]\n  egress: [{toEndpoints: [{}]}]`,
      ),
      `apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: cw}\nspecs:\n- endpointSelector: {}\n  enableDefaultDeny: {egress: false}\n  egress: [{toEntities: [world]}]`,
    ].join('\n---\n'),
  );
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  const [cw, ok] = model.ciliumPolicies!;
  assert.equal(ok.key, 'CiliumNetworkPolicy/shop/ok');
  const sel = ok.specs[0].endpointSelector!.requirements.map((r) => `${r.key} ${r.operator} ${r.values}`);
  assert.deepEqual(sel, ['app In web', 'io.kubernetes.pod.namespace In shop']);
  assert.deepEqual(ok.specs[0].defaultDeny, { ingress: true, egress: true });
  const peer = ok.specs[0].rules[1].peers;
  assert.ok(peer !== 'all' && peer[0].kind === 'endpoints');
  assert.equal(cw.specs[0].path, 'specs[0]');
  assert.deepEqual(cw.specs[0].defaultDeny, { ingress: false, egress: false });
});

test('cilium bad input: two L3 selectors, a non-string port, an unknown entity, a bad regex — each at its line; the rest is built', () => {
  const text = [
    cnp('two-l3', `  endpointSelector: {}\n  ingress:\n  - fromEndpoints: [{}]\n    fromCIDR: [10.0.0.0/8]`),
    cnp('int-port', `  endpointSelector: {}\n  ingress:\n  - toPorts: [{ports: [{port: 80}]}]`),
    cnp('entity', `  endpointSelector: {}\n  egress:\n  - toEntities: [internet]`),
    cnp(
      'regex',
      `  endpointSelector: {}\n  ingress:\n  - toPorts: [{ports: [{port: "80"}], rules: {http: [{path: "/v1/(unclosed"}]}}]`,
    ),
    cnp('good', `  endpointSelector: {}\n  ingress: [{}]`),
    `apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec: {containers: [{name: c, image: i}]}`,
  ].join('\n---\n');
  const { model, diagnostics } = buildYaml(text);
  const errors = diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(
    errors.map((d) => [d.code, d.object, d.source?.line]),
    [
      ['cilium-invalid-rule', 'CiliumNetworkPolicy/shop/two-l3', 8],
      ['cilium-invalid-port', 'CiliumNetworkPolicy/shop/int-port', 16],
      ['cilium-unknown-entity', 'CiliumNetworkPolicy/shop/entity', 24],
      ['cilium-invalid-regex', 'CiliumNetworkPolicy/shop/regex', 32],
    ],
  );
  assert.match(errors[0].message, /combining fromEndpoints and fromCIDR/);
  assert.match(errors[1].message, /expected a string, got number/);
  assert.match(errors[2].message, /"internet" is not a Cilium entity/);
  assert.match(errors[3].message, /not a valid regular expression/);
  assert.deepEqual(
    model.ciliumPolicies?.map((p) => p.name),
    ['good'],
  );
  assert.ok(model.pods.some((p) => p.name === 'web'));
});

test("cilium fields kubetwin does not model are reported at their line, a port rule's with the port rule", () => {
  const { diagnostics, model } = buildYaml(
    cnp(
      'auth',
      `  endpointSelector: {}\n  ingress:\n  - authentication: {mode: required}\n    toPorts: [{ports: [{port: "9092"}], rules: {kafka: [{topic: t}]}}]`,
    ),
  );
  const d = diagnostics.filter((x) => x.code === 'field-not-modeled');
  assert.deepEqual(
    d.map((x) => [x.severity, x.source?.line]),
    [
      ['warning', 7],
      ['warning', 8],
    ],
  );
  const rule = model.ciliumPolicies![0].specs[0].rules[0];
  assert.deepEqual(rule.unmodeled, ['authentication']);
  assert.deepEqual(rule.toPorts !== 'all' && rule.toPorts[0].unmodeled, ['toPorts[0].rules.kafka']);
});

test('rule cilium-icmps-read: icmps make the rule ICMP-only (no TCP/UDP/SCTP port); with toPorts Cilium refuses the policy', () => {
  const { diagnostics, model } = buildYaml(
    [
      cnp('icmp', `  endpointSelector: {}\n  egress:\n  - icmps: [{fields: [{type: 8}]}]`),
      cnp(
        'both',
        `  endpointSelector: {}\n  egress:\n  - icmps: [{fields: [{type: 8}]}]\n    toPorts: [{ports: [{port: "80"}]}]`,
      ),
    ].join('\n---\n'),
  );
  const errors = diagnostics.filter((x) => x.code.startsWith('cilium-') || x.code === 'field-not-modeled');
  assert.deepEqual(
    errors.map((x) => x.code),
    ['cilium-invalid-rule'],
  );
  assert.match(errors[0].message, /icmps may only be present without toPorts/);
  assert.deepEqual(
    model.ciliumPolicies?.map((p) => p.name),
    ['icmp'],
  );
  const rule = model.ciliumPolicies![0].specs[0].rules[0];
  assert.deepEqual([rule.peers, rule.toPorts, rule.icmps, rule.unmodeled], ['all', [], true, []]);
});
