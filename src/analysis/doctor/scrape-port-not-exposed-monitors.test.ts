/**
 * doctor's scrape-port-not-exposed for the Prometheus Operator's monitors, read from the typed model: a
 * ServiceMonitor's endpoints[].port is the Service port *name*; a PodMonitor's podMetricsEndpoints[].port the
 * container port name ("If the pod doesn't expose a port with the same name, it will result in no targets being
 * discovered"); a selector that picks nothing scrapes nothing.
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.Endpoint,
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PodMetricsEndpoint
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { runDoctor } from './index.ts';

const app = `apiVersion: v1
kind: Service
metadata: {name: web, namespace: default, labels: {app: web}}
spec: {selector: {app: web}, ports: [{name: http, port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: default, labels: {app: web}}
spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}, {name: metrics, containerPort: 9090}]}]}
`;
const monitor = (kind: string, spec: string) =>
  `---\napiVersion: monitoring.coreos.com/v1\nkind: ${kind}\nmetadata: {name: m, namespace: default}\nspec: ${spec}\n`;
const messages = (yaml: string) =>
  runDoctor(buildYaml(yaml).model)
    .filter((f) => f.code === 'scrape-port-not-exposed')
    .map((f) => f.message);

test('rule podmonitor-port-names-a-container-port: a PodMonitor port no selected pod names is reported; one it names is not', () => {
  assert.deepEqual(
    messages(
      app +
        monitor('PodMonitor', '{selector: {matchLabels: {app: web}}, podMetricsEndpoints: [{port: prom}]}'),
    ),
    [
      'PodMonitor default/m podMetricsEndpoints[0] scrapes port "prom", which no container of the selected pods names (ports: http, metrics)',
    ],
  );
  assert.deepEqual(
    messages(
      app +
        monitor(
          'PodMonitor',
          '{selector: {matchLabels: {app: web}}, podMetricsEndpoints: [{port: metrics}]}',
        ),
    ),
    [],
  );
  assert.deepEqual(messages(app + monitor('PodMonitor', '{selector: {matchLabels: {app: nope}}}')), [
    'PodMonitor default/m selects no pod (selector on pod labels, in default)',
  ]);
});

test('rule servicemonitor-port-is-the-service-port-name: the container port name (metrics) is not a Service port name; matchExpressions are honoured', () => {
  assert.deepEqual(
    messages(
      app + monitor('ServiceMonitor', '{selector: {matchLabels: {app: web}}, endpoints: [{port: metrics}]}'),
    ),
    [
      'ServiceMonitor default/m endpoints[0] scrapes port "metrics", which default/web does not expose (ports: http)',
    ],
  );
  assert.deepEqual(
    messages(
      app +
        monitor(
          'ServiceMonitor',
          '{selector: {matchExpressions: [{key: app, operator: NotIn, values: [web]}]}, endpoints: [{port: http}]}',
        ),
    ),
    // NotIn [web] picks the Services without app=web: default/kubernetes, which has no port named http.
    [
      'ServiceMonitor default/m endpoints[0] scrapes port "http", which default/kubernetes does not expose (ports: https)',
    ],
  );
});
