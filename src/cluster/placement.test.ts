import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml, codes } from './_test-helpers.ts';
import { podCidrNodeCapacity } from './_default-nodes.ts';
import { defaultProfile, type Profile } from '../model/profile.ts';

const pod = (name: string, extra = '') =>
  `---\napiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n  ${extra}\n  containers: [{name: c}]\n`;

test("IPAM: pods get addresses from their node's /24, sequentially from .2 (host-local)", () => {
  const { model } = buildYaml(pod('a') + pod('b') + pod('c') + pod('d'));
  const mine = model.pods.filter((p) => p.namespace === 'default');
  assert.deepEqual(
    mine.map((p) => [p.name, p.nodeName, p.ip]),
    [
      ['a', 'node-1', '10.244.1.2'],
      ['b', 'node-2', '10.244.2.2'],
      ['c', 'node-3', '10.244.3.2'],
      ['d', 'node-1', '10.244.1.3'],
    ],
  );
});

test('IPAM: explicit status.podIP is honoured and places the pod on the node owning that range', () => {
  const explicit = `---\napiVersion: v1\nkind: Pod\nmetadata: {name: x}\nspec: {containers: [{name: c}]}\nstatus: {podIP: 10.244.3.77}\n`;
  const p = buildYaml(explicit).model.pods.find((q) => q.name === 'x')!;
  assert.deepEqual([p.ip, p.nodeName], ['10.244.3.77', 'node-3']);
});

test('IPAM: two pods claiming the same status.podIP is an ip-conflict; the second gets another address', () => {
  const two = ['p1', 'p2']
    .map(
      (n) =>
        `---\napiVersion: v1\nkind: Pod\nmetadata: {name: ${n}}\nspec: {containers: [{name: c}]}\nstatus: {podIP: 10.244.1.50}\n`,
    )
    .join('');
  const { model, diagnostics } = buildYaml(two);
  assert.ok(codes(diagnostics).includes('ip-conflict'));
  const ips = model.pods.filter((p) => p.namespace === 'default').map((p) => p.ip);
  assert.equal(new Set(ips).size, 2);
});

test("hostNetwork pods take their node's IP", () => {
  const p = buildYaml(pod('h', 'hostNetwork: true\n  nodeName: node-2')).model.pods.find(
    (q) => q.name === 'h',
  )!;
  assert.deepEqual([p.ip, p.nodeName, p.hostNetwork], ['10.0.0.12', 'node-2', true]);
});

test('nodeSelector that no node satisfies leaves the pod Pending without an IP, with a diagnostic', () => {
  const { model, diagnostics } = buildYaml(pod('p', 'nodeSelector: {disk: ssd}'));
  const p = model.pods.find((q) => q.name === 'p')!;
  assert.deepEqual([p.phase, p.ip, p.ready], ['Pending', undefined, false]);
  assert.ok(codes(diagnostics).includes('unschedulable'));
});

test('maxPodsPerNode (kubelet --max-pods) caps pods per node', () => {
  const profile =
    'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmaxPodsPerNode: 2\nnodes: [{name: only, internalIP: 10.1.0.1}]\n';
  const { model, diagnostics } = buildYaml(pod('a') + pod('b') + pod('c'), { profile });
  // Six pods (a, b, c, two CoreDNS, one kube-proxy) compete for two places on the only node.
  assert.equal(model.pods.filter((p) => p.phase === 'Pending').length, model.pods.length - 2);
  assert.ok(codes(diagnostics).includes('unschedulable'));
});

test('nodes without spec.podCIDR get the next free /24 of the pod CIDR', () => {
  const profile =
    'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\npodCIDR: 10.10.0.0/16\nnodes: [{name: a, internalIP: 10.1.0.1, podCIDR: 10.10.0.0/24}, {name: b, internalIP: 10.1.0.2}]\n';
  const { model } = buildYaml('', { profile });
  assert.deepEqual(
    model.nodes.map((n) => n.podCIDR),
    ['10.10.0.0/24', '10.10.1.0/24'],
  );
});

