import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from './_test-helpers.ts';

const ns = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: monitoring}\n---\n';
const prometheus = (spec: string) => `apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: monitoring}
spec:
  ${spec}
`;

test('Prometheus Operator: a Prometheus becomes StatefulSet prometheus-<name> with spec.replicas pods (1 when unset)', () => {
  const two = buildYaml(ns + prometheus('replicas: 2')).model;
  assert.deepEqual(
    two.pods.filter((p) => p.namespace === 'monitoring').map((p) => [p.name, p.owner]),
    [
      ['prometheus-k8s-0', 'StatefulSet/monitoring/prometheus-k8s'],
      ['prometheus-k8s-1', 'StatefulSet/monitoring/prometheus-k8s'],
    ],
  );
  const unset = buildYaml(ns + prometheus('version: v2.40.1')).model;
  assert.deepEqual(
    unset.pods.filter((p) => p.namespace === 'monitoring').map((p) => p.name),
    ['prometheus-k8s-0'],
  );
});

test("Prometheus Operator: pod labels are podMetadata.labels overridden by the operator's selector labels", () => {
  const { model } = buildYaml(
    ns +
      prometheus(
        'version: v2.40.1\n  podMetadata: {labels: {app.kubernetes.io/component: prometheus, prometheus: mine}}',
      ),
  );
  const pod = model.pods.find((p) => p.name === 'prometheus-k8s-0')!;
  for (const [k, v] of Object.entries({
    'app.kubernetes.io/component': 'prometheus',
    'app.kubernetes.io/name': 'prometheus',
    'app.kubernetes.io/managed-by': 'prometheus-operator',
    'app.kubernetes.io/instance': 'k8s',
    'app.kubernetes.io/version': '2.40.1',
    prometheus: 'k8s',
    'operator.prometheus.io/name': 'k8s',
    'operator.prometheus.io/shard': '0',
  }))
    assert.equal(pod.labels[k], v, k);
});

test('Prometheus Operator: ports web 9090 (spec.portName) and reloader-web 8080; none with listenLocal; Thanos adds grpc 10901', () => {
  const ports = (spec: string) =>
    buildYaml(ns + prometheus(spec))
      .model.pods.find((p) => p.name === 'prometheus-k8s-0')!
      .ports.map((p) => `${p.name}:${p.containerPort}`)
      .sort();
  assert.deepEqual(ports('replicas: 1'), ['reloader-web:8080', 'web:9090']);
  assert.deepEqual(ports('portName: http'), ['http:9090', 'reloader-web:8080']);
  assert.deepEqual(ports('listenLocal: true'), []);
  assert.deepEqual(ports('thanos: {}'), ['grpc:10901', 'http:10902', 'reloader-web:8080', 'web:9090']);
});

test('Prometheus Operator: the governing Service prometheus-operated is headless and selects app.kubernetes.io/name=prometheus', () => {
  const { model } = buildYaml(ns + prometheus('replicas: 1'));
  const svc = model.services.find((s) => s.key === 'Service/monitoring/prometheus-operated')!;
  assert.equal(svc.headless, true);
  assert.deepEqual(svc.selector, { 'app.kubernetes.io/name': 'prometheus' });
  assert.deepEqual(
    svc.ports.map((p) => [p.name, p.port, p.targetPort]),
    [['web', 9090, 'web']],
  );
});

test('Prometheus Operator: a StatefulSet the input holds (a dump) is not made again', () => {
  const sts = `---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: prometheus-k8s, namespace: monitoring}
spec:
  replicas: 1
  serviceName: prometheus-operated
  selector: {matchLabels: {app.kubernetes.io/name: prometheus}}
  template:
    metadata: {labels: {app.kubernetes.io/name: prometheus, observed: "yes"}}
    spec: {containers: [{name: prometheus}]}
`;
  const { model } = buildYaml(ns + prometheus('replicas: 3') + sts);
  const pods = model.pods.filter((p) => p.namespace === 'monitoring');
  assert.deepEqual(
    pods.map((p) => [p.name, p.labels.observed]),
    [['prometheus-k8s-0', 'yes']],
  );
});

const alertmanager = (spec: string) => `apiVersion: monitoring.coreos.com/v1
kind: Alertmanager
metadata: {name: main, namespace: monitoring}
spec:
  ${spec}
`;

test("Prometheus Operator: an Alertmanager becomes StatefulSet alertmanager-<name> with the operator's labels and ports web 9093, mesh-tcp and mesh-udp 9094, reloader-web 8080", () => {
  const { model } = buildYaml(
    ns + alertmanager('replicas: 3\n  podMetadata: {labels: {app.kubernetes.io/component: alert-router}}'),
  );
  const pods = model.pods.filter((p) => p.namespace === 'monitoring');
  assert.deepEqual(
    pods.map((p) => p.name),
    ['alertmanager-main-0', 'alertmanager-main-1', 'alertmanager-main-2'],
  );
  for (const [k, v] of Object.entries({
    'app.kubernetes.io/component': 'alert-router',
    'app.kubernetes.io/name': 'alertmanager',
    'app.kubernetes.io/managed-by': 'prometheus-operator',
    'app.kubernetes.io/instance': 'main',
    alertmanager: 'main',
  }))
    assert.equal(pods[0].labels[k], v, k);
  assert.deepEqual(pods[0].ports.map((p) => `${p.name}:${p.containerPort}/${p.protocol}`).sort(), [
    'mesh-tcp:9094/TCP',
    'mesh-udp:9094/UDP',
    'reloader-web:8080/TCP',
    'web:9093/TCP',
  ]);
  const svc = model.services.find((s) => s.key === 'Service/monitoring/alertmanager-operated')!;
  assert.deepEqual(
    svc.ports.map((p) => `${p.name}:${p.port}/${p.protocol}`),
    ['web:9093/TCP', 'tcp-mesh:9094/TCP', 'udp-mesh:9094/UDP'],
  );
  assert.deepEqual(svc.selector, { 'app.kubernetes.io/name': 'alertmanager' });
});
