/**
 * Full nodes and pod priority: the scheduler's queue places higher priority first and preemption evicts lower
 * priority pods for a pod that does not fit (DaemonSet pods included, scheduled by the default scheduler since
 * Kubernetes 1.12). https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from './_test-helpers.ts';

/** Two nodes of four pods each. */
const profile =
  'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmaxPodsPerNode: 4\nnodes: [{name: n1, internalIP: 10.1.0.1}, {name: n2, internalIP: 10.1.0.2}]\n';

const deployment = (name: string, replicas: number, spec = '') => `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: default}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {${spec}containers: [{name: c, image: x}]}
`;

const phases = (model: ReturnType<typeof buildYaml>['model'], prefix: string) =>
  model.pods
    .filter((p) => p.key.startsWith(prefix))
    .map((p) => p.phase)
    .sort();

test('nodes full of default-priority pods still run CoreDNS (system-cluster-critical) and kube-proxy (system-node-critical): lower priority pods wait', () => {
  const { model, diagnostics } = buildYaml(deployment('web', 8), { profile });
  assert.deepEqual(phases(model, 'Pod/kube-system/coredns-'), ['Running', 'Running']);
  assert.deepEqual(phases(model, 'Pod/kube-system/kube-proxy-'), ['Running', 'Running']);
  const running = (node: string) => model.pods.filter((p) => p.nodeName === node && p.phase === 'Running');
  assert.deepEqual([running('n1').length, running('n2').length], [4, 4], 'no node past maxPodsPerNode');
  assert.equal(phases(model, 'Pod/default/web-').filter((p) => p === 'Pending').length, 4);
  const said = diagnostics.filter((d) => d.code === 'unschedulable').map((d) => d.message);
  assert.equal(said.length, 1);
  assert.match(
    said[0],
    /^4 pod\(s\) of Deployment\/default\/web .*pods of higher priority than its 0 took the room first/,
  );
});

test('DaemonSet pods of the default priority on full nodes wait as the scheduler leaves them (no preemption between equals)', () => {
  const ds = `---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: zz-agent, namespace: default}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {containers: [{name: c, image: x}]}
`;
  // 4 places left after CoreDNS and kube-proxy; web takes them (its key sorts first), the agent waits.
  const { model, diagnostics } = buildYaml(deployment('web', 4) + ds, { profile });
  assert.deepEqual(phases(model, 'Pod/default/zz-agent-'), ['Pending', 'Pending']);
  assert.deepEqual(phases(model, 'Pod/default/web-'), ['Running', 'Running', 'Running', 'Running']);
  assert.ok(diagnostics.some((d) => d.code === 'unschedulable' && d.object === 'DaemonSet/default/zz-agent'));
});

test('a DaemonSet with a higher PriorityClass preempts default-priority pods on full nodes', () => {
  const pc =
    '---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: node-agents}\nvalue: 1000\n';
  const ds = `---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: zz-agent, namespace: default}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec: {priorityClassName: node-agents, containers: [{name: c, image: x}]}
`;
  const { model } = buildYaml(deployment('web', 4) + ds + pc, { profile });
  assert.deepEqual(phases(model, 'Pod/default/zz-agent-'), ['Running', 'Running']);
  assert.deepEqual(phases(model, 'Pod/default/web-'), ['Pending', 'Pending', 'Running', 'Running']);
});

test('a globalDefault PriorityClass gives pods without a class its value; a class missing from the input counts as that and is named', () => {
  const pc =
    '---\napiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: base}\nvalue: 100\nglobalDefault: true\n';
  const { model, diagnostics } = buildYaml(
    deployment('a-low', 4, 'priorityClassName: elsewhere, ') + deployment('web', 4) + pc,
    { profile },
  );
  // Both at 100 (a-low's class is unknown, so the global default): key order decides, a-low first.
  assert.deepEqual(phases(model, 'Pod/default/a-low-'), ['Running', 'Running', 'Running', 'Running']);
  assert.deepEqual(phases(model, 'Pod/default/web-'), ['Pending', 'Pending', 'Pending', 'Pending']);
  const said = diagnostics.find((d) => d.code === 'unschedulable' && d.object === 'Deployment/default/web');
  assert.match(said?.message ?? '', /higher priority than its 100/);
  const low = buildYaml(deployment('a-low', 8, 'priorityClassName: elsewhere, '), { profile }).diagnostics;
  assert.match(
    low.find((d) => d.code === 'unschedulable')?.message ?? '',
    /its priorityClassName elsewhere is not in the input and counts as 0/,
  );
});

test('a PriorityClass value above 1,000,000,000 is invalid-field (reserved for the system classes)', () => {
  const pc =
    'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: too-high}\nvalue: 2000000000\n';
  const { diagnostics } = buildYaml(pc, { profile });
  assert.ok(diagnostics.some((d) => d.code === 'invalid-field' && /value: 2000000000/.test(d.message)));
});

test('a PriorityClass without a value is missing-field and left out', () => {
  const pc =
    'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: none}\nglobalDefault: true\n';
  const { model, diagnostics } = buildYaml(pc, { profile });
  assert.ok(diagnostics.some((d) => d.code === 'missing-field' && d.object === 'PriorityClass/none'));
  assert.equal(model.others.filter((o) => o.kind === 'PriorityClass').length, 0);
});

test('without a pod waiting for room, placement keeps key order (addresses do not move with priorities)', () => {
  const { model } = buildYaml(deployment('web', 2), { profile });
  const web = model.pods.filter((p) => p.key.startsWith('Pod/default/web-'));
  assert.deepEqual(
    web.map((p) => p.ip),
    ['10.244.0.2', '10.244.1.2'],
  );
});
