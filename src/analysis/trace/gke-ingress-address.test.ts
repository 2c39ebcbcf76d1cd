/**
 * A GKE Ingress (`kubernetes.io/ingress.class: gce` or `gce-internal`) gets its own Application Load Balancer at the
 * address in its status; a backend Service annotated `cloud.google.com/neg: '{"ingress": true}'` is served through
 * network endpoint groups (the pod addresses directly), any other through the nodes' NodePort
 * (https://cloud.google.com/kubernetes-engine/docs/how-to/container-native-load-balancing,
 * https://cloud.google.com/kubernetes-engine/docs/concepts/ingress). Rule `gke-ingress-neg`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { traceOn } from './_test-fixtures.ts';

const app = (o: { cls?: string; neg?: boolean; svcType?: string; path?: string } = {}) => `
apiVersion: v1
kind: Pod
metadata: {name: web-1, labels: {app: web}}
spec: {nodeName: node-1, containers: [{name: web, image: nginx, ports: [{containerPort: 8080}]}]}
status: {podIP: 10.244.1.5, phase: Running}
---
apiVersion: v1
kind: Service
metadata: {name: web${o.neg ? `, annotations: {cloud.google.com/neg: '{"ingress": true}'}` : ''}}
spec: {type: ${o.svcType ?? 'ClusterIP'}, selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, annotations: {kubernetes.io/ingress.class: ${o.cls ?? 'gce'}}}
spec:
  rules: [{http: {paths: [{path: ${o.path ?? '/'}, pathType: ${o.path ? 'ImplementationSpecific' : 'Prefix'}, backend: {service: {name: web, port: {number: 80}}}}]}}]
status: {loadBalancer: {ingress: [{ip: 198.51.100.80}]}}
`;
const internet = { kind: 'ip', ip: '203.0.113.7' } as const;
const text = (t: ReturnType<typeof traceOn>) => t.hops.flatMap((h) => [h.title, ...h.details]).join('\n');

test('rule gke-ingress-neg: a NEG backend is reached at the pod addresses, from the Google Front Ends', () => {
  const t = traceOn(app({ neg: true }), internet, 'http://198.51.100.80/');
  assert.equal(t.outcome, 'delivered', text(t));
  assert.deepEqual(
    t.delivered.map((d) => `${d.ip}:${d.port}`),
    ['10.244.1.5:8080'],
  );
  assert.match(text(t), /network endpoint group \(ip\) → pod addresses of Service default\/web/);
  assert.match(text(t), /130\.211\.0\.0\/22, 35\.191\.0\.0\/16/);
});

test('rule gke-ingress-neg: without NEG the backend needs a NodePort; a ClusterIP Service fails', () => {
  const t = traceOn(app(), internet, 'http://198.51.100.80/');
  assert.equal(t.outcome, 'failed');
  assert.match(t.failure?.reason ?? '', /GKE needs a NodePort/);
  const np = traceOn(app({ svcType: 'NodePort' }), internet, 'http://198.51.100.80/');
  assert.equal(np.outcome, 'delivered');
  assert.match(text(np), /instance group \(instance\) → nodes at nodePort/);
});

test('rule gke-ingress-neg: gce-internal is internal to the VPC: a public client is denied', () => {
  const t = traceOn(app({ cls: 'gce-internal', neg: true }), internet, 'http://198.51.100.80/');
  assert.equal(t.outcome, 'failed');
  assert.match(t.failure?.reason ?? '', /is internal \(kubernetes\.io\/ingress\.class: gce-internal\)/);
  assert.equal(
    traceOn(
      app({ cls: 'gce-internal', neg: true }),
      { kind: 'ip', ip: '10.128.0.9' },
      'http://198.51.100.80/',
    ).outcome,
    'delivered',
  );
});

test("rule gke-ingress-neg: an ImplementationSpecific path is GKE's own reading: the route is unknown", () => {
  const t = traceOn(app({ neg: true, path: '/app' }), internet, 'http://198.51.100.80/app/x');
  assert.match(t.unknown?.join('\n') ?? '', /ImplementationSpecific path, which GKE reads its own way/);
});

test('rule gke-ingress-neg: another class at an Ingress address is named, and unknown', () => {
  const t = traceOn(app({ cls: 'azure/application-gateway', neg: true }), internet, 'http://198.51.100.80/');
  assert.equal(t.outcome, 'failed');
  assert.match(
    t.unknown?.join('\n') ?? '',
    /load-balancer address of Ingress default\/web \(class azure\/application-gateway/,
  );
});
