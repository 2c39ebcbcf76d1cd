import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml, codes } from './_test-helpers.ts';

const ns = 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n';
const template = `
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: web, ports: [{name: http, containerPort: 8080}]}]}`;
const deployment = `---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:${template}
`;
const replicaSet = `---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: web-6d4cf56db6
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u1, controller: true}]
spec:
  replicas: 2
  selector: {matchLabels: {app: web, pod-template-hash: 6d4cf56db6}}
  template:${template.replace('{app: web}', '{app: web, pod-template-hash: 6d4cf56db6}')}
`;
const pod = (name: string, extra: { node?: string; ip?: string; ready?: string; phase?: string } = {}) => `---
apiVersion: v1
kind: Pod
metadata:
  name: web-6d4cf56db6-${name}
  namespace: shop
  uid: 0d5c7e6a-${name}
  labels: {app: web, pod-template-hash: 6d4cf56db6}
  ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-6d4cf56db6, uid: u2, controller: true}]
spec:
  ${extra.node ? `nodeName: ${extra.node}` : ''}
  containers: [{name: c, image: web, ports: [{name: http, containerPort: 8080}]}]
status:
  phase: ${extra.phase ?? 'Running'}
  ${extra.node ? 'hostIP: 172.18.0.2' : ''}
  ${extra.ip ? `podIP: ${extra.ip}` : ''}
  conditions: [{type: Ready, status: "${extra.ready ?? 'True'}"}]
`;
const shopPods = (m: { pods: readonly { namespace: string; name: string }[] }) =>
  m.pods.filter((p) => p.namespace === 'shop').map((p) => p.name);

test('a Pod owned by a ReplicaSet in the input is not expanded again (Deployment + ReplicaSet + Pods: each pod once)', () => {
  const { model } = buildYaml(
    ns + deployment + replicaSet + pod('aaaaa', { ip: '10.244.1.5' }) + pod('bbbbb', { ip: '10.244.2.5' }),
  );
  assert.deepEqual(shopPods(model), ['web-6d4cf56db6-aaaaa', 'web-6d4cf56db6-bbbbb']);
  const ws = model.workloads.filter((w) => w.namespace === 'shop');
  assert.deepEqual(
    ws.map((w) => [w.key, w.replicas, w.replicasFrom, w.podKeys.length]),
    [['Deployment/shop/web', 2, 'observed', 2]],
  );
  assert.deepEqual(
    model.pods.filter((p) => p.namespace === 'shop').map((p) => p.owner),
    ['Deployment/shop/web', 'Deployment/shop/web'],
  );
});

test('a ReplicaSet owned by a Deployment in the input is not a separate workload, even without pods', () => {
  const { model } = buildYaml(ns + deployment + replicaSet);
  assert.deepEqual(
    model.workloads.filter((w) => w.namespace === 'shop').map((w) => w.key),
    ['Deployment/shop/web'],
  );
  assert.equal(shopPods(model).length, 2);
});

test('pods are grouped into their Deployment through the ReplicaSet name and pod-template-hash when neither is in the input', () => {
  const { model } = buildYaml(ns + pod('aaaaa', { ip: '10.244.1.5' }));
  const w = model.workloads.find((x) => x.namespace === 'shop');
  assert.deepEqual(
    [w?.key, w?.replicasFrom, w?.podKeys],
    ['Deployment/shop/web', 'observed', ['Pod/shop/web-6d4cf56db6-aaaaa']],
  );
});

