/**
 * Argo Rollouts' `Rollout` (argoproj.io/v1alpha1) runs pods like a Deployment: a ReplicaSet `<name>-<hash>` per
 * template, pods labelled `rollouts-pod-template-hash`; at rest (fully promoted) every pod is stable (canary) or
 * active (blue-green) and carries `stableMetadata` / `activeMetadata`; `workloadRef` runs a Deployment's template and
 * `scaleDown` onsuccess/progressively scales that Deployment to zero. A dump's pods are the Rollout's as observed,
 * never built again. https://argoproj.github.io/argo-rollouts/features/specification/,
 * https://argoproj.github.io/argo-rollouts/migrating/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../api/index.ts';

const build = (text: string) => buildFromTexts([{ file: 'in.yaml', text }]);

const rollout = (
  strategy = 'canary: {steps: [{setWeight: 20}, {pause: {}}]}',
  extra = '',
) => `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: demo, namespace: default}
spec:
  replicas: 3
  selector: {matchLabels: {app: demo}}
  strategy: {${strategy}}
  template:
    metadata: {labels: {app: demo}}
    spec: {containers: [{name: c, image: argoproj/rollouts-demo:blue, ports: [{name: http, containerPort: 8080}]}]}
${extra}---
apiVersion: v1
kind: Service
metadata: {name: demo-stable, namespace: default}
spec: {selector: {app: demo}, ports: [{port: 80, targetPort: http}]}
`;

test('rule argo-rollout-replicaset-pods: a Rollout runs spec.replicas pods of one ReplicaSet, labelled rollouts-pod-template-hash, behind the Services that select them', () => {
  const { model, diagnostics } = build(rollout());
  const pods = model.pods.filter((p) => p.owner === 'Rollout/default/demo');
  assert.equal(pods.length, 3);
  const hash = pods[0].labels['rollouts-pod-template-hash'];
  assert.ok(hash, 'the hash label');
  assert.ok(pods.every((p) => p.name.startsWith(`demo-${hash}-`)));
  assert.equal(pods[0].labels['pod-template-hash'], undefined, 'not the Deployment controller’s label');
  const slice = model.endpointSlices.find((s) => s.serviceName === 'demo-stable');
  assert.equal(slice?.endpoints.length, 3);
  assert.ok(
    !diagnostics.some((d) => d.code === 'unknown-kind'),
    diagnostics.map((d) => d.message).join('\n'),
  );
  // replicas defaults to 1, and an HPA's minReplicas wins, as for a Deployment.
  const one = build(rollout().replace('  replicas: 3\n', ''));
  assert.equal(one.model.pods.filter((p) => p.owner === 'Rollout/default/demo').length, 1);
  const scaled = build(
    `${rollout()}---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: demo, namespace: default}
spec: {scaleTargetRef: {apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: demo}, minReplicas: 5, maxReplicas: 9}
`,
  );
  assert.equal(scaled.model.pods.filter((p) => p.owner === 'Rollout/default/demo').length, 5);
});

test('rule argo-rollout-at-rest-metadata: stable pods carry canary.stableMetadata, active pods blueGreen.activeMetadata; canaryMetadata and previewMetadata do not apply at rest', () => {
  const canary = build(
    rollout(
      'canary: {stableMetadata: {labels: {role: stable}, annotations: {a: b}}, canaryMetadata: {labels: {role: canary}}}',
    ),
  );
  const c = canary.model.pods.find((p) => p.owner === 'Rollout/default/demo')!;
  assert.equal(c.labels.role, 'stable');
  assert.equal(c.annotations.a, 'b');
  const blueGreen = build(
    rollout(
      'blueGreen: {activeService: demo-stable, activeMetadata: {labels: {role: active}}, previewMetadata: {labels: {role: preview}}}',
    ),
  );
  const b = blueGreen.model.pods.find((p) => p.owner === 'Rollout/default/demo')!;
  assert.equal(b.labels.role, 'active');
});

const deployment = `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: demo-deploy, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: demo}}
  template:
    metadata: {labels: {app: demo}}
    spec: {containers: [{name: c, image: x, ports: [{name: http, containerPort: 8080}]}]}
`;
const referring = (scaleDown: string) => `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: demo, namespace: default}
spec:
  replicas: 3
  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: demo-deploy${scaleDown}}
  strategy: {canary: {}}
${deployment}`;

test('rule argo-rollout-workload-ref: the Rollout runs the Deployment’s template; scaleDown onsuccess or progressively scales the Deployment to zero, never (the default) leaves its pods', () => {
  const owned = (m: ReturnType<typeof build>['model'], owner: string) =>
    m.pods.filter((p) => p.owner === owner).length;
  for (const [scaleDown, deploymentPods] of [
    ['', 2],
    [', scaleDown: never', 2],
    [', scaleDown: onsuccess', 0],
    [', scaleDown: progressively', 0],
  ] as const) {
    const { model } = build(referring(scaleDown));
    assert.equal(owned(model, 'Rollout/default/demo'), 3, scaleDown);
    assert.equal(owned(model, 'Deployment/default/demo-deploy'), deploymentPods, scaleDown);
    assert.ok(
      model.pods.find((p) => p.owner === 'Rollout/default/demo')!.ports.some((cp) => cp.name === 'http'),
    );
  }
  const missing = build(referring('').replace('name: demo-deploy}', 'name: demo-depoly}'));
  assert.equal(owned(missing.model, 'Rollout/default/demo'), 0);
  assert.ok(missing.diagnostics.some((d) => d.code === 'rollout-workload-missing' && d.severity === 'error'));
});

test('rule argo-rollout-dump-pods-observed: the pods of a dumped Rollout are its pods, folded through their ReplicaSet or its hash label, never built again', () => {
  const dumped = (withReplicaSet: boolean) => `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: demo, namespace: default, uid: r1}
spec:
  replicas: 2
  selector: {matchLabels: {app: demo}}
  strategy: {canary: {}}
  template: {metadata: {labels: {app: demo}}, spec: {containers: [{name: c, image: x}]}}
${
  withReplicaSet
    ? `---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: demo-6d4f8
  namespace: default
  uid: rs1
  ownerReferences: [{apiVersion: argoproj.io/v1alpha1, kind: Rollout, name: demo, controller: true}]
spec:
  replicas: 2
  selector: {matchLabels: {app: demo, rollouts-pod-template-hash: 6d4f8}}
  template: {metadata: {labels: {app: demo, rollouts-pod-template-hash: 6d4f8}}, spec: {containers: [{name: c, image: x}]}}
`
    : ''
}${['a', 'b']
    .map(
      (s) => `---
apiVersion: v1
kind: Pod
metadata:
  name: demo-6d4f8-${s}
  namespace: default
  uid: p${s}
  labels: {app: demo, rollouts-pod-template-hash: 6d4f8}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: demo-6d4f8, controller: true}]
spec: {containers: [{name: c, image: x}]}
status: {phase: Running, podIP: 10.244.1.${s === 'a' ? 7 : 8}, conditions: [{type: Ready, status: "True"}]}
`,
    )
    .join('')}`;
  for (const withReplicaSet of [true, false]) {
    const { model } = build(dumped(withReplicaSet));
    assert.deepEqual(
      model.pods.map((p) => `${p.name} ${p.owner}`).filter((x) => x.startsWith('demo')),
      ['demo-6d4f8-a Rollout/default/demo', 'demo-6d4f8-b Rollout/default/demo'],
      `with the ReplicaSet: ${withReplicaSet}`,
    );
    const w = model.workloads.find((x) => x.key === 'Rollout/default/demo');
    assert.equal(w?.replicasFrom, 'observed');
  }
});
