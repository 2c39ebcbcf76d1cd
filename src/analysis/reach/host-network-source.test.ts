/**
 * A hostNetwork pod's connection to a pod on another node leaves with the address of the node's interface toward it
 * (flannel's flannel.1 `.0`, "used as a source address for host to workload traffic", flannel-io/flannel
 * pkg/backend/vxlan/device.go; Calico's tunnel address), not the node's InternalIP: where the peer's ingress
 * policies judge the two apart (an ipBlock of node addresses), reach and trace say unknown.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { engineFor } from '../policy/_test-helpers.ts';
import { reach } from './index.ts';
import { traceOn } from '../trace/_test-fixtures.ts';
import { cniProfile } from '../service-path/_test-masquerade.ts';
import { agent, nodes, webFrom } from './_test-host-network.ts';

function ask(yaml: string, cni = 'flannel') {
  const r = reach(engineFor(yaml, { profile: cniProfile(cni) }), {
    from: 'default/agent',
    to: 'default/web',
    port: 8080,
    protocol: 'TCP',
  });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('host to workload source address: a hostNetwork pod on another node is unknown where the peer admits the node address but not the flannel.1 one', () => {
  const r = ask(webFrom(nodes) + agent('node-1'));
  assert.equal(r.verdict, 'unknown');
  assert.match(
    r.unknownReasons.join('\n'),
    /hostNetwork pod default\/agent on node-1 sends to .* from the address of its node's interface toward it.*10\.244\.1\.0/,
  );
  // On the peer's own node the node sends over cni0 to its own pod: always allowed, nothing unknown.
  assert.equal(ask(webFrom(nodes) + agent('node-3')).verdict, 'allowed');
  // A policy that admits both (the pod range too): allowed; Cilium identifies the node whatever the address.
  assert.equal(
    ask(webFrom(`${nodes}, {ipBlock: {cidr: 10.244.0.0/16}}`) + agent('node-1')).verdict,
    'allowed',
  );
  assert.equal(ask(webFrom(nodes) + agent('node-1'), 'cilium').unknownReasons.length, 0);
});

test('host to workload source address: trace from the hostNetwork pod says unknown at the policy hop', () => {
  const t = traceOn(
    webFrom(nodes) + agent('node-1'),
    { kind: 'ref', namespace: 'default', name: 'agent' },
    'service:default/web:80',
  );
  assert.match((t.unknown ?? []).join('\n'), /hostNetwork pod default\/agent on node-1/);
});
