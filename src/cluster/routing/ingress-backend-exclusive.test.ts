/**
 * An Ingress backend sets exactly one of service and resource, and a service port exactly one of number and name:
 * the API server refuses the others (IngressBackend and ServiceBackendPort,
 * https://kubernetes.io/docs/reference/kubernetes-api/service-resources/ingress-v1/#IngressBackend), so kubetwin
 * leaves such an Ingress out with an error at the backend instead of picking one in silence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';

const ingress = (backend: string) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: default}
spec:
  ingressClassName: nginx
  rules:
  - host: shop.example.com
    http: {paths: [{path: /, pathType: Prefix, backend: ${backend}}]}
`;
const build = (backend: string) => buildFromTexts([{ file: 'in.yaml', text: ingress(backend) }]);

test('rule ingress-backend-exclusive: a backend with service and resource is refused, with the error at the backend', () => {
  const { model, diagnostics } = build(
    '{service: {name: web, port: {number: 80}}, resource: {apiGroup: k8s.example.com, kind: Bucket, name: b}}',
  );
  const d = diagnostics.find((x) => x.code === 'invalid-ingress');
  assert.ok(d, JSON.stringify(diagnostics));
  assert.match(d.message, /sets both service and resource/);
  assert.equal(d.source?.line, 8);
  assert.equal(d.source?.path, 'spec.rules[0].http.paths[0].backend');
  assert.deepEqual(model.routing?.ingresses ?? [], []);
});

test('rule ingress-backend-exclusive: a service port with number and name is refused; one of them is read', () => {
  const both = build('{service: {name: web, port: {number: 80, name: http}}}');
  assert.ok(both.diagnostics.some((x) => /sets both number and name/.test(x.message)));
  assert.deepEqual(both.model.routing?.ingresses ?? [], []);
  for (const port of ['{number: 80}', '{name: http}']) {
    const one = build(`{service: {name: web, port: ${port}}}`);
    assert.deepEqual(
      one.diagnostics.filter((x) => x.code === 'invalid-ingress'),
      [],
    );
    assert.equal(one.model.routing?.ingresses.length, 1);
  }
});
