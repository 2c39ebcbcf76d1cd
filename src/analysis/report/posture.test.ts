import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { PolicyEngine } from '../policy/index.ts';
import { buildReport } from './index.ts';

const pods =
  'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x}\nspec: {containers: [{name: c, image: i}]}\n';
const denyAll =
  'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: x}\nspec: {podSelector: {}, policyTypes: [Ingress, Egress]}\n';
const allow = (spec: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: open, namespace: x}\nspec: {podSelector: {}, ${spec}}\n`;

function posture(yaml: string): string | undefined {
  const { model, diagnostics } = buildYaml(yaml);
  const data = buildReport({
    title: 't',
    model,
    diagnostics,
    engine: new PolicyEngine(model),
    flows: [],
    findings: [],
  });
  return data.posture.find((p) => p.namespace === 'x')?.posture;
}

test('rule allow-everything-is-not-zero-trust: a default deny undone by ingress [{}], egress [{}], namespaceSelector {} or 0.0.0.0/0 on every port is not zero-trust', () => {
  assert.equal(posture(`${pods}---\n${denyAll}`), 'zero-trust');
  for (const spec of [
    'policyTypes: [Ingress], ingress: [{}]',
    'policyTypes: [Egress], egress: [{}]',
    'policyTypes: [Ingress], ingress: [{from: [{namespaceSelector: {}}]}]',
    'policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}]}]',
  ])
    assert.equal(posture(`${pods}---\n${denyAll}---\n${allow(spec)}`), 'partial', spec);
  // Narrower rules keep it: one port, one namespace, a CIDR with an except.
  for (const spec of [
    'policyTypes: [Ingress], ingress: [{ports: [{port: 80}]}]',
    'policyTypes: [Ingress], ingress: [{from: [{namespaceSelector: {matchLabels: {team: a}}}]}]',
    'policyTypes: [Egress], egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]}]',
  ])
    assert.equal(posture(`${pods}---\n${denyAll}---\n${allow(spec)}`), 'zero-trust', spec);
});
