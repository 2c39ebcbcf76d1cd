/**
 * Linkerd ServiceProfiles: the first route whose condition matches gives the timeout (10s by default) and
 * retries (isRetryable); fields Linkerd does not define are reported. https://linkerd.io/2.15/reference/service-profiles/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { clientPod, compileMesh } from './index.ts';

// The ServiceProfile of reference document 004 ("Linkerd Integration"), with the Service it names.
const text = `apiVersion: v1
kind: Namespace
metadata: {name: production, annotations: {linkerd.io/inject: enabled}}
---
apiVersion: v1
kind: Service
metadata: {name: backend, namespace: production}
spec: {selector: {app: backend}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: backend, namespace: production}
spec:
  selector: {matchLabels: {app: backend}}
  template: {metadata: {labels: {app: backend}}, spec: {containers: [{name: c, image: x, ports: [{containerPort: 8080}]}]}}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: production}
spec: {containers: [{name: c, image: x}]}
---
apiVersion: linkerd.io/v1alpha2
kind: ServiceProfile
metadata:
  name: backend.production.svc.cluster.local
  namespace: production
spec:
  routes:
  - name: GET /api/users
    condition:
      method: GET
      pathRegex: /api/users
    responseClasses:
    - condition:
        status:
          min: 500
          max: 599
      isFailure: true
    retries:
      maxAttempts: 3
      timeout: 10s
  - name: POST /api/orders
    condition: {all: [{method: POST}, {pathRegex: '/api/orders/[^/]*'}]}
    timeout: 300ms
    isRetryable: true
`;
const { model, diagnostics } = buildFromTexts([{ file: 'in.yaml', text }], {
  profile: {
    file: 'k.yaml',
    text: 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmesh: {name: linkerd}\n',
  },
});

const route = (method: string, path: string) => {
  const pod = clientPod(model, 'production/web');
  assert.ok(typeof pod !== 'string');
  const d = compileMesh(model).route(
    { scheme: 'http', host: 'backend', port: 80, path, query: [], method, headers: { host: 'backend' } },
    pod,
  );
  assert.ok(typeof d !== 'string');
  return d;
};

test("reference document 004's retries block is not a ServiceProfile field: a warning at its line", () => {
  const d = diagnostics.find((x) => x.code === 'serviceprofile-unknown-field');
  assert.ok(d, JSON.stringify(diagnostics));
  assert.equal(d.source?.line, 39);
  assert.match(d.message, /isRetryable/);
});

test('the first matching route gives timeout and retries: default 10s and none, or its own', () => {
  const users = route('GET', '/api/users');
  assert.equal(users.timeout, '10s (Linkerd default)');
  assert.equal(users.retries, 'none (isRetryable not set)');
  assert.ok(users.notes.some((n) => n.includes('route "GET /api/users"')));
  const orders = route('POST', '/api/orders/42');
  assert.equal(orders.timeout, '300ms');
  assert.match(orders.retries ?? '', /isRetryable/);
  assert.equal(route('GET', '/api/users/7').timeout, undefined, 'pathRegex matches the whole path');
});
