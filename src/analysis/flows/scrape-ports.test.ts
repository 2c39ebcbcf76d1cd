/**
 * Prometheus scrapes a ServiceMonitor's endpoints at the addresses and ports of the Service's EndpointSlices, whose
 * named targetPort the EndpointSlice controller resolves per pod with podutil.FindPort: the container port with that
 * name AND the Service port's protocol (port names are unique within a container only).
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/api/v1/pod/util.go (FindPort),
 * https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.Endpoint
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { discoverFlows, targetText } from './index.ts';

const docs = `apiVersion: apps/v1
kind: Deployment
metadata: {name: prometheus, namespace: mon}
spec:
  selector: {matchLabels: {app: prometheus}}
  template:
    metadata: {labels: {app: prometheus}}
    spec: {containers: [{name: p, image: x, ports: [{name: web, containerPort: 9090}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: exporter, namespace: mon}
spec:
  selector: {matchLabels: {app: exporter}}
  template:
    metadata: {labels: {app: exporter}}
    spec:
      containers:
        - {name: statsd, image: x, ports: [{name: metrics, containerPort: 9125, protocol: UDP}]}
        - {name: http, image: x, ports: [{name: metrics, containerPort: 9102, protocol: TCP}]}
---
apiVersion: v1
kind: Service
metadata: {name: exporter, namespace: mon, labels: {app: exporter}}
spec: {selector: {app: exporter}, ports: [{name: metrics, port: 9102, protocol: TCP, targetPort: metrics}]}
---
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: exporter, namespace: mon}
spec: {selector: {matchLabels: {app: exporter}}, endpoints: [{port: metrics}]}
`;

test('rule FindPort: a ServiceMonitor endpoint whose Service port targets a named port is scraped on the container port with that name and the Service port’s protocol (TCP 9102, not the UDP 9125 of the same name)', () => {
  const model = buildFromTexts([{ file: 'in.yaml', text: docs }]).model;
  const scraped = discoverFlows(model)
    .flows.filter((f) => f.name === 'metrics scraping')
    .flatMap((f) => f.steps.map((s) => targetText(s.to)))
    .map((t) => `${t.to}:${t.port}/${t.protocol ?? 'TCP'}`);
  assert.deepEqual(scraped, ['mon/exporter:9102/TCP']);
});