test('pods owned by a DaemonSet absent from the input are that DaemonSet workload', () => {
  const agent = (n: string, node: string, ip: string) => `---
apiVersion: v1
kind: Pod
metadata:
  name: agents-${n}
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: cognetive-agents, uid: d, controller: true}]
spec: {nodeName: ${node}, hostNetwork: true, containers: [{name: c, image: a}]}
status: {phase: Running, hostIP: ${ip}, podIP: ${ip}, conditions: [{type: Ready, status: "True"}]}
`;
  const { model, diagnostics } = buildYaml(
    ns + agent('a', 'w1', '172.18.0.2') + agent('b', 'w2', '172.18.0.3'),
  );
  const w = model.workloads.find((x) => x.name === 'cognetive-agents');
  assert.deepEqual([w?.kind, w?.podKeys.length], ['DaemonSet', 2]);
  assert.ok(!codes(diagnostics).includes('ip-conflict'));
});

test('hostNetwork pods share their node address: two of them with the same podIP are no ip-conflict', () => {
  const hostPod = (n: string) => `---
apiVersion: v1
kind: Pod
metadata: {name: ${n}, namespace: shop}
spec: {nodeName: node-1, hostNetwork: true, containers: [{name: c, image: a}]}
status: {phase: Running, hostIP: 10.0.0.11, podIP: 10.0.0.11, conditions: [{type: Ready, status: "True"}]}
`;
  const { model, diagnostics } = buildYaml(ns + hostPod('a') + hostPod('b'));
  assert.deepEqual(
    codes(diagnostics).filter((c) => c === 'ip-conflict'),
    [],
  );
  assert.deepEqual(
    model.pods.filter((p) => p.namespace === 'shop').map((p) => [p.ip, p.ready]),
    [
      ['10.0.0.11', true],
      ['10.0.0.11', true],
    ],
  );
});

test("a pod's observed node that is not in the input exists, with the pod's hostIP as InternalIP and the pod range around its pods' IPs", () => {
  const { model, diagnostics } = buildYaml(ns + pod('aaaaa', { node: 'worker-7', ip: '10.42.3.9' }));
  assert.deepEqual(
    model.nodes.map((n) => [n.name, n.internalIP, n.podCIDR]),
    [['worker-7', '172.18.0.2', '10.42.3.0/24']],
  );
  const p = model.pods.find((x) => x.namespace === 'shop')!;
  assert.deepEqual([p.nodeName, p.ip, p.phase, p.ready], ['worker-7', '10.42.3.9', 'Running', true]);
  assert.ok(codes(diagnostics).includes('node-from-pods'));
  assert.ok(!codes(diagnostics).includes('unschedulable'));
});

test('a pod read from a cluster without a Ready=True condition is not ready', () => {
  const { model } = buildYaml(ns + pod('aaaaa', { ip: '10.244.1.5', ready: 'False' }));
  const p = model.pods.find((x) => x.namespace === 'shop')!;
  assert.deepEqual([p.phase, p.ready, p.ip], ['Running', false, '10.244.1.5']);
  const noConditions = pod('bbbbb', { ip: '10.244.1.6' }).replace(/ {2}conditions:.*\n/, '');
  assert.equal(buildYaml(ns + noConditions).model.pods.find((x) => x.namespace === 'shop')?.ready, false);
});

test('an observed Pending pod without an IP has none, and the twin does not schedule it', () => {
  const { model, diagnostics } = buildYaml(ns + pod('aaaaa', { phase: 'Pending', ready: 'False' }));
  const p = model.pods.find((x) => x.namespace === 'shop')!;
  assert.deepEqual([p.phase, p.ip, p.nodeName, p.ready], ['Pending', undefined, undefined, false]);
  assert.ok(!codes(diagnostics).includes('unschedulable'));
});

