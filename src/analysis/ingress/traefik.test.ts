/**
 * Traefik's Kubernetes Ingress provider as its reference documents it
 * (https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/ingress/ and
 * https://doc.traefik.io/traefik/routing/routers/#priority): ImplementationSpecific paths become `PathPrefix` like
 * Prefix ones, the router priority is the rule length, and the annotations kubetwin does not model that can change
 * where a request goes (`router.middlewares`, `router.pathmatcher`, `router.rulesyntax`) are named on the answer.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequest } from '../route/index.ts';
import { ingressClass, ingressRouter, service } from './_test-fixtures.ts';

const manifests = (
  annotations: Record<string, string>,
  paths: string,
) => `${ingressClass('traefik', 'traefik.io/ingress-controller')}---
${service('a')}---
${service('b')}---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations: ${JSON.stringify(annotations)}
spec:
  ingressClassName: traefik
  rules:
  - host: foo.com
    http:
      paths:
${paths}
`;
const path = (type: string, p: string, svc: string) =>
  `      - {path: "${p}", pathType: ${type}, backend: {service: {name: ${svc}, port: {number: 80}}}}`;

function answer(text: string, url: string) {
  const r = ingressRouter(text, 'traefik');
  const req = parseRequest({ url });
  if (typeof req === 'string') throw new Error(req);
  return r.explain(req).decision;
}

test('rule traefik-implementationspecific-is-pathprefix: an ImplementationSpecific path is a PathPrefix router (a string prefix)', () => {
  const d = answer(manifests({}, path('ImplementationSpecific', '/api', 'a')), 'http://foo.com/apiv2');
  assert.equal(d.backends[0]?.name, 'a');
  assert.ok(
    d.notes.some((n) => n.includes('PathPrefix(`/api`)')),
    JSON.stringify(d.notes),
  );
});

test('rule traefik-priority-rule-length: of two matching routers the longer rule wins', () => {
  const d = answer(
    manifests({}, [path('Prefix', '/', 'a'), path('Prefix', '/shop', 'b')].join('\n')),
    'http://foo.com/shop/cart',
  );
  assert.equal(d.backends[0]?.name, 'b');
  assert.ok(d.notes.some((n) => /priority \d+/.test(n)));
});

test('rule traefik-unmodeled-annotations-named: router.pathmatcher and router.rulesyntax are named as not modeled on the answer; a router.middlewares reference to no Middleware is named unknown', () => {
  const d = answer(
    manifests(
      {
        'traefik.ingress.kubernetes.io/router.middlewares': 'default-strip@kubernetescrd',
        'traefik.ingress.kubernetes.io/router.pathmatcher': 'Path',
        'traefik.ingress.kubernetes.io/router.rulesyntax': 'v2',
      },
      path('Prefix', '/', 'a'),
    ),
    'http://foo.com/x',
  );
  for (const a of ['router.pathmatcher', 'router.rulesyntax'])
    assert.ok(
      d.notes.some((n) => n.startsWith(`not modeled: traefik.ingress.kubernetes.io/${a}`)),
      `${a} not named: ${JSON.stringify(d.notes)}`,
    );
  assert.deepEqual(
    d.unknown?.map((u) => [u.object, u.path]),
    [['Ingress/default/web', "metadata.annotations['traefik.ingress.kubernetes.io/router.middlewares']"]],
  );
  assert.match(d.unknown?.[0]?.text ?? '', /^middleware default-strip@kubernetescrd/);
});
