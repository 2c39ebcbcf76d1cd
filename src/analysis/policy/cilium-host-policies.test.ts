/**
 * Host firewall policies (CiliumClusterwideNetworkPolicy with `nodeSelector`) are read, not enforced: a verdict
 * on traffic into or out of a node they may select names them as not modeled (reach/test: unknown).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor, verdict } from './_test-helpers.ts';

const profile = 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ncni: {name: cilium}\n';
const nodes = [1, 2]
  .map(
    (i) =>
      `apiVersion: v1\nkind: Node\nmetadata: {name: node-${i}, labels: {role: ${i === 1 ? 'worker' : 'infra'}}}\nstatus: {addresses: [{type: InternalIP, address: 10.0.0.1${i}}]}`,
  )
  .join('\n---\n');
const hostPolicy = (section: string) =>
  `apiVersion: cilium.io/v2\nkind: CiliumClusterwideNetworkPolicy\nmetadata: {name: host-fw}\nspec:\n  nodeSelector: {matchLabels: {role: worker}}\n  ${section}:\n  - fromEntities: [cluster]\n    toPorts: [{ports: [{port: "22", protocol: TCP}]}]`;
const hostWarnings = (yaml: string, from: string, to: string) =>
  verdict(engineFor(e2eTopology(`${nodes}\n---\n${yaml}`), { profile }), from, to, 9100).warnings.filter(
    (w) => w.includes('host firewall policy'),
  );

// https://docs.cilium.io/en/stable/security/host-firewall/ — host policies apply to the host endpoint of the
// nodes their nodeSelector selects, when the host firewall is enabled.
test('rule cilium-host-policy-unknown: traffic into a node a host policy selects at ingress is not judged with confidence', () => {
  const yaml = hostPolicy('ingress');
  assert.deepEqual(hostWarnings(yaml, 'x/a', 'ip:10.0.0.11'), [
    'CiliumClusterwideNetworkPolicy/host-fw spec.nodeSelector (a host firewall policy that selects node node-1, at ingress) is not modeled by kubetwin and may change this verdict',
  ]);
  assert.deepEqual(hostWarnings(yaml, 'x/a', 'ip:10.0.0.12'), [], 'node-2 is not selected');
  assert.deepEqual(hostWarnings(yaml, 'x/a', 'x/b'), [], 'a pod is not the host endpoint');
  assert.deepEqual(
    hostWarnings(yaml, 'ip:10.0.0.11', 'x/a'),
    [],
    'no egress rules: egress from node-1 is not changed',
  );
});
