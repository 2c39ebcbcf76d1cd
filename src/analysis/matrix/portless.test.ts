/**
 * A pod that backs a Service but declares no containerPort still listens where the Service sends (containerPort is
 * informational: https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#ports). Cilium's
 * star wars deathstar is such a pod (examples/star-wars/http-sw-app.yaml): the matrix names it instead of showing
 * an empty column silently.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildYaml } from '../../cluster/_test-helpers.ts';
import { PolicyEngine } from '../policy/index.ts';
import { computeMatrix } from './index.ts';

const app = (ports: string) => `apiVersion: v1
kind: Service
metadata: {name: deathstar}
spec: {ports: [{port: 80}], selector: {class: deathstar}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: deathstar}
spec:
  replicas: 2
  selector: {matchLabels: {class: deathstar}}
  template:
    metadata: {labels: {class: deathstar}}
    spec: {containers: [{name: d, image: x${ports}}]}
---
apiVersion: v1
kind: Pod
metadata: {name: xwing}
spec: {containers: [{name: s, image: x}]}
`;
const portless = (yaml: string, ports?: { port: number; protocol: 'TCP' }[]) =>
  computeMatrix(new PolicyEngine(buildYaml(yaml).model), { by: 'workload', ports }).warnings.filter((w) =>
    w.includes('containerPort'),
  );

test('a Service backend without a containerPort is named with the ports its Service sends, clients are not', () => {
  assert.deepEqual(portless(app('')), [
    '1 destination(s) back a Service but declare no containerPort, so their columns list no port although their pods listen where the Service sends: default/deathstar (80/TCP); ask with --port 80/TCP',
  ]);
});

test('no portless note when the backend declares its port or the ports are asked with --port', () => {
  assert.deepEqual(portless(app(', ports: [{containerPort: 80}]')), []);
  assert.deepEqual(portless(app(''), [{ port: 80, protocol: 'TCP' }]), []);
});
