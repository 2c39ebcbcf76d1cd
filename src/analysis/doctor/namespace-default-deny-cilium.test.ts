/**
 * `namespace-without-default-deny` under Cilium: a CiliumNetworkPolicy with `endpointSelector: {}` and
 * `ingress: [{}]` is a namespace default deny for ingress (https://docs.cilium.io/en/stable/security/policy/intro/,
 * default mode: a selected endpoint with an ingress section is in default deny at ingress), and the message counts
 * the Cilium policies instead of saying the namespace has no policy at all (Cilium's star wars demo has one).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { runDoctor } from './index.ts';

const pod = `apiVersion: v1
kind: Pod
metadata: {name: a, labels: {app: a}}
spec: {containers: [{name: c, image: x}]}
`;
const cnp = (spec: string) => `---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: p}
spec:
${spec}`;
const finding = (yaml: string) => {
  const { model } = buildYaml(yaml);
  return runDoctor(model, {}).find((f) => f.code === 'namespace-without-default-deny');
};

test('a CiliumNetworkPolicy selecting every pod with ingress: [{}] is a default deny for Ingress only', () => {
  const f = finding(pod + cnp('  endpointSelector: {}\n  ingress: [{}]\n'));
  assert.equal(
    f?.message,
    'namespace default has no default-deny policy for Egress (no NetworkPolicy; 1 CiliumNetworkPolicy, which isolates only the pods it selects)',
  );
  assert.equal(f?.breaks, 'pods in default that no policy selects send traffic anywhere');
});

test('a CiliumNetworkPolicy that allows a peer or selects some pods is no default deny, and is counted', () => {
  const allows = cnp('  endpointSelector: {}\n  ingress: [{fromEndpoints: [{matchLabels: {app: a}}]}]\n');
  assert.match(
    finding(pod + allows)?.message ?? '',
    /for Ingress and Egress \(no NetworkPolicy; 1 CiliumNetworkPolicy/,
  );
  const some = cnp('  endpointSelector: {matchLabels: {app: a}}\n  ingress: [{}]\n');
  assert.match(finding(pod + some)?.message ?? '', /for Ingress and Egress/);
});

test('without Cilium policies the message is unchanged: no NetworkPolicy at all', () => {
  assert.equal(
    finding(pod)?.message,
    'namespace default has no default-deny policy for Ingress and Egress (no NetworkPolicy at all)',
  );
});
