/**
 * Which Prometheus scrapes the `prometheus.io/scrape` annotations: a Prometheus configured with the annotation jobs
 * of Prometheus' example configuration (the community chart's server) does; one whose configuration the Prometheus
 * Operator generates does not — the operator's jobs come from ServiceMonitors and PodMonitors, and annotations are
 * ignored (https://github.com/prometheus-operator/kube-prometheus/discussions/599,
 * https://github.com/prometheus-operator/prometheus-operator/blob/main/pkg/prometheus/promcfg.go). Jobs a
 * Prometheus adds from `additionalScrapeConfigs` live in a Secret kubetwin does not read: discovery says so.
 * https://github.com/prometheus/prometheus/blob/main/documentation/examples/prometheus-kubernetes.yml
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { discoverFlows, targetText } from './index.ts';

const annotated = `apiVersion: v1
kind: Namespace
metadata: {name: apps}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: exporter, namespace: apps}
spec:
  selector: {matchLabels: {app: exporter}}
  template:
    metadata:
      labels: {app: exporter}
      annotations: {prometheus.io/scrape: "true", prometheus.io/port: "9102"}
    spec:
      containers: [{name: c, image: x, ports: [{name: metrics, containerPort: 9102}]}]
`;
const operated = (extra = '') => `apiVersion: v1
kind: Namespace
metadata: {name: mon}
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata: {name: k8s, namespace: mon}
spec: {serviceMonitorSelector: {}${extra}}
`;
const chartServer = `apiVersion: v1
kind: Namespace
metadata: {name: obs}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: prometheus-server, namespace: obs}
spec:
  selector: {matchLabels: {app.kubernetes.io/name: prometheus, app.kubernetes.io/component: server}}
  template:
    metadata: {labels: {app.kubernetes.io/name: prometheus, app.kubernetes.io/component: server}}
    spec:
      containers: [{name: prometheus, image: prom/prometheus, ports: [{containerPort: 9090}]}]
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

test('rule prometheus-operator-ignores-scrape-annotations: an operator-managed Prometheus is given no annotation scrape, and discovery says why', () => {
  const s = scrapes(annotated, operated());
  assert.deepEqual(s.steps, []);
  assert.ok(
    s.notes.some((n) => /managed by the Prometheus Operator.*ignores these annotations/.test(n)),
    s.notes.join('\n'),
  );
});

test('rule prometheus-operator-ignores-scrape-annotations: a Prometheus the operator does not manage (the community chart’s server) still scrapes them', () => {
  const s = scrapes(annotated, operated(), chartServer);
  assert.deepEqual(s.steps, ['obs/prometheus-server → apps/exporter:9102']);
  assert.ok(!s.notes.some((n) => /ignores these annotations/.test(n)), s.notes.join('\n'));
});

test('rule prometheus-additional-scrape-configs-unread: a Prometheus with additionalScrapeConfigs is named as possibly scraping the annotations', () => {
  const s = scrapes(
    annotated,
    operated(', additionalScrapeConfigs: {name: extra-jobs, key: prometheus-additional.yaml}'),
  );
  assert.deepEqual(s.steps, []);
  assert.ok(
    s.notes.some((n) =>
      /Prometheus mon\/k8s also runs the scrape jobs of Secret extra-jobs key prometheus-additional\.yaml.*not inferred/.test(
        n,
      ),
    ),
    s.notes.join('\n'),
  );
});
