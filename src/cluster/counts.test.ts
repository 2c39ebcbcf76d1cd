import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from './_test-helpers.ts';

const deploy = (spec: string, name = 'web') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: default}
spec:
  ${spec}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c}]}
`;
const problems = (yaml: string, options = {}) => {
  const { model, diagnostics } = buildYaml(yaml, options);
  return {
    workloads: model.workloads.filter((w) => w.namespace === 'default').map((w) => w.name),
    errors: diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => `${d.code} ${d.source?.path}: ${d.message}`),
  };
};

test('replicas: -1 is refused as the API server refuses it (must be >= 0), at spec.replicas', () => {
  const r = problems(deploy('replicas: -1'));
  assert.deepEqual(r.workloads, []);
  assert.deepEqual(r.errors, [
    'invalid-field spec.replicas: spec.replicas: -1 must be greater than or equal to 0',
  ]);
});

test('replicas: 1e10 is refused as no 32-bit integer, before any pod is expanded', () => {
  const r = problems(deploy('replicas: 1e10'));
  assert.deepEqual(r.workloads, []);
  assert.match(r.errors[0], /^invalid-field spec.replicas: .*10000000000 is not a 32-bit integer/);
});

test('Job parallelism and HPA minReplicas are counts too: parallelism -2 and minReplicas 0 are refused', () => {
  const job = `apiVersion: batch/v1
kind: Job
metadata: {name: j, namespace: default}
spec: {parallelism: -2, template: {spec: {containers: [{name: c}]}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: default}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 0, maxReplicas: 3}
---
${deploy('replicas: 2')}`;
  const { model, diagnostics } = buildYaml(job);
  const codes = diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.source?.path}`);
  assert.deepEqual(codes.sort(), ['invalid-field spec.minReplicas', 'invalid-field spec.parallelism']);
  // The refused HPA does not scale its target: spec.replicas stands.
  assert.equal(model.workloads.find((w) => w.name === 'web')?.replicas, 2);
});

test('replicas: 200000 (a valid int32) expands without overflowing the stack', () => {
  const { model } = buildYaml(deploy('replicas: 200000'));
  assert.equal(model.pods.filter((p) => p.namespace === 'default').length, 200000);
});

test('a cluster past maxPods is refused with too-many-pods at the workload that passes it; the rest is built', () => {
  const yaml = `${deploy('replicas: 6', 'a')}---\n${deploy('replicas: 5', 'b')}`;
  const r = problems(yaml, { maxPods: 10 });
  assert.deepEqual(r.workloads, ['a']);
  // The add-ons (CoreDNS) come after the user's objects, so they are past the bound too, and said so.
  assert.ok(r.errors.every((e) => e.startsWith('too-many-pods ')));
  assert.match(
    r.errors.find((e) => e.includes('default/b')) ?? '',
    /^too-many-pods spec.replicas: Deployment default\/b would bring the cluster to 11 pods, more than the 10/,
  );
});

test('a Deployment whose selector is null is refused as missing spec.selector', () => {
  const r = problems(deploy('replicas: 1').replace('selector: {matchLabels: {app: web}}', 'selector: null'));
  assert.deepEqual(r.workloads, []);
  assert.match(r.errors[0], /^missing-field spec.selector: spec.selector is required/);
});

test('metadata.namespace: y, no or 0755 is invalid-field-type, never a silent move to the default namespace', () => {
  for (const ns of ['y', 'no', '0755']) {
    const { model, diagnostics } = buildYaml(
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: ${ns}}\n`,
    );
    assert.equal(
      model.others.filter((o) => o.name === 'c').length,
      0,
      `namespace: ${ns} leaves the object out`,
    );
    const d = diagnostics.find((x) => x.code === 'invalid-field-type');
    assert.equal(d?.source?.path, 'metadata.namespace', `namespace: ${ns}`);
    assert.match(d?.message ?? '', /quote the namespace/);
  }
});

test('metadata.name: 0755 or yes is invalid-field-type', () => {
  for (const name of ['0755', 'yes']) {
    const { diagnostics } = buildYaml(
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: default}\n`,
    );
    assert.ok(
      diagnostics.some((x) => x.code === 'invalid-field-type' && x.source?.path === 'metadata.name'),
      name,
    );
  }
});

test('an HPA whose target Deployment is refused is said (hpa-target-missing, refused), not dropped silently', () => {
  const refused = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: other}}
    spec: {containers: [{name: c}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: default}
spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 2, maxReplicas: 3}
`;
  const { diagnostics } = buildYaml(refused);
  const hpa = diagnostics.filter((d) => d.code === 'hpa-target-missing');
  assert.deepEqual(
    hpa.map((d) => `${d.object} ${d.message}`),
    [
      'HorizontalPodAutoscaler/default/web HorizontalPodAutoscaler default/web scales Deployment web, which is refused (see its errors); it changes nothing here',
    ],
  );
});
