/**
 * The fuzz oracle's own checks, on inputs whose outcome is known: a good batch passes with no input error, a
 * broken document is an input error of its own input only, a duplicate and a quiet kind are not losses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkCore } from './_manifest-oracle.ts';

const deploy = (name: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, image: x}]}
`;

test('a batch of good inputs passes the core check with no input error and no problem', () => {
  const out = checkCore([deploy('a'), deploy('b')]);
  assert.deepEqual(out, { inputErrors: [false, false], problems: [[], []], batchProblems: [] });
});

test('a broken document is an input error of its own input only, and not a loss', () => {
  const out = checkCore([deploy('a'), 'kind: ConfigMap\ndata: *missing\n']);
  assert.deepEqual(out.inputErrors, [false, true]);
  assert.deepEqual(out.problems, [[], []]);
});

test('an object declared twice (duplicate-object) and a ServiceAccount (a quiet kind) are not losses', () => {
  const sa = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: s, namespace: default}\n';
  const out = checkCore([`${deploy('a')}---\n${deploy('a')}`, sa]);
  assert.deepEqual(out.problems, [[], []]);
  assert.deepEqual(out.batchProblems, []);
});

test('a ReplicaSet folded into its Deployment and an HPA read into the replicas of its target are not losses', () => {
  const ns = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: default}\n---\n';
  const rs = deploy('a')
    .replace('kind: Deployment', 'kind: ReplicaSet')
    .replace(
      'metadata: {name: a, namespace: default}',
      'metadata: {name: a-1, namespace: default, ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: a, uid: u, controller: true}]}',
    );
  const hpa =
    'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h, namespace: default}\nspec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: a}, minReplicas: 2, maxReplicas: 3}\n';
  const out = checkCore([`${ns}${deploy('a')}---\n${rs}---\n${hpa}`]);
  assert.deepEqual(out.problems, [[]]);
});

test('the core check records what the core prints: a collection key, which made the yaml package warn on stderr, prints nothing now', () => {
  const keyed =
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: k, namespace: default}\ndata:\n  ? {a: 1}\n  : b\n';
  const printing = String(process.emitWarning);
  // The parser itself prints nothing for a collection key (yaml-invalid-key): the check passes.
  assert.deepEqual(checkCore([keyed]).batchProblems, []);
  assert.equal(String(process.emitWarning), printing, 'emitWarning is restored');
});
