/**
 * NetworkPolicy records are built from object literals, one per field combination (`_network-policies.ts`), so
 * the engine reads a few hidden classes instead of one per object (design note 0008, twelfth session). The
 * records must stay what they were: absent fields absent (never `undefined` keys: JSON output, deep equality and
 * `in` checks see them), keys in the order JSON output has always had.
 * https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from './_test-helpers.ts';

const policy = `apiVersion: v1
kind: Namespace
metadata: {name: x}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: p, namespace: x, labels: {a: b}}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: a}}
    - namespaceSelector: {matchLabels: {team: t}}
    - podSelector: {}
      namespaceSelector: {}
    - ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16]}
    ports:
    - protocol: UDP
    - port: 80
    - port: http
    - port: 8000
      endPort: 8080
  egress:
  - {}
`;

test('selectorPeer and policyPort: NetworkPolicy peers and ports keep their fields and key order, absent fields absent', () => {
  const np = buildYaml(policy).model.networkPolicies[0];
  assert.deepEqual(Object.keys(np), [
    'key',
    'name',
    'namespace',
    'labels',
    'annotations',
    'source',
    'podSelector',
    'policyTypes',
    'policyTypesInferred',
    'ingress',
    'egress',
  ]);
  assert.deepEqual(np.policyTypes, ['Ingress', 'Egress']);
  const rule = np.ingress[0];
  assert.ok(rule.peers !== 'all' && rule.ports !== 'all');
  assert.deepEqual(
    rule.peers.map((p) => Object.keys(p)),
    [
      ['podSelector', 'source'],
      ['namespaceSelector', 'source'],
      ['podSelector', 'namespaceSelector', 'source'],
      ['ipBlock', 'source'],
    ],
  );
  assert.deepEqual(
    rule.ports.map((p) => Object.keys(p)),
    [
      ['protocol', 'source'],
      ['protocol', 'port', 'source'],
      ['protocol', 'port', 'source'],
      ['protocol', 'port', 'endPort', 'source'],
    ],
  );
  assert.deepEqual(
    rule.ports.map(({ source: _, ...p }) => p),
    [
      { protocol: 'UDP' },
      { protocol: 'TCP', port: 80 },
      { protocol: 'TCP', port: 'http' },
      { protocol: 'TCP', port: 8000, endPort: 8080 },
    ],
  );
  assert.equal(rule.peers[1].source?.path, 'spec.ingress[0].from[1]');
  assert.equal(np.egress[0].peers, 'all');
});