test('allocated node ranges skip every /24 inside a range another node states, wider or later in the CIDR', () => {
  const nodes = [
    '{name: a, internalIP: 10.1.0.1}',
    '{name: b, internalIP: 10.1.0.2, podCIDR: 10.10.0.0/23}',
    '{name: c, internalIP: 10.1.0.3}',
    '{name: d, internalIP: 10.1.0.4}',
    '{name: e, internalIP: 10.1.0.5, podCIDR: 10.10.4.0/24}',
  ];
  const profile = `apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\npodCIDR: 10.10.0.0/16\nnodes: [${nodes.join(', ')}]\n`;
  const { model } = buildYaml('', { profile });
  assert.deepEqual(
    model.nodes.map((n) => [n.name, n.podCIDR]),
    [
      ['a', '10.10.2.0/24'],
      ['b', '10.10.0.0/23'],
      ['c', '10.10.3.0/24'],
      ['d', '10.10.5.0/24'],
      ['e', '10.10.4.0/24'],
    ],
  );
});

test('Node objects replace the profile nodes; zone from topology.kubernetes.io/zone', () => {
  const node = `apiVersion: v1\nkind: Node\nmetadata: {name: w1, labels: {topology.kubernetes.io/zone: z9}}\nspec: {podCIDR: 10.244.9.0/24}\nstatus: {addresses: [{type: InternalIP, address: 192.168.0.9}]}\n`;
  const { model } = buildYaml(node);
  assert.deepEqual(
    model.nodes.map((n) => [n.name, n.zone, n.internalIP, n.podCIDR]),
    [['w1', 'z9', '192.168.0.9', '10.244.9.0/24']],
  );
});

test('pod-cidr-exhausted: the default cluster grows no further than the pod CIDR has node ranges (256 /24s in 10.244.0.0/16); the other pods stay Pending, said once', () => {
  // 256 nodes × 110 pods = 28,160 pods at most; 28,400 replicas pass it (a modest figure: the cap, not the size).
  const web = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 28400
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: x}]}
`;
  const { model, diagnostics } = buildYaml(web);
  assert.equal(model.nodes.length, 256);
  const exhausted = diagnostics.filter((d) => d.code === 'pod-cidr-exhausted');
  assert.equal(exhausted.length, 1, 'one finding, not one per node past the range');
  assert.match(
    exhausted[0].message,
    /holds ranges \(\/24\) for 256 nodes; the default cluster stops at 256 nodes/,
  );
  const webPods = model.pods.filter((p) => p.namespace === 'default' && p.name.startsWith('web-'));
  assert.equal(webPods.length, 28400);
  const pending = webPods.filter((p) => !p.ips.length).length;
  assert.ok(pending >= 28400 - 256 * 110, `${pending} web pods are Pending`);
  const said = diagnostics.find((d) => d.code === 'unschedulable' && d.object === 'Deployment/default/web');
  assert.match(said?.message ?? '', new RegExp(`^${pending} pod\\(s\\) of Deployment/default/web`));
  // CoreDNS (system-cluster-critical) and kube-proxy (system-node-critical) keep their places on full nodes.
  const system = model.pods.filter((p) => p.namespace === 'kube-system');
  assert.equal(system.length, 2 + 256);
  assert.deepEqual(
    system.filter((p) => p.phase !== 'Running').map((p) => p.key),
    [],
  );
});

test('podCidrNodeCapacity: one node range per /nodeCIDRMaskSize subnet of each family, the smaller family bounding', () => {
  const p = (podCIDR: string, v4 = 24, v6 = 64) =>
    ({ ...defaultProfile, podCIDR, nodeCIDRMaskSize: v4, nodeCIDRMaskSizeIPv6: v6 }) as Profile;
  assert.equal(podCidrNodeCapacity(defaultProfile), 256);
  assert.equal(podCidrNodeCapacity(p('10.0.0.0/22')), 4);
  assert.equal(podCidrNodeCapacity(p('10.0.0.0/8,fd00::/56')), 256);
  assert.equal(podCidrNodeCapacity(p('10.0.0.0/24', 16)), 0);
});
