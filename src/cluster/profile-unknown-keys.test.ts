import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from './_test-helpers.ts';

test('a ClusterProfile field that does not exist (ServiceCIDR) is an invalid-profile warning at its line, with the field it resembles (fuzz seed 20261208 index 426268)', () => {
  const built = buildYaml(
    'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\npodCIDR: 192.168.0.0/16\nServiceCIDR: 172.20.0.0/16\n',
  );
  const said = built.diagnostics.filter((d) => d.code === 'invalid-profile');
  assert.equal(said.length, 1);
  assert.equal(said[0]!.severity, 'warning');
  assert.equal(said[0]!.source?.line, 4);
  assert.match(said[0]!.message, /ServiceCIDR is not a ClusterProfile field \(did you mean serviceCIDR\?\)/);
});

test('the documented ClusterProfile fields are not reported', () => {
  const built = buildYaml(
    'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmetadata: {name: p}\npodCIDR: 10.244.0.0/16\nserviceCIDR: 10.96.0.0/12\nclusterDomain: cluster.local\ncni: {name: calico}\nmaxPodsPerNode: 110\n',
  );
  assert.deepEqual(
    built.diagnostics.filter((d) => d.code === 'invalid-profile'),
    [],
  );
});

test('a nested ClusterProfile field nothing reads (cni.enforceNetworkPolicy, nodes[0].zones) is an invalid-profile warning naming the field it resembles', () => {
  const built = buildYaml(
    'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni:\n  name: flannel\n  enforceNetworkPolicy: true\nnodes:\n- {name: n1, internalIP: 10.1.0.1, zones: a}\n',
  );
  const said = built.diagnostics
    .filter((d) => d.code === 'invalid-profile')
    .map((d) => [d.source?.line, d.message]);
  assert.deepEqual(said, [
    [
      5,
      'cni.enforceNetworkPolicy is not a ClusterProfile field (did you mean cni.enforcesNetworkPolicy?); it is ignored',
    ],
    [7, 'nodes[0].zones is not a ClusterProfile field (did you mean nodes[0].zone?); it is ignored'],
  ]);
});

test('a ClusterProfile node refused for its address does not also call its other fields unknown', () => {
  const built = buildYaml(
    'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nnodes:\n- {name: n1, internalIP: nope, zone: a, labels: {x: z}}\n',
  );
  const said = built.diagnostics.filter((d) => d.code === 'invalid-profile').map((d) => d.message);
  assert.equal(said.length, 1);
  assert.match(said[0]!, /internalIP is missing or not an IP address/);
});
