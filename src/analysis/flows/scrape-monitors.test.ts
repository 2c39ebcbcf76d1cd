/**
 * The scrapes a ServiceMonitor or a PodMonitor makes, as the Prometheus Operator's generated scrape jobs keep them
 * (pkg/prometheus/promcfg.go generateServiceMonitorConfig, generatePodMonitorConfig; getNamespacesFromNamespaceSelector),
 * and which Prometheus makes them (PrometheusSpec serviceMonitorSelector, podMonitorSelector and their namespace
 * selectors: null selects no monitor / only the Prometheus's own namespace, {} every one).
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.Endpoint,
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMetricsEndpoint,
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusSpec
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { discoverFlows, targetText } from './index.ts';

const exporter = (ns = 'apps') => `apiVersion: v1
kind: Namespace
metadata: {name: ${ns}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: exporter, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: exporter}}
  template:
    metadata: {labels: {app: exporter}}
    spec:
      containers:
        - name: c
          image: x
          ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9102}, {name: admin, containerPort: 9999}]
---
apiVersion: v1
kind: Service
metadata: {name: exporter, namespace: ${ns}, labels: {app: exporter}}
spec: {selector: {app: exporter}, ports: [{name: web, port: 80, targetPort: http}, {name: metrics, port: 9102, targetPort: metrics}]}
`;
const prometheus = (
  spec = 'serviceMonitorSelector: {}, serviceMonitorNamespaceSelector: {}, podMonitorSelector: {}, podMonitorNamespaceSelector: {}',
) =>
  `apiVersion: v1
kind: Namespace
metadata: {name: mon}
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: mon}
spec: {${spec}}
`;
const monitor = (spec: string, kind = 'ServiceMonitor', ns = 'apps', labels = '{}') =>
  `apiVersion: monitoring.coreos.com/v1
kind: ${kind}
metadata: {name: m, namespace: ${ns}, labels: ${labels}}
spec: ${spec}
`;

function scrapes(...docs: string[]) {
  const { model } = buildFromTexts([{ file: 'in.yaml', text: docs.join('---\n') }]);
  const d = discoverFlows(model);
  return {
    steps: d.flows
      .filter((f) => f.name === 'metrics scraping')
      .flatMap((f) =>
        f.steps.map((s) => `${s.text.split(' → ')[0]} → ${targetText(s.to).to}:${targetText(s.to).port}`),
      ),
    notes: d.notes.map((n) => n.text),
  };
}

test('rule servicemonitor-port-takes-precedence: endpoints[].port (the Service port name) wins over targetPort', () => {
  const s = scrapes(
    exporter(),
    prometheus(),
    monitor('{selector: {matchLabels: {app: exporter}}, endpoints: [{port: metrics, targetPort: 9999}]}'),
  );
  assert.deepEqual(s.steps, ['mon/prometheus-k8s → apps/exporter:9102']);
});

test('rule servicemonitor-targetport: without port, a targetPort name or number keeps the pod container port so named or numbered', () => {
  const byName = scrapes(
    exporter(),
    prometheus(),
    monitor('{selector: {matchLabels: {app: exporter}}, endpoints: [{targetPort: admin}]}'),
  );
  assert.deepEqual(byName.steps, ['mon/prometheus-k8s → apps/exporter:9999']);
  const byNumber = scrapes(
    exporter(),
    prometheus(),
    monitor('{selector: {matchLabels: {app: exporter}}, endpoints: [{targetPort: 8080}]}'),
  );
  assert.deepEqual(byNumber.steps, ['mon/prometheus-k8s → apps/exporter:8080']);
  // A number no container declares keeps nothing.
  assert.deepEqual(
    scrapes(
      exporter(),
      prometheus(),
      monitor('{selector: {matchLabels: {app: exporter}}, endpoints: [{targetPort: 7000}]}'),
    ).steps,
    [],
  );
});

test('rule servicemonitor-namespace-selector: no namespaceSelector is the monitor’s own namespace; matchNames and any widen it', () => {
  const sel = (ns: string) => `{selector: {matchLabels: {app: exporter}}${ns}, endpoints: [{port: metrics}]}`;
  assert.deepEqual(
    scrapes(exporter('apps'), prometheus(), monitor(sel(''), 'ServiceMonitor', 'mon')).steps,
    [],
  );
  assert.deepEqual(
    scrapes(
      exporter('apps'),
      prometheus(),
      monitor(sel(', namespaceSelector: {matchNames: [apps]}'), 'ServiceMonitor', 'mon'),
    ).steps,
    ['mon/prometheus-k8s → apps/exporter:9102'],
  );
  assert.deepEqual(
    scrapes(
      exporter('apps'),
      prometheus(),
      monitor(sel(', namespaceSelector: {any: true}'), 'ServiceMonitor', 'mon'),
    ).steps,
    ['mon/prometheus-k8s → apps/exporter:9102'],
  );
  // ignoreNamespaceSelectors on the Prometheus: the monitor's own namespace only.
  assert.deepEqual(
    scrapes(
      exporter('apps'),
      prometheus(
        'serviceMonitorSelector: {}, serviceMonitorNamespaceSelector: {}, ignoreNamespaceSelectors: true',
      ),
      monitor(sel(', namespaceSelector: {any: true}'), 'ServiceMonitor', 'mon'),
    ).steps,
    [],
  );
});

test('rule prometheus-servicemonitor-selector: only a Prometheus whose serviceMonitorSelector and namespace selector pick the monitor scrapes it (null selects none; a null namespace selector is its own namespace)', () => {
  const m = monitor(
    '{selector: {matchLabels: {app: exporter}}, endpoints: [{port: metrics}]}',
    'ServiceMonitor',
    'apps',
    '{team: a}',
  );
  const picked = scrapes(
    exporter(),
    prometheus('serviceMonitorSelector: {matchLabels: {team: a}}, serviceMonitorNamespaceSelector: {}'),
    m,
  );
  assert.deepEqual(picked.steps, ['mon/prometheus-k8s → apps/exporter:9102']);
  const other = scrapes(
    exporter(),
    prometheus('serviceMonitorSelector: {matchLabels: {team: b}}, serviceMonitorNamespaceSelector: {}'),
    m,
  );
  assert.deepEqual(other.steps, []);
  assert.ok(other.notes.some((n) => /ServiceMonitor apps\/m: no Prometheus in the input selects it/.test(n)));
  // serviceMonitorNamespaceSelector null: the Prometheus's own namespace (mon) only.
  assert.deepEqual(scrapes(exporter(), prometheus('serviceMonitorSelector: {}'), m).steps, []);
  // Selected, but no pod of that Prometheus in the input (replicas: 0): said, not inferred.
  const noPods = scrapes(
    exporter(),
    prometheus('serviceMonitorSelector: {}, serviceMonitorNamespaceSelector: {}, replicas: 0'),
    m,
  );
  assert.deepEqual(noPods.steps, []);
  assert.ok(noPods.notes.some((n) => /input has none of its pods/.test(n)));
  // No monitor selector at all: unmanaged, nothing inferred, and said.
  const unmanaged = scrapes(exporter(), prometheus('replicas: 1'), m);
  assert.deepEqual(unmanaged.steps, []);
  assert.ok(unmanaged.notes.some((n) => /operator does not manage its configuration/.test(n)));
});

test('rule podmonitor-port: a PodMonitor scrapes the selected pods on the container port named port, else numbered portNumber; none named: every declared port', () => {
  const pm = (ep: string) =>
    monitor(`{selector: {matchLabels: {app: exporter}}, podMetricsEndpoints: [${ep}]}`, 'PodMonitor');
  assert.deepEqual(scrapes(exporter(), prometheus(), pm('{port: metrics}')).steps, [
    'mon/prometheus-k8s → apps/exporter:9102',
  ]);
  assert.deepEqual(scrapes(exporter(), prometheus(), pm('{port: metrics, portNumber: 9999}')).steps, [
    'mon/prometheus-k8s → apps/exporter:9102',
  ]);
  assert.deepEqual(scrapes(exporter(), prometheus(), pm('{portNumber: 9999}')).steps, [
    'mon/prometheus-k8s → apps/exporter:9999',
  ]);
  assert.deepEqual(scrapes(exporter(), prometheus(), pm('{port: nope}')).steps, []);
  assert.deepEqual(scrapes(exporter(), prometheus(), pm('{}')).steps, [
    'mon/prometheus-k8s → apps/exporter:8080',
    'mon/prometheus-k8s → apps/exporter:9102',
    'mon/prometheus-k8s → apps/exporter:9999',
  ]);
});