test('observed EndpointSlices of a Service with a selector are kept; a difference from the computed ones is endpointslice-drift', () => {
  const svc = `---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: http}]}
`;
  const slice = (ip: string) => `---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: web-x1y2z
  namespace: shop
  labels: {kubernetes.io/service-name: web, endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io}
addressType: IPv4
ports: [{name: "", port: 8080, protocol: TCP}]
endpoints: [{addresses: [${ip}], conditions: {ready: true}, targetRef: {kind: Pod, name: web-6d4cf56db6-aaaaa}}]
`;
  const same = buildYaml(ns + pod('aaaaa', { ip: '10.244.1.5' }) + svc + slice('10.244.1.5'));
  const slices = same.model.endpointSlices.filter((s) => s.namespace === 'shop');
  assert.deepEqual(
    slices.map((s) => s.name),
    ['web-x1y2z'],
  );
  assert.ok(!codes(same.diagnostics).includes('endpointslice-drift'));
  const drift = buildYaml(ns + pod('aaaaa', { ip: '10.244.1.5' }) + svc + slice('10.244.9.9'));
  const d = drift.diagnostics.find((x) => x.code === 'endpointslice-drift');
  assert.equal(d?.severity, 'warning');
  assert.match(
    d?.message ?? '',
    /observed only: 10\.244\.9\.9:8080\/TCP ready; computed only: 10\.244\.1\.5:8080\/TCP ready/,
  );
  assert.deepEqual(
    drift.model.endpointSlices
      .filter((s) => s.namespace === 'shop')
      .flatMap((s) => s.endpoints.flatMap((e) => e.addresses)),
    ['10.244.9.9'],
  );
});

test('default nodes carry the labels kubelet sets, with the region of a cloud zone', () => {
  const { model } = buildYaml(ns, {
    profile:
      'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nnodes: [{name: a, zone: eu-central-1a, internalIP: 10.0.1.1}]\n',
  });
  assert.deepEqual(model.nodes[0].labels, {
    'beta.kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': 'amd64',
    'kubernetes.io/hostname': 'a',
    'kubernetes.io/os': 'linux',
    'topology.kubernetes.io/region': 'eu-central-1',
    'topology.kubernetes.io/zone': 'eu-central-1a',
  });
});

test('a nodeSelector on beta.kubernetes.io/os: linux schedules on the default nodes', () => {
  const sel = deployment.replace(
    'spec: {containers',
    'spec: {nodeSelector: {beta.kubernetes.io/os: linux}, containers',
  );
  const { model, diagnostics } = buildYaml(ns + sel);
  assert.ok(!codes(diagnostics).includes('unschedulable'));
  assert.ok(model.pods.filter((p) => p.namespace === 'shop').every((p) => p.phase === 'Running' && p.ip));
});

test('when neither input nor profile lists nodes, the default cluster has enough nodes for every pod', () => {
  const big = deployment.replace('replicas: 2', 'replicas: 500');
  const { model, diagnostics } = buildYaml(ns + big);
  assert.ok(!codes(diagnostics).includes('unschedulable'));
  assert.ok(codes(diagnostics).includes('default-nodes-added'));
  assert.equal(model.nodes.length, 5);
  assert.equal(model.pods.filter((p) => p.phase === 'Pending').length, 0);
  // DaemonSets (kube-proxy) run on the added nodes too.
  assert.equal(model.pods.filter((p) => p.name.startsWith('kube-proxy-')).length, 5);
});

test("the user's own nodes are not grown: pods past maxPodsPerNode stay Pending", () => {
  const big = deployment.replace('replicas: 2', 'replicas: 300');
  const { model, diagnostics } = buildYaml(ns + big, {
    profile:
      'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nnodes: [{name: a, internalIP: 10.0.1.1}]\n',
  });
  assert.equal(model.nodes.length, 1);
  assert.ok(codes(diagnostics).includes('unschedulable'));
});

test('a Service port with name "" is accepted on a single-port Service, as the API server does', () => {
  const svc = `---
apiVersion: v1
kind: Service
metadata: {name: one, namespace: shop}
spec: {selector: {app: web}, ports: [{name: "", port: 80}]}
`;
  const { model, diagnostics } = buildYaml(ns + svc);
  assert.deepEqual(
    codes(diagnostics).filter((c) => c.startsWith('invalid')),
    [],
  );
  assert.equal(model.services.find((s) => s.name === 'one')?.ports[0].name, undefined);
  const two = svc.replace('[{name: "", port: 80}]', '[{name: "", port: 80}, {name: b, port: 81}]');
  assert.ok(codes(buildYaml(ns + two).diagnostics).includes('missing-field'));
});

