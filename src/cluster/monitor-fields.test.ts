/**
 * ServiceMonitors, PodMonitors and a Prometheus's monitor selectors are read with the field types of the Prometheus
 * Operator's API reference, like every other kind: a value of another type is `invalid-field-type` at its
 * file:line:column and field path, what the CRD's schema refuses (no spec.selector, a scheme other than http or
 * https, an interval that is no Duration, a port number out of range) is an error, the object is left out and the
 * others are still built.
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.ServiceMonitor,
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMonitor
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from './_test-helpers.ts';

const monitor = (name: string, spec: string, kind = 'ServiceMonitor') =>
  `apiVersion: monitoring.coreos.com/v1
kind: ${kind}
metadata: {name: ${name}, namespace: mon}
spec:
${spec}
`;
const good = monitor('good', '  selector: {matchLabels: {app: web}}\n  endpoints: [{port: metrics}]');

function read(yaml: string) {
  const { model, diagnostics } = buildYaml(yaml);
  return {
    errors: diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => `${d.code} ${d.source?.line}:${d.source?.column} ${d.source?.path}`),
    monitors: [...(model.monitoring?.serviceMonitors ?? []), ...(model.monitoring?.podMonitors ?? [])].map(
      (m) => m.key,
    ),
    model,
  };
}

test('ServiceMonitor fields have the types of the API reference: endpoints: {} and port: 8080 are invalid-field-type at their line; the monitor is left out, the others kept', () => {
  const map = read(`${good}---\n${monitor('bad', '  selector: {}\n  endpoints: {}')}`);
  assert.deepEqual(map.errors, ['invalid-field-type 13:3 spec.endpoints']);
  assert.deepEqual(map.monitors, ['ServiceMonitor/mon/good']);
  assert.ok(!map.model.others.some((o) => o.key === 'ServiceMonitor/mon/bad'));
  const port = read(monitor('bad', '  selector: {}\n  endpoints: [{port: 8080}]'));
  assert.deepEqual(port.errors, ['invalid-field-type 6:16 spec.endpoints[0].port']);
  const any = read(monitor('bad', '  selector: {}\n  namespaceSelector: {any: "yes"}'));
  assert.deepEqual(any.errors, ['invalid-field-type 6:23 spec.namespaceSelector.any']);
  const names = read(monitor('bad', '  selector: {}\n  namespaceSelector: {matchNames: web}'));
  assert.deepEqual(names.errors, ['invalid-field-type 6:23 spec.namespaceSelector.matchNames']);
});

test('the CRD schema: spec.selector is required, scheme is http or https, interval is a Duration, portNumber is 1-65535; a malformed selector is refused', () => {
  assert.deepEqual(read(monitor('m', '  endpoints: [{port: metrics}]')).errors, [
    'missing-field 4:1 spec.selector',
  ]);
  assert.deepEqual(read(monitor('m', '  selector: {}\n  endpoints: [{port: m, scheme: ftp}]')).errors, [
    'invalid-field 6:25 spec.endpoints[0].scheme',
  ]);
  assert.deepEqual(read(monitor('m', '  selector: {}\n  endpoints: [{port: m, interval: 30 sec}]')).errors, [
    'invalid-field 6:25 spec.endpoints[0].interval',
  ]);
  assert.deepEqual(
    read(monitor('m', '  selector: {}\n  endpoints: [{port: m, interval: 1m30s}]')).errors,
    [],
  );
  assert.deepEqual(
    read(monitor('m', '  selector: {}\n  podMetricsEndpoints: [{portNumber: 70000}]', 'PodMonitor')).errors,
    ['invalid-port 6:26 spec.podMetricsEndpoints[0].portNumber'],
  );
  assert.deepEqual(
    read(monitor('m', '  selector: {matchExpressions: [{key: app, operator: In}]}', 'PodMonitor')).errors,
    ['invalid-selector 5:33 spec.selector.matchExpressions[0].values'],
  );
});

test('what is read: selector, namespaceSelector, jobLabel and per endpoint port, targetPort, scheme, path, interval; relabelings counted', () => {
  const { model } = read(
    monitor(
      'm',
      '  jobLabel: app\n  selector: {matchLabels: {app: web}}\n  namespaceSelector: {matchNames: [a, b]}\n  endpoints: [{port: metrics, targetPort: 9102, scheme: https, path: /m, interval: 30s, relabelings: [{action: drop}, {targetLabel: instance}]}]',
    ),
  );
  const m = model.monitoring!.serviceMonitors[0];
  assert.equal(m.jobLabel, 'app');
  assert.deepEqual(m.namespaceSelector, { any: false, matchNames: ['a', 'b'] });
  assert.deepEqual(m.endpoints, [
    { port: 'metrics', targetPort: 9102, scheme: 'https', path: '/m', interval: '30s', relabelings: 1 },
  ]);
});

test('a Prometheus keeps its monitor selectors: null selects no monitor (absent), {} every one; none of the four selectors is unmanaged', () => {
  const prom = (spec: string) =>
    `apiVersion: monitoring.coreos.com/v1\nkind: Prometheus\nmetadata: {name: k8s, namespace: mon}\nspec: ${spec}\n`;
  const some = read(
    prom('{serviceMonitorSelector: {matchLabels: {team: a}}, podMonitorNamespaceSelector: {}}'),
  );
  const p = some.model.monitoring!.prometheuses[0];
  assert.deepEqual(
    p.serviceMonitorSelector?.requirements.map((r) => r.key),
    ['team'],
  );
  assert.equal(p.podMonitorSelector, undefined);
  assert.deepEqual(p.podMonitorNamespaceSelector, { requirements: [] });
  assert.equal(p.unmanaged, false);
  assert.equal(read(prom('{replicas: 1}')).model.monitoring!.prometheuses[0].unmanaged, true);
  assert.deepEqual(read(prom('{serviceMonitorSelector: []}')).errors, [
    'invalid-field-type 4:8 spec.serviceMonitorSelector',
  ]);
});
