/**
 * `cni-does-not-enforce` on k3s: the embedded network policy controller is turned off by the server flag
 * `--disable-network-policy` (https://docs.k3s.io/networking/basic-network-options), which the server Node's
 * `k3s.io/node-args` records, so the fix names the flag rather than another CNI.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { runDoctor } from './index.ts';

const dump = `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Node
  metadata:
    name: k3s-server-0
    uid: u1
    annotations: {k3s.io/node-args: '["server","--disable-network-policy"]'}
  spec: {podCIDR: 10.42.0.0/24, podCIDRs: [10.42.0.0/24]}
  status: {nodeInfo: {kubeletVersion: v1.31.4+k3s1}}
- apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: deny, namespace: default}
  spec: {podSelector: {}}
`;

test('rule cni-does-not-enforce on k3s: the fix is to start the servers without --disable-network-policy', () => {
  const { model } = buildFromTexts([{ file: 'dump.yaml', text: dump }]);
  const f = runDoctor(model).find((x) => x.code === 'cni-does-not-enforce');
  assert.match(f?.message ?? '', /the CNI k3s-flannel does not enforce NetworkPolicy/);
  assert.match(f?.fix ?? '', /^Start the k3s servers without --disable-network-policy/);
});