test('Endpoints dumped beside the EndpointSlice the mirroring controller made of them are not mirrored again', () => {
  const text = `---
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: shop}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Endpoints
metadata: {name: ext, namespace: shop}
subsets: [{addresses: [{ip: 192.0.2.10}], ports: [{port: 80}]}]
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: ext-m1n2p
  namespace: shop
  labels: {kubernetes.io/service-name: ext, endpointslice.kubernetes.io/managed-by: endpointslicemirroring-controller.k8s.io}
addressType: IPv4
ports: [{port: 80, protocol: TCP}]
endpoints: [{addresses: [192.0.2.10], conditions: {ready: true}}]
`;
  const slices = buildYaml(ns + text).model.endpointSlices.filter((s) => s.namespace === 'shop');
  assert.deepEqual(
    slices.map((s) => [s.name, s.endpoints.flatMap((e) => e.addresses)]),
    [['ext-m1n2p', ['192.0.2.10']]],
  );
  const withoutSlice = text.slice(0, text.indexOf('---\napiVersion: discovery'));
  assert.equal(
    buildYaml(ns + withoutSlice).model.endpointSlices.filter((s) => s.namespace === 'shop').length,
    1,
  );
});

test("a user's kubernetes Service keeps its own endpoints: the add-on EndpointSlice pointing at a stand-in node is not added", () => {
  const svc = `---
apiVersion: v1
kind: Service
metadata: {name: kubernetes, namespace: default}
spec: {clusterIP: 10.96.0.1, ports: [{name: https, port: 443, targetPort: 6443}]}
`;
  const { model } = buildYaml(ns + svc);
  assert.deepEqual(
    model.endpointSlices.filter((s) => s.serviceName === 'kubernetes'),
    [],
  );
  assert.equal(buildYaml(ns).model.endpointSlices.filter((s) => s.serviceName === 'kubernetes').length, 1);
});

test('pods observed on default-named nodes and on others: every node they name exists, and no stand-in beside them', () => {
  const on = (name: string, node: string, hostIP: string) =>
    pod(name, { node, ip: `10.42.0.${name.length}` }).replace('hostIP: 172.18.0.2', `hostIP: ${hostIP}`);
  const { model } = buildYaml(
    ns + on('aaaaa', 'node-1', '172.18.0.5') + on('bbbbbb', 'worker-9', '172.18.0.9'),
  );
  assert.deepEqual(
    model.nodes.map((n) => [n.name, n.internalIP]),
    [
      ['node-1', '172.18.0.5'],
      ['worker-9', '172.18.0.9'],
    ],
  );
  assert.ok(model.pods.filter((p) => p.namespace === 'shop').every((p) => p.nodeName && p.ip));
});

test('a ClusterIP that an observed Service holds is not claimed by an add-on stand-in (no ip-conflict on the real Service)', () => {
  const svc = `---
apiVersion: v1
kind: Service
metadata: {name: app, namespace: shop, uid: 5b1e}
spec: {clusterIP: 10.96.0.10, clusterIPs: [10.96.0.10], selector: {app: web}, ports: [{port: 80}]}
status: {loadBalancer: {}}
`;
  const { model, diagnostics } = buildYaml(ns + svc);
  assert.ok(!codes(diagnostics).includes('ip-conflict'));
  assert.deepEqual(model.services.find((s) => s.name === 'app')?.clusterIPs, ['10.96.0.10']);
});

