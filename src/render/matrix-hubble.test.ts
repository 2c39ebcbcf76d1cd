/**
 * `matrix -o hubble`: one `hubble observe -o json` flow per cell and port, drops included; a partial cell is a
 * FORWARDED and a DROPPED line. https://docs.cilium.io/en/stable/observability/hubble/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../cluster/_test-helpers.ts';
import type { Matrix, MatrixEntry } from '../analysis/matrix/index.ts';
import { renderMatrixHubble } from './matrix-hubble.ts';

const { model } = buildYaml(`apiVersion: v1
kind: Pod
metadata: {name: a, namespace: ns1, labels: {app: a}}
spec: {containers: [{name: c, image: x}]}
`);
const entry = (allowedPairs: number, pairs: number): MatrixEntry => ({
  from: 'ns1/a',
  to: 'ns1/a',
  port: 53,
  protocol: 'UDP',
  pairs,
  allowedPairs,
});
const matrixOf = (entries: MatrixEntry[], by: Matrix['by'] = 'pod'): Matrix => ({
  by,
  groups: [{ name: 'ns1/a', namespace: 'ns1' }],
  warnings: [],
  rows: () => [{ from: 'ns1/a', entries }],
  representative: () => model.pods.find((p) => p.name === 'a'),
});
const flows = (m: Matrix) =>
  [...renderMatrixHubble(model, m)]
    .join('')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).flow);

test('matrix -o hubble: FORWARDED, DROPPED with POLICY_DENIED, and a partial cell as both with pair counts', () => {
  const [ok, drop, partOk, partDrop] = flows(matrixOf([entry(1, 1), entry(0, 1), entry(2, 6)]));
  assert.equal(ok.verdict, 'FORWARDED');
  assert.equal(ok.drop_reason_desc, undefined);
  assert.deepEqual(ok.l4, { UDP: { destination_port: 53 } });
  assert.equal(ok.source.pod_name, 'a');
  assert.ok(ok.source.labels.includes('k8s:app=a'));
  assert.equal(ok.Summary, 'UDP');
  assert.equal(drop.verdict, 'DROPPED');
  assert.equal(drop.drop_reason_desc, 'POLICY_DENIED');
  assert.deepEqual(
    [partOk.verdict, partOk.Summary, partDrop.verdict, partDrop.Summary],
    ['FORWARDED', 'UDP; 2 of 6 pod pairs', 'DROPPED', 'UDP; 4 of 6 pod pairs'],
  );
});

test('matrix -o hubble: by namespace, only the namespace-level labels and no single identity', () => {
  const [f] = flows(matrixOf([entry(1, 1)], 'namespace'));
  assert.equal(f.source.identity, 0);
  assert.equal(f.source.pod_name, undefined);
  assert.ok(f.source.labels.includes('k8s:io.kubernetes.pod.namespace=ns1'));
  assert.ok(!f.source.labels.includes('k8s:app=a'));
});
