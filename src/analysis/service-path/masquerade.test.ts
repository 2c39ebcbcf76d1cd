/**
 * The source address kube-proxy's masquerade gives a connection (`KUBE-POSTROUTING … -j MASQUERADE`,
 * kubernetes/kubernetes pkg/proxy/iptables/proxier.go): the address of the masquerading node's interface toward the
 * endpoint, which the CNI decides — flannel's `flannel.1` (the `.0` of the node's pod range, flannel-io/flannel
 * pkg/backend/vxlan/vxlan.go) or `cni0` bridge (the range's gateway `.1`), Calico's IPIP/VXLAN tunnel (an address of
 * the pool, https://docs.tigera.io/calico/latest/reference/resources/node), or the node's own address.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { masqueradeSources } from './index.ts';

const profile = (cni: string) =>
  `apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: ${cni}, enforcesNetworkPolicy: true}\n`;
const model = (cni: string) => buildYaml('', { profile: profile(cni) }).model;
/** Addresses (and devices) kube-proxy on node-1 can give a connection to an endpoint on `endpointNode`. */
const sources = (cni: string, endpointNode: string | undefined, via = 'node-1') =>
  masqueradeSources(model(cni), {
    via: via === 'any' ? undefined : via,
    endpointNode,
    endpointIP: '10.244.3.3',
  }).map((s) => (s.device ? `${s.ip} ${s.device}${s.range ? ` ${s.range}` : ''}` : s.ip));

test('kube-proxy masquerade source — flannel VXLAN: toward another node the flannel.1 address (.0 of the node pod range), or the node address under host-gw', () => {
  assert.deepEqual(sources('flannel', 'node-3'), ['10.0.0.11', '10.244.1.0 flannel.1']);
  assert.deepEqual(sources('k3s-flannel', 'node-3'), ['10.0.0.11', '10.244.1.0 flannel.1']);
  assert.deepEqual(sources('canal', 'node-3'), ['10.0.0.11', '10.244.1.0 flannel.1']);
});

test('kube-proxy masquerade source — flannel: toward an endpoint on the same node the cni0 bridge address (.1, the gateway of the node pod range)', () => {
  assert.deepEqual(sources('flannel', 'node-1'), ['10.244.1.1 cni0']);
});

test('kube-proxy masquerade source — Calico IPIP/VXLAN: toward another node the tunnel address, an address of the node block (the range is kept), or the node address without encapsulation', () => {
  assert.deepEqual(sources('calico', 'node-3'), [
    '10.0.0.11',
    '10.244.1.0 tunl0 or vxlan.calico 10.244.1.0/24',
  ]);
  assert.deepEqual(sources('calico', 'node-1'), ['10.0.0.11']);
});

test('kube-proxy masquerade source — Cilium and VPC-native CNIs: the node address only', () => {
  assert.deepEqual(sources('cilium', 'node-3'), ['10.0.0.11']);
  assert.deepEqual(sources('aws-vpc-cni', 'node-3'), ['10.0.0.11']);
});

test('kube-proxy masquerade source — a CNI kubetwin does not model: the node address and the first two of its pod range', () => {
  assert.deepEqual(sources('weave', 'node-3'), [
    '10.0.0.11',
    '10.244.1.0 a weave device',
    '10.244.1.1 a weave device',
  ]);
});

test('kube-proxy masquerade source — a load balancer picks any node: every node is a masquerading node, each with its own devices', () => {
  assert.deepEqual(sources('flannel', 'node-3', 'any'), [
    '10.0.0.11',
    '10.0.0.12',
    '10.244.1.0 flannel.1',
    '10.244.2.0 flannel.1',
    '10.244.3.1 cni0',
  ]);
});

test('kube-proxy masquerade source — k3s ServiceLB: through a load-balancer address a svclb pod on the node may carry the connection, masquerading from its own pod address (a stand-in for the node range)', () => {
  const m = model('k3s-flannel');
  const lb = masqueradeSources(m, {
    via: 'node-1',
    endpointNode: 'node-3',
    endpointIP: '10.244.3.3',
    loadBalancer: true,
  });
  assert.deepEqual(
    lb.map((s) => [s.ip, s.device, s.range]),
    [
      ['10.0.0.11', undefined, undefined],
      ['10.244.1.0', 'flannel.1', undefined],
      ['10.244.1.255', 'svclb pod', '10.244.1.0/24'],
    ],
  );
  // Not through a load balancer (a node port), and not on plain flannel: no svclb pod.
  assert.equal(sources('k3s-flannel', 'node-3').length, 2);
  const plain = masqueradeSources(model('flannel'), {
    via: 'node-1',
    endpointNode: 'node-3',
    endpointIP: '10.244.3.3',
    loadBalancer: true,
  });
  assert.equal(plain.length, 2);
});

test('kube-proxy masquerade source — an endpoint on the masquerading node: a FORWARD-chain policy (Calico, flannel with k3s or Canal) may judge the client address before the masquerade; Cilium after it', () => {
  const hop = { via: 'node-1', endpointNode: 'node-1', endpointIP: '10.244.1.5', client: '203.0.113.7' };
  assert.deepEqual(
    masqueradeSources(model('calico'), hop).map((s) => s.ip),
    ['10.0.0.11', '203.0.113.7'],
  );
  assert.deepEqual(
    masqueradeSources(model('k3s-flannel'), hop).map((s) => s.ip),
    ['10.244.1.1', '203.0.113.7'],
  );
  assert.deepEqual(
    masqueradeSources(model('cilium'), hop).map((s) => s.ip),
    ['10.0.0.11'],
  );
  // Toward another node the packet leaves masqueraded: the client address is never seen there.
  assert.ok(
    !masqueradeSources(model('calico'), { ...hop, endpointNode: 'node-3' }).some(
      (s) => s.ip === '203.0.113.7',
    ),
  );
});
