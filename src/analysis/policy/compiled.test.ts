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
