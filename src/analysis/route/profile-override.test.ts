/** The controller behaviour profile comes from the cluster profile's `ingressControllers` when set (issue #5, 5.1). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter, parseRequest } from './index.ts';

const manifests = `apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: edge}
spec: {controller: traefik.io/ingress-controller}
---
apiVersion: v1
kind: Service
metadata: {name: a}
spec: {selector: {app: a}, ports: [{port: 80}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i}
spec:
  ingressClassName: edge
  rules:
  - host: foo.example.com
    http: {paths: [{path: /v1, pathType: Prefix, backend: {service: {name: a, port: {number: 80}}}}]}
`;

test('ingressControllers in the cluster profile overrides the profile the IngressClass controller implies', () => {
  const req = parseRequest({ url: 'http://foo.example.com/v11' });
  assert.ok(typeof req !== 'string');
  const traefik = buildFromTexts([{ file: 'in.yaml', text: manifests }]).model;
  const r1 = compileRouter(traefik, { via: { kind: 'ingress-class', name: 'edge' } });
  assert.ok(typeof r1 !== 'string');
  assert.deepEqual(
    [r1.profile, r1.decide(req).status],
    ['traefik', 200],
    'Traefik: /v1 is a string prefix of /v11',
  );
  const profile = {
    file: 'kubetwin.yaml',
    text: 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ningressControllers: {edge: spec}\n',
  };
  const spec = buildFromTexts([{ file: 'in.yaml', text: manifests }], { profile }).model;
  const r2 = compileRouter(spec, { via: { kind: 'ingress-class', name: 'edge' } });
  assert.ok(typeof r2 !== 'string');
  assert.deepEqual([r2.profile, r2.decide(req).status], ['spec', 404], 'spec: Prefix matches element-wise');
});

test('ingressControllers with an unknown profile is an invalid-profile diagnostic at its line', () => {
  const profile = {
    file: 'kubetwin.yaml',
    text: 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\ningressControllers:\n  edge: haproxy\n',
  };
  const { diagnostics, model } = buildFromTexts([{ file: 'in.yaml', text: manifests }], { profile });
  const d = diagnostics.find((x) => x.message.includes('ingressControllers.edge'));
  assert.ok(d, JSON.stringify(diagnostics));
  assert.equal(d.source?.line, 4);
  assert.equal(model.profile.ingressControllers, undefined);
});
