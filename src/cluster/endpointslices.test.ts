import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from './_test-helpers.ts';

const pod = (name: string, ports: string, extra = '', status = '') =>
  `---\napiVersion: v1\nkind: Pod\nmetadata: {name: ${name}, labels: {app: web}${extra}}\nspec: {containers: [{name: c, ports: ${ports}}]}\n${status}`;
const svc = (spec: string) =>
  `---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n${spec}\n`;
const slicesOf = (text: string) =>
  buildYaml(text).model.endpointSlices.filter((s) => s.serviceName === 'web');

test('EndpointSlice: a named targetPort is resolved per pod; pods resolving to different ports go to different slices', () => {
  const text =
    pod('a', '[{name: http, containerPort: 8080}]') +
    pod('b', '[{name: http, containerPort: 9090}]') +
    svc('  ports: [{port: 80, targetPort: http}]');
  const slices = slicesOf(text);
  assert.deepEqual(
    slices
      .map((s) => s.ports.map((p) => p.port))
      .flat()
      .sort(),
    [8080, 9090],
  );
  assert.ok(slices.every((s) => s.endpoints.length === 1));
});

test('EndpointSlice: a pod without the named port is left out of that port only', () => {
  const text =
    pod('a', '[{name: http, containerPort: 8080}]') +
    pod('b', '[{containerPort: 1}]') +
    svc('  ports: [{name: web, port: 80, targetPort: http}, {name: raw, port: 81, targetPort: 81}]');
  const slices = slicesOf(text);
  const b = slices.find((s) => s.endpoints.some((e) => e.targetRef === 'Pod/default/b'))!;
  assert.deepEqual(
    b.ports.map((p) => p.name),
    ['raw'],
  );
});

test('EndpointSlice conditions: ready = serving and not terminating; serving = pod ready; terminating = deletionTimestamp', () => {
  const text =
    pod('ok', '[{containerPort: 80}]') +
    pod(
      'notready',
      '[{containerPort: 80}]',
      '',
      'status: {phase: Running, conditions: [{type: Ready, status: "False"}]}\n',
    ) +
    pod('leaving', '[{containerPort: 80}]', ', deletionTimestamp: "2026-01-01T00:00:00Z"') +
    svc('  ports: [{port: 80}]');
  const eps = slicesOf(text).flatMap((s) => s.endpoints);
  const cond = (p: string) => eps.find((e) => e.targetRef === `Pod/default/${p}`)!.conditions;
  assert.deepEqual(cond('ok'), { ready: true, serving: true, terminating: false });
  assert.deepEqual(cond('notready'), { ready: false, serving: false, terminating: false });
  assert.deepEqual(cond('leaving'), { ready: false, serving: true, terminating: true });
});

test('publishNotReadyAddresses makes every endpoint ready', () => {
  const text =
    pod(
      'notready',
      '[{containerPort: 80}]',
      '',
      'status: {phase: Running, conditions: [{type: Ready, status: "False"}]}\n',
    ) + svc('  publishNotReadyAddresses: true\n  ports: [{port: 80}]');
  assert.equal(slicesOf(text)[0].endpoints[0].conditions.ready, true);
});

test('finished pods (Succeeded/Failed) are not endpoints', () => {
  const text =
    pod('done', '[{containerPort: 80}]', '', 'status: {phase: Succeeded}\n') + svc('  ports: [{port: 80}]');
  assert.equal(slicesOf(text).flatMap((s) => s.endpoints).length, 0);
});

test("hostname is set on an endpoint when the pod's subdomain names the Service", () => {
  const sts = `---\napiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db}\nspec:\n  serviceName: web\n  replicas: 1\n  selector: {matchLabels: {app: web}}\n  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c}]}}\n`;
  const eps = slicesOf(sts + svc('  clusterIP: None')).flatMap((s) => s.endpoints);
  assert.deepEqual(
    eps.map((e) => e.hostname),
    ['db-0'],
  );
});

test('at most 100 endpoints per slice', () => {
  const deploy = `---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: big}\nspec:\n  replicas: 150\n  selector: {matchLabels: {app: web}}\n  template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c}]}}\n`;
  const slices = slicesOf(deploy + svc('  ports: [{port: 80}]'));
  assert.deepEqual(
    slices.map((s) => s.endpoints.length).sort((a, b) => a - b),
    [50, 100],
  );
});

