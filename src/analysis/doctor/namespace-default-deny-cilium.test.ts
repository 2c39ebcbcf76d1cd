/**
 * `namespace-without-default-deny` under Cilium: a CiliumNetworkPolicy with `endpointSelector: {}` and
 * `ingress: [{}]` is a namespace default deny for ingress (https://docs.cilium.io/en/stable/security/policy/intro/,
 * default mode: a selected endpoint with an ingress section is in default deny at ingress), and the message counts
 * the Cilium policies instead of saying the namespace has no policy at all (Cilium's star wars demo has one), and
 * how many pods they leave unisolated.
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
    'namespace default has 1 CiliumNetworkPolicy but no default deny for Egress: no policy isolates its 1 pod for Egress',
  );
  assert.equal(f?.breaks, 'pod default/a may connect anywhere');
});

test('a CiliumNetworkPolicy that allows a peer or selects some pods is no default deny, and is counted', () => {
  const allows = cnp('  endpointSelector: {}\n  ingress: [{fromEndpoints: [{matchLabels: {app: a}}]}]\n');
  assert.match(
    finding(pod + allows)?.message ?? '',
    /has 1 CiliumNetworkPolicy but no default deny for Ingress or Egress: no policy isolates its 1 pod for Egress; the policies select every pod for Ingress/,
  );
  const some = cnp('  endpointSelector: {matchLabels: {app: a}}\n  ingress: [{}]\n');
  assert.match(finding(pod + some)?.message ?? '', /no default deny for Ingress or Egress/);
});

test('without Cilium policies: no NetworkPolicy at all, and nothing isolates the pods', () => {
  assert.equal(
    finding(pod)?.message,
    'namespace default has no NetworkPolicy at all: no default deny for Ingress or Egress, and nothing isolates its 1 pod',
  );
});
