import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from './_test-helpers.ts';

const deploy = (name: string, extra = '') => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: shop}
spec:
  ${extra}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}]}]}
`;
const ns = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\n';

test('Deployment: replicas default to 1; pods are named <deployment>-<pod-template-hash>-<suffix> and carry pod-template-hash', () => {
  const { model } = buildYaml(ns + deploy('web'));
  const pods = model.pods.filter((p) => p.namespace === 'shop');
  assert.equal(pods.length, 1);
  const hash = pods[0].labels['pod-template-hash'];
  assert.match(pods[0].name, new RegExp(`^web-${hash}-[a-z0-9]{5}$`));
  assert.equal(model.workloads.find((w) => w.name === 'web')?.replicasFrom, 'default');
});

test('Deployment: spec.replicas pods, deterministic names across builds', () => {
  const a = buildYaml(ns + deploy('web', 'replicas: 3')).model.pods.map((p) => p.name);
  const b = buildYaml(ns + deploy('web', 'replicas: 3')).model.pods.map((p) => p.name);
  assert.deepEqual(a, b);
  assert.equal(a.filter((n) => n.startsWith('web-')).length, 3);
});

test('HorizontalPodAutoscaler: minReplicas sets the replica count of the workload it targets', () => {
  const hpa = `---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: shop}\nspec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, minReplicas: 4, maxReplicas: 9}\n`;
  const { model } = buildYaml(ns + deploy('web', 'replicas: 2') + hpa);
  const w = model.workloads.find((x) => x.name === 'web')!;
  assert.deepEqual([w.replicas, w.replicasFrom], [4, 'hpa']);
});

test('StatefulSet: pods <name>-<ordinal> with hostname = pod name and subdomain = serviceName', () => {
  const sts = `apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: shop}\nspec:\n  replicas: 2\n  serviceName: db-nodes\n  selector: {matchLabels: {app: db}}\n  template:\n    metadata: {labels: {app: db}}\n    spec: {containers: [{name: c}]}\n`;
  const pods = buildYaml(ns + sts).model.pods.filter((p) => p.namespace === 'shop');
  assert.deepEqual(
    pods.map((p) => [p.name, p.hostname, p.subdomain, p.labels['statefulset.kubernetes.io/pod-name']]),
    [
      ['db-0', 'db-0', 'db-nodes', 'db-0'],
      ['db-1', 'db-1', 'db-nodes', 'db-1'],
    ],
  );
});

test('DaemonSet: one pod per node that passes nodeSelector, bound to that node', () => {
  const ds = `apiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent, namespace: shop}\nspec:\n  selector: {matchLabels: {app: agent}}\n  template:\n    metadata: {labels: {app: agent}}\n    spec: {nodeSelector: {topology.kubernetes.io/zone: zone-b}, containers: [{name: c}]}\n`;
  const pods = buildYaml(ns + ds).model.pods.filter((p) => p.namespace === 'shop');
  assert.deepEqual(
    pods.map((p) => p.nodeName),
    ['node-2'],
  );
});

test('Job runs parallelism pods (capped by completions); CronJob holds the pods of one run', () => {
  const job = `apiVersion: batch/v1\nkind: Job\nmetadata: {name: migrate, namespace: shop}\nspec: {parallelism: 3, completions: 2, template: {spec: {restartPolicy: Never, containers: [{name: c}]}}}\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata: {name: nightly, namespace: shop}\nspec: {schedule: "0 1 * * *", jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c}]}}}}}\n`;
  const { model } = buildYaml(ns + job);
  const pods = model.pods.filter((p) => p.namespace === 'shop');
  assert.equal(pods.filter((p) => p.labels['job-name'] === 'migrate').length, 2);
  assert.equal(pods.filter((p) => p.owner === 'CronJob/shop/nightly').length, 1);
});

test('Pod: container ports keep name and protocol (default TCP); sidecar initContainers contribute ports', () => {
  const pod = `apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: shop, labels: {a: b}}\nspec:\n  initContainers: [{name: side, restartPolicy: Always, ports: [{name: proxy, containerPort: 15001}]}, {name: init, ports: [{containerPort: 1}]}]\n  containers: [{name: app, ports: [{name: dns, containerPort: 53, protocol: UDP}, {containerPort: 80}]}]\n`;
  const p = buildYaml(ns + pod).model.pods.find((x) => x.name === 'p')!;
  assert.deepEqual(p.ports.map((x) => `${x.name ?? ''}:${x.containerPort}/${x.protocol}`).sort(), [
    ':80/TCP',
    'dns:53/UDP',
    'proxy:15001/TCP',
  ]);
});

test('selector that does not match the template labels is refused, other objects are still built', () => {
  const bad = deploy('web').replace('{matchLabels: {app: web}}', '{matchLabels: {app: other}}');
  const { model, diagnostics } = buildYaml(ns + bad + '---\n' + deploy('api'));
  assert.ok(diagnostics.some((d) => d.code === 'selector-mismatch' && d.source?.line === 10));
  assert.deepEqual(
    model.workloads.filter((w) => w.namespace === 'shop').map((w) => w.name),
    ['api'],
  );
});
