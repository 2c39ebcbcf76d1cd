/**
 * Who answers outside the cluster for a Cilium LB IPAM address (src/cluster/_cilium-announce.ts), on the pool and
 * the L2 announcement policy of Cilium's documentation:
 * https://docs.cilium.io/en/stable/network/l2-announcements/, https://docs.cilium.io/en/stable/network/lb-ipam/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml, codes } from './_test-helpers.ts';

const bluePool = `apiVersion: cilium.io/v2alpha1
kind: CiliumLoadBalancerIPPool
metadata: {name: blue-pool}
spec:
  blocks: [{cidr: 20.0.10.0/24}, {cidr: "2004::/64"}]
  serviceSelector:
    matchExpressions: [{key: color, operator: In, values: [blue, cyan]}]
---
`;
// The documentation's policy1 ("an example policy using all optional fields").
const policy1 = (extra = '  loadBalancerIPs: true\n') => `apiVersion: cilium.io/v2alpha1
kind: CiliumL2AnnouncementPolicy
metadata: {name: policy1}
spec:
  serviceSelector: {matchLabels: {color: blue}}
  nodeSelector:
    matchExpressions: [{key: node-role.kubernetes.io/control-plane, operator: DoesNotExist}]
  interfaces: ['^eth[0-9]+']
  externalIPs: true
${extra}---
`;
const config = (data = '  enable-l2-announcements: "true"\n') =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cilium-config, namespace: kube-system}\ndata:\n${data}---\n`;
const nodes = ['control-plane', 'worker-1', 'worker-2']
  .map(
    (n, i) =>
      `apiVersion: v1\nkind: Node\nmetadata: {name: ${n}, labels: {${n === 'control-plane' ? 'node-role.kubernetes.io/control-plane: ""' : `kubernetes.io/hostname: ${n}`}}}\nstatus: {addresses: [{type: InternalIP, address: 192.168.1.${10 + i}}]}\n---\n`,
  )
  .join('');
const service = (labels: string, ip = '20.0.10.100', spec = '') => `apiVersion: v1
kind: Service
metadata: {name: svc, namespace: example, labels: {${labels}}, annotations: {"lbipam.cilium.io/ips": "${ip}"}}
spec: {type: LoadBalancer, ${spec}ports: [{port: 1234}]}
`;
const build = (yaml: string) =>
  buildYaml(`apiVersion: v1\nkind: Namespace\nmetadata: {name: example}\n---\n${nodes}${yaml}`);
const announcement = (yaml: string) =>
  build(yaml).model.services.find((s) => s.name === 'svc')!.loadBalancerAnnouncement;

test('rule cilium-l2-announcement-policy: loadBalancerIPs true and a matching serviceSelector announce the address from the nodes its nodeSelector matches', () => {
  const a = announcement(bluePool + policy1() + config() + service('color: blue'));
  assert.equal(a?.state, 'announced');
  assert.deepEqual(a?.candidates, ['worker-1', 'worker-2']);
  assert.match(a!.reason, /Lease cilium-l2announce-example-svc/);
  // No serviceSelector: every Service; io.kubernetes.service.name is matched like a label.
  const byName = policy1().replace(
    '{matchLabels: {color: blue}}',
    '{matchLabels: {io.kubernetes.service.name: svc}}',
  );
  assert.equal(announcement(bluePool + byName + config() + service('color: cyan'))?.state, 'announced');
});

test('rule cilium-lb-ip-not-announced: an LB IPAM address no L2 policy or BGP announces is unreachable from outside', () => {
  // policy1 selects color: blue only; blue-pool also serves cyan.
  const built = build(bluePool + policy1() + config() + service('color: cyan'));
  const a = built.model.services.find((s) => s.name === 'svc')!.loadBalancerAnnouncement;
  assert.equal(a?.state, 'none');
  assert.match(
    a!.reason,
    /no CiliumL2AnnouncementPolicy selects it \(policy1: serviceSelector does not match\)/,
  );
  assert.ok(codes(built.diagnostics).includes('cilium-lb-ip-not-announced'));
  // Both IP kinds default to false: a policy without loadBalancerIPs announces no LB address.
  assert.equal(announcement(bluePool + policy1('') + config() + service('color: blue'))?.state, 'none');
  // The agent runs L2 announcements only with enable-l2-announcements: "true".
  assert.equal(
    announcement(
      bluePool + policy1() + config('  enable-l2-announcements: "false"\n') + service('color: blue'),
    )?.state,
    'none',
  );
  // A loadBalancerClass for the BGP control plane is not L2's.
  assert.equal(
    announcement(
      bluePool +
        policy1() +
        config() +
        service('color: blue', '20.0.10.100', 'loadBalancerClass: io.cilium/bgp-control-plane, '),
    )?.state,
    'none',
  );
});

test('rule cilium-lb-ip-announcement-unknown: without the agent config, with BGP, IPv6 or externalTrafficPolicy Local the input does not decide', () => {
  assert.equal(announcement(bluePool + service('color: cyan'))?.state, 'unknown', 'no cilium-config');
  const bgp = `apiVersion: cilium.io/v2alpha1\nkind: CiliumBGPAdvertisement\nmetadata: {name: lb}\nspec: {advertisements: []}\n---\n`;
  assert.equal(announcement(bluePool + bgp + config() + service('color: cyan'))?.state, 'unknown', 'BGP');
  assert.equal(
    announcement(bluePool + policy1() + config() + service('color: blue', '2004::10'))?.state,
    'unknown',
  );
  assert.equal(
    announcement(
      bluePool +
        policy1() +
        config() +
        service('color: blue', '20.0.10.100', 'externalTrafficPolicy: Local, '),
    )?.state,
    'unknown',
  );
  // No pool in the input: not an LB IPAM address, nothing said.
  assert.equal(announcement(policy1() + config() + service('color: blue')), undefined);
});