test('selector-less Services: manual EndpointSlices are kept and Endpoints are mirrored', () => {
  const text = `---\napiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec: {ports: [{port: 5432}]}\n---\napiVersion: v1\nkind: Endpoints\nmetadata: {name: ext}\nsubsets: [{addresses: [{ip: 192.0.2.10}], notReadyAddresses: [{ip: 192.0.2.11}], ports: [{port: 5432}]}]\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: ext-manual, labels: {kubernetes.io/service-name: ext}}\naddressType: IPv4\nendpoints: [{addresses: [192.0.2.20]}]\nports: [{port: 5432}]\n`;
  const slices = buildYaml(text).model.endpointSlices.filter((s) => s.serviceName === 'ext');
  assert.deepEqual(slices.map((s) => s.managedBy).sort(), [
    'endpointslicemirroring-controller.k8s.io',
    'manual',
  ]);
  const mirrored = slices.find((s) => s.managedBy.startsWith('endpointslicemirroring'))!;
  assert.deepEqual(
    mirrored.endpoints.map((e) => [e.addresses[0], e.conditions.ready]),
    [
      ['192.0.2.10', true],
      ['192.0.2.11', false],
    ],
  );
});

test('an Endpoints without addresses is mirrored into no EndpointSlice, and says so (fuzz seed 20261204 index 292523)', () => {
  // The mirroring controller (kubernetes/pkg/controller/endpointslicemirroring) writes slices per subset address;
  // none for an empty Endpoints. The object must still be named, never dropped in silence.
  const text = `---\napiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec: {ports: [{port: 5432}]}\n---\napiVersion: v1\nkind: Endpoints\nmetadata: {name: ext}\nsubsets:\n`;
  const built = buildYaml(text);
  assert.equal(built.model.endpointSlices.filter((s) => s.serviceName === 'ext').length, 0);
  const said = built.diagnostics.filter((d) => d.code === 'endpoints-not-mirrored');
  assert.equal(said.length, 1);
  assert.match(said[0]!.message, /no addresses/);
});

test('trafficDistribution PreferClose sets zone hints on endpoints', () => {
  const text =
    pod('a', '[{containerPort: 80}]') + svc('  trafficDistribution: PreferClose\n  ports: [{port: 80}]');
  assert.deepEqual(slicesOf(text)[0].endpoints[0].hints, { forZones: ['zone-a'] });
});

test('EndpointSlice: endpoints with the same conditions share one conditions object, with the same values as before', () => {
  // Design note 0006, Decision 14: one object per combination (an endpoint per selected pod otherwise made one).
  const text =
    pod('a', '[{containerPort: 8080}]') +
    pod('b', '[{containerPort: 8080}]') +
    pod('c', '[{containerPort: 8080}]', ', deletionTimestamp: "2026-01-01T00:00:00Z"') +
    svc('  ports: [{port: 80, targetPort: 8080}]');
  const endpoints = slicesOf(text).flatMap((s) => s.endpoints);
  const of = (name: string) => endpoints.find((e) => e.targetRef === `Pod/default/${name}`)!;
  assert.deepEqual(of('a').conditions, { ready: true, serving: true, terminating: false });
  assert.equal(of('a').conditions, of('b').conditions);
  assert.deepEqual(of('c').conditions, { ready: false, serving: true, terminating: true });
  assert.notEqual(of('a').conditions, of('c').conditions);
  assert.ok(Object.isFrozen(of('a').conditions));
});

test('rule trafficdist-prefer-close-heuristic: PreferSameNode hints a ready endpoint for its zone and node, a not-ready one for nothing', () => {
  // staging/src/k8s.io/endpointslice/trafficdist/trafficdist.go preferCloseHeuristic.update
  const text =
    pod('a', '[{containerPort: 80}]') +
    pod('b', '[{containerPort: 80}]', '', 'status: {conditions: [{type: Ready, status: "False"}]}\n') +
    svc('  trafficDistribution: PreferSameNode\n  ports: [{port: 80}]');
  const endpoints = slicesOf(text).flatMap((s) => s.endpoints);
  const byReady = endpoints.map((e) => [e.conditions.ready, e.hints]);
  assert.deepEqual(
    byReady.find(([ready]) => ready),
    [
      true,
      {
        forZones: [endpoints.find((e) => e.conditions.ready)!.zone],
        forNodes: [endpoints.find((e) => e.conditions.ready)!.nodeName],
      },
    ],
  );
  assert.deepEqual(
    byReady.find(([ready]) => !ready),
    [false, undefined],
  );
});

test('rule topology-mode-auto: the topology cache, not trafficDistribution, writes the hints; kubetwin computes none', () => {
  // reconciler.go: hintsEnabled(annotations) takes precedence over spec.trafficDistribution.
  const text =
    pod('a', '[{containerPort: 80}]') +
    svc('  trafficDistribution: PreferClose\n  ports: [{port: 80}]').replace(
      'metadata: {name: web}',
      'metadata: {name: web, annotations: {service.kubernetes.io/topology-mode: Auto}}',
    );
  assert.equal(slicesOf(text)[0].endpoints[0].hints, undefined);
});
