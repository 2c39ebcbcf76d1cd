/**
 * A workload read back from a cluster whose pods the dump leaves out: its controller made pods kubetwin cannot see
 * (status.replicas counts them, https://kubernetes.io/docs/concepts/workloads/controllers/deployment/), so the pods
 * planned from its template stand in for them — said as `workload-pods-not-in-input`, never silently.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from './_test-helpers.ts';

const deployment = (name: string, o: { readBack?: boolean; replicas?: number; status?: string }) => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop${o.readBack === false ? '' : ', uid: u-' + name}}
spec:
  replicas: ${o.replicas ?? 2}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: i}]}
${o.status ? `status: ${o.status}\n` : ''}`;
const pod = `---
apiVersion: v1
kind: Pod
metadata:
  name: kept-5d8f7b6c9-x2x7q
  namespace: shop
  uid: p1
  labels: {app: kept, pod-template-hash: 5d8f7b6c9}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: kept-5d8f7b6c9, uid: rs1, controller: true}]
spec: {nodeName: node-a, containers: [{name: c, image: i}]}
status: {phase: Running, podIP: 10.42.0.15, hostIP: 10.0.0.21, conditions: [{type: Ready, status: "True"}]}
`;

const warned = (yaml: string) =>
  buildYaml(yaml)
    .diagnostics.filter((d) => d.code === 'workload-pods-not-in-input')
    .map((d) => d.object);

test('rule workload-pods-not-in-input: a Deployment read back from a cluster without its pods in the input is warned, naming the planned pods', () => {
  const built = buildYaml(deployment('web', { status: '{replicas: 2}' }));
  const d = built.diagnostics.find((x) => x.code === 'workload-pods-not-in-input');
  assert.equal(d?.severity, 'warning');
  assert.equal(d?.object, 'Deployment/shop/web');
  assert.match(
    d?.message ?? '',
    /read back from a cluster \(replicas: 2\) but none of its pods is in the input: kubetwin plans 2 pod\(s\)/,
  );
  assert.equal(d?.source?.line, 4);
  assert.equal(warned(deployment('web', {})).length, 1, 'no status: read back all the same');
});

test('rule workload-pods-not-in-input: no warning for a hand-written manifest, a dumped pod, or a status counting none', () => {
  assert.deepEqual(warned(deployment('web', { readBack: false })), []);
  assert.deepEqual(warned(deployment('kept', { status: '{replicas: 1}' }) + pod), []);
  assert.deepEqual(warned(deployment('idle', { replicas: 0, status: '{}' })), []);
  assert.deepEqual(warned(deployment('draining', { status: '{replicas: 0}' })), []);
});
