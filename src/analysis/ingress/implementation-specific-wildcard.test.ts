/**
 * "Matching for ImplementationSpecific is up to the IngressClass"
 * (https://kubernetes.io/docs/concepts/services-networking/ingress/#path-types): GKE's Ingress controller reads `/*`
 * as any path (https://cloud.google.com/kubernetes-engine/docs/concepts/ingress#paths), which the spec profile reads as
 * a literal prefix. Under a controller kubetwin does not model, such a path that may take the request makes the answer
 * unknown. Rule `implementation-specific-wildcard-unknown`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequest } from '../route/index.ts';
import { ingressRouter, service } from './_test-fixtures.ts';

const gke = (paths: string) =>
  [
    service('web'),
    service('api'),
    `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: basic-ingress
  annotations: {kubernetes.io/ingress.class: gce}
spec:
  rules:
  - http:
      paths:
${paths}
`,
  ].join('---\n');
const path = (p: string, svc: string, type = 'ImplementationSpecific') =>
  `      - {path: "${p}", pathType: ${type}, backend: {service: {name: ${svc}, port: {number: 80}}}}`;

function answer(text: string, url: string) {
  const req = parseRequest({ url });
  if (typeof req === 'string') throw new Error(req);
  return ingressRouter(text, 'gce').explain(req);
}

test('rule implementation-specific-wildcard-unknown: a GKE Ingress /* path is not a confident 404 under the spec profile', () => {
  const r = answer(gke(path('/*', 'web')), 'http://34.120.0.1/index.html');
  assert.equal(r.profile, 'spec');
  assert.equal(r.decision.status, 404, 'the spec reading, kept as the modeled answer …');
  assert.match(
    (r.decision.unknown ?? []).map((u) => u.text).join('\n'),
    /ImplementationSpecific path \/\* holds a wildcard: .* may go to web instead/,
    '… and the answer says the controller may read it otherwise',
  );
});

test('rule implementation-specific-wildcard-unknown: a wildcard path that cannot match, or one that wins, adds nothing', () => {
  assert.equal(answer(gke(path('/api/*', 'api')), 'http://34.120.0.1/web').decision.unknown, undefined);
  const both = gke([path('/*', 'web'), path('/api', 'api', 'Prefix')].join('\n'));
  const r = answer(both, 'http://34.120.0.1/api/x');
  assert.equal(r.decision.backends[0]?.name, 'api');
  assert.equal(
    r.decision.unknown?.length,
    1,
    'a GKE URL map takes the longest path; the /* rule is named all the same',
  );
});

test('rule implementation-specific-wildcard-unknown: a /* path to the backend the spec reading already picked adds nothing', () => {
  // GKE's own guides (and the ACM workshop's Ingress in front of its Istio gateway) give one Service as both the
  // defaultBackend and the `/*` rule: whichever reading the controller has, the request goes to that Service port.
  const sameBackend = gke(path('/*', 'web')).replace(
    'spec:\n  rules:',
    'spec:\n  defaultBackend: {service: {name: web, port: {number: 80}}}\n  rules:',
  );
  const r = answer(sameBackend, 'http://34.120.0.1/login');
  assert.equal(r.decision.backends[0]?.name, 'web');
  assert.equal(r.decision.unknown, undefined);
  // Another backend behind the wildcard keeps the answer unknown.
  const other = sameBackend.replace(
    'defaultBackend: {service: {name: web',
    'defaultBackend: {service: {name: api',
  );
  assert.equal(answer(other, 'http://34.120.0.1/login').decision.unknown?.length, 1);
});