test('a Job pod belongs to its CronJob: through the Job in the input, or through the Job name <cronjob>-<minutes>', () => {
  const cron = `---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly, namespace: shop}
spec: {schedule: "@daily", jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: x}]}}}}}
`;
  const job = `---
apiVersion: batch/v1
kind: Job
metadata:
  name: nightly-29410560
  namespace: shop
  ownerReferences: [{apiVersion: batch/v1, kind: CronJob, name: nightly, uid: c1, controller: true}]
spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: x}]}}}
`;
  const jobPod = `---
apiVersion: v1
kind: Pod
metadata:
  name: nightly-29410560-q7x2m
  namespace: shop
  uid: p1
  ownerReferences: [{apiVersion: batch/v1, kind: Job, name: nightly-29410560, uid: j1, controller: true}]
spec: {restartPolicy: Never, containers: [{name: c, image: x}]}
status: {phase: Running, podIP: 10.244.1.9, conditions: [{type: Ready, status: "True"}]}
`;
  for (const text of [cron + job + jobPod, cron + jobPod]) {
    const { model } = buildYaml(ns + text);
    assert.deepEqual(
      model.workloads.filter((w) => w.namespace === 'shop').map((w) => [w.key, w.podKeys]),
      [['CronJob/shop/nightly', ['Pod/shop/nightly-29410560-q7x2m']]],
    );
    assert.deepEqual(shopPods(model), ['nightly-29410560-q7x2m']);
  }
});

const refusedDeployment = deployment
  .replace('template:', 'selector: null\n  template:')
  .replace('  selector: {matchLabels: {app: web}}\n', '');

test('owner-refused: a ReplicaSet whose Deployment is refused is modeled on its own from its template, and said', () => {
  const { model, diagnostics } = buildYaml(ns + refusedDeployment + replicaSet);
  assert.ok(codes(diagnostics).includes('missing-field'));
  const said = diagnostics.find((d) => d.code === 'owner-refused');
  assert.equal(said?.object, 'ReplicaSet/shop/web-6d4cf56db6');
  assert.equal(said?.source?.line, 20); // its ownerReferences
  assert.deepEqual(
    model.workloads.filter((w) => w.namespace === 'shop').map((w) => [w.key, w.replicas]),
    [['ReplicaSet/shop/web-6d4cf56db6', 2]],
  );
  assert.equal(shopPods(model).length, 2);
});

test('owner-refused: pods of a refused Deployment stay grouped into it by ownerReferences; its ReplicaSet is folded, not expanded again', () => {
  const { model, diagnostics } = buildYaml(
    ns + refusedDeployment + replicaSet + pod('aaaaa', { ip: '10.244.1.5' }),
  );
  assert.ok(!codes(diagnostics).includes('owner-refused'));
  assert.deepEqual(
    model.workloads
      .filter((w) => w.namespace === 'shop')
      .map((w) => [w.key, w.replicasFrom, w.podKeys.length]),
    [['Deployment/shop/web', 'observed', 1]],
  );
  assert.deepEqual(shopPods(model), ['web-6d4cf56db6-aaaaa']);
});

// https://docs.k3s.io/architecture: k3s runs kube-proxy inside its server and agent processes.
test('addon kube-proxy: a k3s cluster (kubelet version +k3s) gets no kube-proxy pods; CoreDNS is still added', () => {
  const node = (name: string, version: string) =>
    `---\napiVersion: v1\nkind: Node\nmetadata: {name: ${name}}\nspec: {podCIDR: 10.42.0.0/24}\nstatus:\n  addresses: [{type: InternalIP, address: 192.168.50.10}]\n  nodeInfo: {kubeletVersion: ${version}}\n`;
  const k3s = buildYaml(ns + node('k3s-server-0', 'v1.30.4+k3s1')).model;
  assert.equal(k3s.pods.filter((p) => p.name.startsWith('kube-proxy-')).length, 0);
  assert.ok(k3s.pods.some((p) => p.name.startsWith('coredns-')));
  const kubeadm = buildYaml(ns + node('n1', 'v1.30.4')).model;
  assert.equal(kubeadm.pods.filter((p) => p.name.startsWith('kube-proxy-')).length, 1);
});
