import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifests } from '../../parse/index.ts';
import { inferProfile } from './index.ts';
import { unknownCNI } from '../../model/profile.ts';

/**
 * k3s Nodes as a dump holds them: the `k3s.io/node-args` annotation is the node's command line (config file
 * merged, `--flag=value` split in two), as k3s-io/k3s pkg/nodeconfig writes it.
 */
const node = (name: string, cidr: string, args: string[]) =>
  `- apiVersion: v1\n  kind: Node\n  metadata:\n    name: ${name}\n    uid: u-${name}\n    annotations:\n      k3s.io/node-args: '${JSON.stringify(args)}'\n` +
  `  spec: {podCIDR: ${cidr}, podCIDRs: [${cidr}]}\n  status:\n    nodeInfo: {kubeletVersion: v1.31.4+k3s1}\n`;
const dump = (server: string[], agent: string[] = ['agent', '--server', 'https://10.0.0.2:6443']) =>
  'apiVersion: v1\nkind: List\nitems:\n' +
  node('k3s-server-0', '10.42.0.0/24', server) +
  node('k3s-agent-1', '10.42.1.0/24', agent);
const infer = (text: string) =>
  inferProfile(parseManifests([{ file: 'dump.yaml', text }]).objects, {}).profile;

test('k3s --disable-network-policy in the server Node k3s.io/node-args: no NetworkPolicy is enforced', () => {
  assert.deepEqual(infer(dump(['server', '--disable-network-policy'])).cni, {
    name: 'k3s-flannel',
    enforcesNetworkPolicy: false,
  });
  // From the config file (`disable-network-policy: true` becomes `--disable-network-policy=true`, split in two).
  assert.equal(infer(dump(['server', '--disable-network-policy', 'true'])).cni.enforcesNetworkPolicy, false);
  assert.equal(infer(dump(['server', '--disable-network-policy', 'false'])).cni.enforcesNetworkPolicy, true);
});

test('k3s server without --disable-network-policy: the embedded network policy controller enforces, stated by node-args', () => {
  const profile = infer(dump(['server', '--node-ip', '10.0.0.2']));
  assert.deepEqual(profile.cni, { name: 'k3s-flannel', enforcesNetworkPolicy: true });
  assert.match(profile.origins?.cni?.rule ?? '', /k3s\.io\/node-args of k3s server Node k3s-server-0/);
});

test('k3s --flannel-backend none: the CNI is installed separately, so whether policy holds is unknown', () => {
  assert.deepEqual(infer(dump(['server', '--flannel-backend', 'none', '--disable-network-policy'])).cni, {
    name: unknownCNI,
    enforcesNetworkPolicy: true,
  });
});

test('k3s servers that disagree on --disable-network-policy: the CNI answer is unknown', () => {
  const text =
    dump(['server', '--disable-network-policy']) + node('k3s-server-1', '10.42.2.0/24', ['server']);
  assert.equal(infer(text).cni.name, unknownCNI);
});

test("k3s --cluster-cidr and --service-cidr come from the server's node-args, else k3s's defaults", () => {
  const stated = infer(dump(['server', '--cluster-cidr', '10.42.0.0/20', '--service-cidr', '10.96.0.0/16']));
  assert.equal(stated.podCIDR, '10.42.0.0/20');
  assert.equal(stated.serviceCIDR, '10.96.0.0/16');
  assert.match(stated.origins?.podCIDR?.rule ?? '', /--cluster-cidr in the k3s\.io\/node-args/);
  // Not stated: k3s's defaults (https://docs.k3s.io/cli/server#networking), not the covering /23 of two /24s.
  const defaults = infer(dump(['server']));
  assert.equal(defaults.podCIDR, '10.42.0.0/16');
  assert.equal(defaults.serviceCIDR, '10.43.0.0/16');
  // A node range outside the default: the default is not taken.
  const outside = 'apiVersion: v1\nkind: List\nitems:\n' + node('k3s-server-0', '10.244.0.0/24', ['server']);
  assert.notEqual(infer(outside).podCIDR, '10.42.0.0/16');
});

test('rule k3s-cluster-dns-and-domain: --cluster-dns and --cluster-domain in the server node-args are what kubelet gives pods', () => {
  const stated = infer(
    dump(['server', '--cluster-dns', '10.43.0.53,fd00:43::a', '--cluster-domain', 'k3s.internal.']),
  );
  assert.equal(stated.dnsServiceIP, '10.43.0.53');
  assert.equal(stated.clusterDomain, 'k3s.internal');
  assert.match(stated.origins?.dnsServiceIP?.rule ?? '', /--cluster-dns in the k3s\.io\/node-args/);
  assert.match(stated.origins?.clusterDomain?.rule ?? '', /--cluster-domain in the k3s\.io\/node-args/);
  // Stated, it wins over the kube-dns Service the dump shows (kubelet points pods at --cluster-dns).
  const kubeDns =
    '- apiVersion: v1\n  kind: Service\n  metadata: {name: kube-dns, namespace: kube-system, uid: u-dns, resourceVersion: "1"}\n' +
    '  spec: {clusterIP: 10.43.0.10, clusterIPs: [10.43.0.10], ports: [{name: dns, port: 53, protocol: UDP}]}\n';
  assert.equal(infer(dump(['server', '--cluster-dns', '10.43.0.53']) + kubeDns).dnsServiceIP, '10.43.0.53');
  assert.equal(infer(dump(['server']) + kubeDns).dnsServiceIP, '10.43.0.10');
});

test("rule k3s-cluster-dns-and-domain: unset, k3s's defaults: the 10th address of the service range and cluster.local", () => {
  const defaults = infer(dump(['server', '--service-cidr', '10.96.0.0/16']));
  assert.equal(defaults.dnsServiceIP, '10.96.0.10');
  assert.equal(defaults.clusterDomain, 'cluster.local');
  assert.match(
    defaults.origins?.dnsServiceIP?.rule ?? '',
    /k3s's default --cluster-dns, the 10th address of the service range 10\.96\.0\.0\/16/,
  );
  assert.equal(infer(dump(['server'])).dnsServiceIP, '10.43.0.10');
});
