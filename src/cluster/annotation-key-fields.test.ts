/**
 * A label or annotation key carries a DNS prefix with dots (`k3s.io/node-args`,
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set): the
 * catalogue writes it whole in brackets and the builder says it partly models it when an object holds it, as for
 * any other field below `modeled`. Split on every dot, the key was never found and the note never said.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalogueSegments, keyPatternMatches } from '../model/catalogue-path.ts';
import { fields } from '../model/catalogue.ts';
import { buildYaml } from './_test-helpers.ts';

const unmodeled = (yaml: string) =>
  buildYaml(yaml)
    .diagnostics.filter((d) => d.code === 'field-not-modeled')
    .map((d) => `${d.severity} ${d.message.split(' is ')[0]} ${d.source?.line ?? ''}`)
    .sort();

test('catalogueSegments: a bracketed key stays whole, dots elsewhere split, * stays a list item', () => {
  assert.deepEqual(catalogueSegments('metadata.annotations["k3s.io/node-args"]'), [
    'metadata',
    'annotations',
    'k3s.io/node-args',
  ]);
  assert.deepEqual(catalogueSegments('spec.ports.*.appProtocol'), ['spec', 'ports', '*', 'appProtocol']);
  assert.deepEqual(catalogueSegments('a["x.y"].b'), ['a', 'x.y', 'b']);
  assert.throws(() => catalogueSegments('a["x.y'), /unclosed/);
});

test('rule label-and-annotation-keys-are-whole: every catalogue row on a label or annotation names one whole key', () => {
  for (const f of fields) {
    const segs = catalogueSegments(f.path);
    if (segs[0] !== 'metadata' || (segs[1] !== 'labels' && segs[1] !== 'annotations')) continue;
    assert.equal(segs.length, 3, `${f.kind} ${f.path}: one key after metadata.${segs[1]}`);
    assert.match(segs[2], /\//, `${f.kind} ${f.path}: a prefixed key kept whole`);
  }
});

test('rule label-and-annotation-keys-are-whole: a partly modeled annotation or label says so where the object holds it', () => {
  const yaml = `apiVersion: v1
kind: Node
metadata:
  name: server
  annotations:
    k3s.io/node-args: '["server","--cluster-dns","10.43.0.10"]'
    flannel.alpha.coreos.com/backend-type: vxlan
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
  labels: {service.kubernetes.io/service-proxy-name: other}
spec: {selector: {app: web}, ports: [{port: 80}]}
`;
  assert.deepEqual(unmodeled(yaml), [
    'info metadata.annotations["flannel.alpha.coreos.com/backend-type"] 7',
    'info metadata.annotations["k3s.io/node-args"] 6',
    'info metadata.labels["service.kubernetes.io/service-proxy-name"] 14',
  ]);
});

test('rule catalogue-key-patterns: a catalogue key with * matches every annotation key of that family, and only where the row says it is a pattern', () => {
  assert.ok(
    keyPatternMatches('alb.ingress.kubernetes.io/actions.*', 'alb.ingress.kubernetes.io/actions.redirect'),
  );
  assert.ok(!keyPatternMatches('alb.ingress.kubernetes.io/actions.*', 'alb.ingress.kubernetes.io/actions'));
  assert.ok(
    !keyPatternMatches('alb.ingress.kubernetes.io/actions.*', 'alb.ingress.kubernetes.io/conditions.x'),
  );
  assert.ok(keyPatternMatches('a*b*c', 'aXbYc') && !keyPatternMatches('a*b*c', 'aXcYb'));
  for (const f of fields) {
    const key = catalogueSegments(f.path).at(-1) ?? '';
    assert.equal(
      key.includes('*') && f.path.endsWith('"]'),
      f.keyPattern === true,
      `${f.kind} ${f.path}: a bracketed key with * is a pattern row, and a pattern row has one`,
    );
  }
  const yaml = `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  namespace: shop
  annotations:
    kubernetes.io/ingress.class: alb
    alb.ingress.kubernetes.io/actions.response-503: '{"type":"fixed-response","fixedResponseConfig":{"statusCode":"503"}}'
    alb.ingress.kubernetes.io/conditions.web: '[{"field":"http-header","httpHeaderConfig":{"httpHeaderName":"X-Canary","values":["1"]}}]'
spec:
  rules: [{http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
`;
  assert.deepEqual(
    unmodeled(yaml).filter((l) => l.includes('alb.ingress')),
    [
      'info metadata.annotations["alb.ingress.kubernetes.io/actions.response-503"] 8',
      'info metadata.annotations["alb.ingress.kubernetes.io/conditions.web"] 9',
    ],
  );
});
