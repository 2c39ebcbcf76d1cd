/**
 * The compiled paths (side programs of `allows`, port masks of the full reachability) on a case the property
 * test does not generate: a port name declared twice in one pod. Kubernetes rejects it, kubetwin reports it
 * and keeps the pod; every path must still read the name as "any of those ports", as `portMatches` does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { computeReachability } from '../matrix/index.ts';
import { PolicyEngine } from './_engine.ts';
import { np } from './_test-helpers.ts';

const yaml = [
  'apiVersion: v1\nkind: Namespace\nmetadata: {name: x}',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: client, namespace: x, labels: {app: client}}\nspec: {containers: [{name: c, image: i}]}',
  'apiVersion: v1\nkind: Pod\nmetadata: {name: server, namespace: x, labels: {app: server}}\nspec:\n  containers:\n  - {name: a, image: i, ports: [{name: web, containerPort: 80}]}\n  - {name: b, image: i, ports: [{name: web, containerPort: 8080}]}',
  np('web-only', 'x', '  podSelector: {matchLabels: {app: server}}\n  ingress: [{ports: [{port: web}]}]'),
].join('\n---\n');

test('compiled paths: a port name declared twice in a pod admits each of its ports (allows, explain, reachability)', () => {
  const engine = new PolicyEngine(buildYaml(yaml).model);
  const pod = (name: string) => ({
    kind: 'pod' as const,
    pod: engine.model.pods.find((p) => p.name === name)!,
  });
  const r = computeReachability(engine, { keep: true });
  const P = r.portClasses.length;
  const client = engine.classOf(pod('client').pod)!;
  const server = engine.classOf(pod('server').pod)!;
  for (const [port, want] of [
    [80, true],
    [8080, true],
    [81, false],
  ] as const) {
    assert.equal(engine.explain(pod('client'), pod('server'), port, 'TCP').allowed, want, `explain ${port}`);
    assert.equal(engine.allows(pod('client'), pod('server'), port, 'TCP'), want, `allows ${port}`);
    const p = r.portClasses.findIndex(
      (pc) => pc.protocol === 'TCP' && pc.ranges.some(([lo, hi]) => lo <= port && port <= hi),
    );
    const bit = (r.rows![server.id * P + p][client.id >>> 5] >>> (client.id & 31)) & 1;
    assert.equal(bit === 1, want, `reachability ${port}`);
  }
  let bits = 0;
  for (const row of r.rows!) for (const w of row) bits += w.toString(2).replace(/0/g, '').length;
  assert.equal(r.allowedTriples, bits, 'counted = kept');
});

test('allows: a hostNetwork pod and a pod on its own node are answered from their sides, never through explain', () => {
  const { model } = buildYaml(
    [
      `apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nstatus: {addresses: [{type: InternalIP, address: 10.0.0.1}]}`,
      `apiVersion: v1\nkind: Pod\nmetadata: {name: agent, namespace: x, labels: {app: agent}}\nspec: {nodeName: n1, hostNetwork: true, containers: [{name: c, image: i}]}`,
      `apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: x, labels: {app: web}}\nspec: {nodeName: n1, containers: [{name: c, image: i, ports: [{containerPort: 80}]}]}`,
      np('deny', 'x', '  podSelector: {}\n  policyTypes: [Ingress, Egress]'),
    ].join('\n---\n'),
  );
  const engine = new PolicyEngine(model);
  const pod = (name: string) => model.pods.find((p) => p.name === name)!;
  const agent = { kind: 'pod' as const, pod: pod('agent') };
  const web = { kind: 'pod' as const, pod: pod('web') };
  const expected = [engine.allows(agent, web, 80, 'TCP'), engine.allows(web, agent, 80, 'TCP')];
  // Traffic to and from the node a pod runs on is always allowed, isolation or not
  // (https://kubernetes.io/docs/concepts/services-networking/network-policies/).
  assert.deepEqual(expected, [true, true]);
  engine.explain = () => {
    throw new Error('explain called for a pod pair of the engine');
  };
  for (let i = 0; i < 3 * model.pods.length + 10; i++)
    assert.deepEqual([engine.allows(agent, web, 80, 'TCP'), engine.allows(web, agent, 80, 'TCP')], expected);
});
