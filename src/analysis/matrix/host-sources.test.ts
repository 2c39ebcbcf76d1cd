/**
 * A hostNetwork pod's connection to a pod on another node leaves with the address of its node's interface toward
 * it (flannel's flannel.1 `.0`, "used as a source address for host to workload traffic", flannel-io/flannel
 * pkg/backend/vxlan/device.go), not the node's InternalIP the matrix judges: where a policy CIDR tells the two
 * apart, reach says unknown and the matrix must not show a confident cell without saying so.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineFor } from '../policy/_test-helpers.ts';
import { reach } from '../reach/index.ts';

import { cniProfile } from '../service-path/_test-masquerade.ts';
import { computeMatrix } from './index.ts';
import { agent, nodes, webFrom } from '../reach/_test-host-network.ts';

const warnings = (yaml: string, cni = 'flannel') =>
  computeMatrix(engineFor(yaml, { profile: cniProfile(cni) }), { by: 'pod' }).warnings.filter((w) =>
    w.startsWith('hostNetwork '),
  );

test('rule host-to-workload-source-address: matrix warns where reach says unknown (a node-address ipBlock refuses flannel.1)', () => {
  const yaml = webFrom(nodes) + agent('node-1');
  const r = reach(engineFor(yaml, { profile: cniProfile('flannel') }), {
    from: 'default/agent',
    to: 'default/web',
    port: 8080,
    protocol: 'TCP',
  });
  assert.ok(typeof r !== 'string' && r.verdict === 'unknown');
  const w = warnings(yaml).find((x) => x.includes('on node-1:'));
  assert.match(
    w ?? '',
    /^hostNetwork default\/agent, kube-system\/kube-proxy-[\w-]+ on node-1: the matrix judges them as node-1's address 10\.0\.0\.11/,
  );
  assert.match(
    w ?? '',
    /the ingress policies of default\/web-[\w-]+ judge it otherwise: those cells are unknown/,
  );
});

test('rule host-to-workload-source-address: no warning where every address the node may send from gets one verdict', () => {
  // The pod range admitted too: both addresses are admitted.
  assert.deepEqual(warnings(webFrom(`${nodes}, {ipBlock: {cidr: 10.244.0.0/16}}`) + agent('node-1')), []);
  // No CIDR at all: podSelector peers match neither address.
  assert.deepEqual(warnings(webFrom('{podSelector: {}}') + agent('node-1')), []);
  // Cilium identifies the node whatever the address.
  assert.deepEqual(warnings(webFrom(nodes) + agent('node-1'), 'cilium'), []);
});
