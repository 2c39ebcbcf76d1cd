/**
 * A Pod read back from a cluster states where it runs (the scheduler's `spec.nodeName`, the kubelet's
 * `status.hostIP`) and whether it is ready (the kubelet's `Ready` condition). The fields that only decide those —
 * affinity, tolerations, topology spread, readiness probes and gates — change no answer about it, so they are not
 * warned about as unmodeled (https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/,
 * https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-conditions). A manifest's pod still is.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from './_test-helpers.ts';

const pod = (status: string) =>
  `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, uid: u1, resourceVersion: "1"}
spec:
  nodeName: minikube
  tolerations: [{key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute}]
  affinity: {podAntiAffinity: {preferredDuringSchedulingIgnoredDuringExecution: [{weight: 1, podAffinityTerm: {topologyKey: kubernetes.io/hostname}}]}}
  topologySpreadConstraints: [{maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway}]
  readinessGates: [{conditionType: example.com/ready}]
  containers: [{name: c, image: x, readinessProbe: {httpGet: {path: /ready, port: 80}}}]
${status}`;

const unmodeled = (yaml: string) =>
  buildYaml(yaml)
    .diagnostics.filter((d) => d.code === 'field-not-modeled')
    .map((d) => d.message.split(' is ')[0])
    .sort();

test('rule observed-placement-and-readiness: a pod read back bound and Ready gets no warning for the fields that decided them', () => {
  const observed = pod(
    'status: {phase: Running, hostIP: 192.168.49.2, podIP: 10.244.0.9, conditions: [{type: Ready, status: "True"}]}\n',
  );
  assert.deepEqual(unmodeled(observed), []);
});

test('rule observed-placement-and-readiness: without the kubelet status each field is still said', () => {
  const all = [
    'spec.affinity',
    'spec.containers[0].readinessProbe',
    'spec.readinessGates',
    'spec.tolerations',
    'spec.topologySpreadConstraints',
  ];
  assert.deepEqual(unmodeled(pod('')), all);
  // Placed but with no Ready condition: readiness is still the model's guess.
  const placed = pod('status: {phase: Running, hostIP: 192.168.49.2, podIP: 10.244.0.9}\n');
  assert.deepEqual(unmodeled(placed), ['spec.containers[0].readinessProbe', 'spec.readinessGates']);
});
