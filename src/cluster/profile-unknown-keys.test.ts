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
