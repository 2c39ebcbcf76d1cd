/**
 * hostPort: the CNI portmap plugin DNATs NODE_IP:hostPort to the pod's containerPort
 * (https://www.cni.dev/plugins/current/meta/portmap/), so the pod's ingress policies judge the connection.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { e2eTopology, engineFor, np } from '../policy/_test-helpers.ts';
import { reach, type ReachResult } from './index.ts';
import { traceOn } from '../trace/_test-fixtures.ts';

const agent = `apiVersion: v1
kind: Pod
metadata: {name: agent, namespace: x, labels: {app: agent}}
spec:
  nodeName: node-1
  containers: [{name: c, image: i, ports: [{containerPort: 8125, hostPort: 18125, protocol: UDP}, {containerPort: 9000, hostPort: 19000}]}]`;
const onlyFromZ = np(
  'agent',
  'x',
  '  podSelector: {matchLabels: {app: agent}}\n  ingress: [{from: [{namespaceSelector: {matchLabels: {ns: z}}}]}]',
);
const node1 = '10.0.0.11';

function run(yaml: string, from: string, port: number, protocol: 'TCP' | 'UDP' = 'TCP'): ReachResult {
  const r = reach(engineFor(yaml), { from, to: `ip:${node1}`, port, protocol });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test("rule host-port-portmap: NODE_IP:hostPort is judged by the pod's ingress policies on its containerPort", () => {
  const yaml = e2eTopology(`${agent}\n---\n${onlyFromZ}`);
  const denied = run(yaml, 'y/a', 19000);
  assert.equal(denied.verdict, 'denied');
  assert.deepEqual(
    denied.pairs.map((p) => [p.to, p.port]),
    [['x/agent', 9000]],
  );
  assert.match(
    denied.notes.join('\n'),
    /is hostPort 19000 of pod x\/agent on node node-1: the CNI portmap plugin DNATs it/,
  );
  assert.equal(run(yaml, 'z/a', 19000).verdict, 'allowed');
  assert.equal(run(yaml, 'ip:198.51.100.7', 18125, 'UDP').verdict, 'denied');
});

test('rule host-port-portmap: a port no pod of the node maps (another protocol, another hostIP) stays the node itself', () => {
  const yaml = e2eTopology(`${agent}\n---\n${onlyFromZ}`);
  const r = run(yaml, 'y/a', 18125);
  assert.equal(r.verdict, 'allowed', '18125 is mapped for UDP only');
  assert.deepEqual(
    r.pairs.map((p) => p.to),
    [`${node1} (node node-1)`],
  );
  const boundElsewhere = agent.replace('hostPort: 19000}', 'hostPort: 19000, hostIP: 10.9.9.9}');
  assert.equal(
    run(e2eTopology(`${boundElsewhere}\n---\n${onlyFromZ}`), 'y/a', 19000).verdict,
    'allowed',
    'hostIP elsewhere',
  );
});

test('rule host-port-portmap: trace to NODE_IP:hostPort, from outside and from a pod, reaches the pod through its policies', () => {
  const yaml = e2eTopology(`${agent}\n---\n${onlyFromZ}`);
  const outside = traceOn(yaml, { kind: 'ip', ip: '198.51.100.7' }, `ip:${node1}:19000`);
  assert.equal(outside.outcome, 'failed');
  assert.match(
    outside.hops.map((h) => h.title).join('\n'),
    /hostPort of pod x\/agent \(containerPort 9000\)/,
  );
  const fromZ = traceOn(yaml, { kind: 'ref', namespace: 'z', name: 'a' }, `ip:${node1}:19000`);
  assert.equal(fromZ.outcome, 'delivered');
  assert.deepEqual(
    fromZ.delivered.map((d) => [d.pod, d.port]),
    [['x/agent', 9000]],
  );
  assert.equal(
    traceOn(yaml, { kind: 'ref', namespace: 'y', name: 'a' }, `ip:${node1}:19000`).outcome,
    'failed',
  );
});
