/**
 * The exact source kube-proxy's masquerade gives a connection toward another node's pod, where the CNI agent's own
 * records say which device it leaves by: flanneld's Node annotations (flannel-io/flannel
 * pkg/subnet/kube/annotations.go) and `net-conf.json` (kube-flannel-cfg), calico-node's Node annotations
 * (https://docs.tigera.io/calico/latest/reference/resources/node). Without them every candidate is judged
 * (masquerade.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { masqueradeSources } from './index.ts';
import { annotatedNodes, cniProfile, flannelConfig } from './_test-masquerade.ts';

const sources = (cni: string, yaml: string) =>
  masqueradeSources(buildYaml(yaml, { profile: cniProfile(cni) }).model, {
    via: 'node-1',
    endpointNode: 'node-3',
    endpointIP: '10.244.3.3',
  }).map((s) => (s.device ? `${s.ip} ${s.device}${s.range ? ` ${s.range}` : ''}` : s.ip));

const flannelType = (type: string, more: Record<string, string> = {}) => ({
  'flannel.alpha.coreos.com/backend-type': type,
  'flannel.alpha.coreos.com/public-ip': '192.168.1.11',
  ...more,
});

test('flannel vxlan backend: toward another node the packet leaves by flannel.1, addressed with the .0 of the node lease (exact with the net-conf.json ConfigMap, DirectRouting off)', () => {
  const yaml = annotatedNodes(flannelType('vxlan')) + flannelConfig('{"Type": "vxlan"}');
  assert.deepEqual(sources('flannel', yaml), ['10.244.1.0 flannel.1']);
});

test('flannel vxlan DirectRouting: a node of the same subnet is reached over the uplink, so its public-ip stays a candidate (and while the ConfigMap is not in the input)', () => {
  const direct =
    annotatedNodes(flannelType('vxlan')) + flannelConfig('{"Type": "vxlan", "DirectRouting": true}');
  assert.deepEqual(sources('flannel', direct), ['10.244.1.0 flannel.1', '192.168.1.11']);
  assert.deepEqual(sources('flannel', annotatedNodes(flannelType('vxlan'))), [
    '10.244.1.0 flannel.1',
    '192.168.1.11',
  ]);
});

test('k3s embedded flannel: its generated vxlan config has no DirectRouting, so the annotation alone pins flannel.1', () => {
  assert.deepEqual(sources('k3s-flannel', annotatedNodes(flannelType('vxlan'))), ['10.244.1.0 flannel.1']);
});

test('flannel host-gw backend: routes via the peer over the external interface, whose address is the node public-ip', () => {
  assert.deepEqual(sources('flannel', annotatedNodes(flannelType('host-gw'))), ['192.168.1.11']);
  // Named by the ConfigMap alone: the node's own address.
  assert.deepEqual(sources('flannel', annotatedNodes({}) + flannelConfig('{"Type": "host-gw"}')), [
    '10.0.0.11',
  ]);
  // A public-ip overwritten by the user is not the interface's address: the node's address is judged instead.
  const overwritten = flannelType('host-gw', {
    'flannel.alpha.coreos.com/public-ip-overwrite': '203.0.113.11',
  });
  assert.deepEqual(sources('flannel', annotatedNodes(overwritten)), ['10.0.0.11']);
});

test('flannel wireguard backend: flannel-wg carries the .0 of the node lease as a /32', () => {
  assert.deepEqual(sources('flannel', annotatedNodes(flannelType('wireguard'))), ['10.244.1.0 flannel-wg']);
});

test('flannel backend kubetwin does not model (udp): flannel.1 and the node address are both judged, as without annotations', () => {
  assert.deepEqual(sources('flannel', annotatedNodes(flannelType('udp'))), [
    '10.0.0.11',
    '10.244.1.0 flannel.1',
  ]);
});

const calico = (addr: string, tunnels: Record<string, string> = {}) => ({
  'projectcalico.org/IPv4Address': addr,
  ...tunnels,
});

test('Calico IPIP tunnel address: toward a node of another subnet the packet leaves by tunl0 with the annotated address (no stand-in range)', () => {
  const yaml = annotatedNodes(
    calico('10.0.0.11/24', { 'projectcalico.org/IPv4IPIPTunnelAddr': '10.244.1.192' }),
    calico('10.0.1.13/24', { 'projectcalico.org/IPv4IPIPTunnelAddr': '10.244.3.64' }),
    '10.0.1.13',
  );
  assert.deepEqual(sources('calico', yaml), ['10.244.1.192 tunl0']);
});

test('Calico CrossSubnet: toward a node of the same subnet an IP pool in CrossSubnet mode routes over the uplink, so the node address stays a candidate', () => {
  const yaml = annotatedNodes(
    calico('10.0.0.11/24', { 'projectcalico.org/IPv4VXLANTunnelAddr': '10.244.1.193' }),
    calico('10.0.0.13/24'),
  );
  assert.deepEqual(sources('calico', yaml), ['10.0.0.11', '10.244.1.193 vxlan.calico']);
});

test('Calico without a tunnel address: no IP pool encapsulates, the packet leaves over the uplink with the node Calico address', () => {
  assert.deepEqual(sources('calico', annotatedNodes(calico('10.0.0.11/24'))), ['10.0.0.11']);
});

const ipPool = (spec: string, apiVersion = 'crd.projectcalico.org/v1') => `---
apiVersion: ${apiVersion}
kind: IPPool
metadata: {name: default-ipv4-ippool}
spec: {cidr: 10.244.0.0/16, ${spec}}
`;
const sameSubnet = annotatedNodes(
  calico('10.0.0.11/24', { 'projectcalico.org/IPv4IPIPTunnelAddr': '10.244.1.192' }),
  calico('10.0.0.13/24', { 'projectcalico.org/IPv4IPIPTunnelAddr': '10.244.3.192' }),
);

test('Calico IPPool ipipMode Always: every node is reached over tunl0, within the subnet too (the exact tunnel address)', () => {
  assert.deepEqual(sources('calico', sameSubnet + ipPool('ipipMode: Always, natOutgoing: true')), [
    '10.244.1.192 tunl0',
  ]);
  assert.deepEqual(sources('calico', sameSubnet + ipPool('ipipMode: Always', 'projectcalico.org/v3')), [
    '10.244.1.192 tunl0',
  ]);
  // No annotation names the tunnel's address: the stand-in, with the range it stands for.
  assert.deepEqual(sources('calico', annotatedNodes({}) + ipPool('ipipMode: Always')), [
    '10.244.1.0 tunl0 10.244.1.0/24',
  ]);
});

test('Calico IPPool CrossSubnet: a node of the same subnet over the uplink, of another subnet over the tunnel', () => {
  const vxlanNodes = (peer: string, peerIP: string) =>
    annotatedNodes(
      calico('10.0.0.11/24', { 'projectcalico.org/IPv4VXLANTunnelAddr': '10.244.1.193' }),
      calico(peer),
      peerIP,
    );
  const pool = ipPool('ipipMode: Never, vxlanMode: CrossSubnet');
  assert.deepEqual(sources('calico', vxlanNodes('10.0.0.13/24', '10.0.0.13') + pool), ['10.0.0.11']);
  assert.deepEqual(sources('calico', vxlanNodes('10.0.1.13/24', '10.0.1.13') + pool), [
    '10.244.1.193 vxlan.calico',
  ]);
});

test('Calico IPPool without encapsulation (both modes Never, the default): the uplink; a disabled pool is not read', () => {
  assert.deepEqual(sources('calico', sameSubnet + ipPool('natOutgoing: true')), ['10.0.0.11']);
  assert.deepEqual(sources('calico', sameSubnet + ipPool('ipipMode: Never, disabled: true')), [
    '10.0.0.11',
    '10.244.1.192 tunl0',
  ]);
});
