/**
 * Traefik IngressRoutes routed through a Traefik ingress class, as Traefik's references document them:
 * https://doc.traefik.io/traefik/reference/routing-configuration/kubernetes/crd/http/ingressroute/ (entryPoints, tls,
 * routes[].priority, services with weights, middlewares) and
 * https://doc.traefik.io/traefik/reference/routing-configuration/http/routing/rules-and-priority/ (default priority =
 * rule length). Request → answer rows, as gateway-api writes its expected responses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter, parseRequest } from '../route/index.ts';

const services = ['a', 'b', 'c']
  .map(
    (n) => `apiVersion: v1
kind: Service
metadata: {name: ${n}, namespace: web}
spec: {selector: {app: ${n}}, ports: [{name: http, port: 80}]}`,
  )
  .join('\n---\n');

const route = (name: string, spec: string, group = 'traefik.io') => `apiVersion: ${group}/v1alpha1
kind: IngressRoute
metadata: {name: ${name}, namespace: web}
spec:
${spec}`;

function decide(docs: string[], url: string, headers: string[] = []) {
  const text = [services, ...docs].join('\n---\n');
  const { model, diagnostics } = buildFromTexts([{ file: 'in.yaml', text }]);
  assert.deepEqual(
    diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  const r = compileRouter(model, { via: { kind: 'ingress-class', name: 'traefik' } });
  assert.ok(typeof r !== 'string', String(r));
  const req = parseRequest({ url, method: 'GET', headers });
  assert.ok(typeof req !== 'string');
  return r.explain(req).decision;
}
/** Winner and backends (the Services have no pods here: the status is 503 for want of endpoints). */
const to = (d: ReturnType<typeof decide>) =>
  `${d.winner ? `${d.winner.object} ${d.winner.at}` : '-'} ${d.backends.map((b) => `${b.name}:${b.port}x${b.weight}`).join(',')}`;

test('rule traefik-ingressroute-priority-length: without priority the longer rule wins, in either group', () => {
  const docs = [
    route('short', '  routes: [{match: "Host(`foo.com`)", services: [{name: a, port: 80}]}]'),
    route(
      'long',
      '  routes: [{match: "Host(`foo.com`) && PathPrefix(`/api`)", services: [{name: b, port: 80}]}]',
      'traefik.containo.us',
    ),
  ];
  assert.equal(to(decide(docs, 'http://foo.com/api/x')), 'IngressRoute/web/long routes[0] b:80x1');
  assert.equal(to(decide(docs, 'http://foo.com/web')), 'IngressRoute/web/short routes[0] a:80x1');
});

test('rule traefik-ingressroute-priority-explicit: priority overrides the rule length, and beats an Ingress router', () => {
  const docs = [
    route('short', '  routes: [{match: "Host(`foo.com`)", priority: 100, services: [{name: a, port: 80}]}]'),
    route(
      'long',
      '  routes: [{match: "Host(`foo.com`) && PathPrefix(`/api`)", services: [{name: b, port: 80}]}]',
    ),
    `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: ing, namespace: web}
spec:
  ingressClassName: traefik
  rules: [{host: foo.com, http: {paths: [{path: /api/v1, pathType: Prefix, backend: {service: {name: c, port: {number: 80}}}}]}}]`,
  ];
  const d = decide(docs, 'http://foo.com/api/v1/x');
  assert.equal(to(d), 'IngressRoute/web/short routes[0] a:80x1');
  assert.ok(d.lost.some((l) => l.object === 'Ingress/web/ing' && /priority 40 is below 100/.test(l.reason)));
  // Without the explicit priority the Ingress router (rule of 40 characters) beats the IngressRoute (37).
  const plain = [docs[1], docs[2]];
  assert.equal(to(decide(plain, 'http://foo.com/api/v1/x')), 'Ingress/web/ing rules[0].paths[0] c:80x1');
});

test('rule traefik-ingressroute-entrypoints: a router listens on its entryPoints only (web 80, websecure 443)', () => {
  const docs = [
    route(
      'secure',
      '  entryPoints: [websecure]\n  tls: {}\n  routes: [{match: "Host(`foo.com`)", services: [{name: a, port: 80}]}]',
    ),
  ];
  assert.equal(decide(docs, 'http://foo.com/').status, 404);
  assert.equal(to(decide(docs, 'https://foo.com/')), 'IngressRoute/web/secure routes[0] a:80x1');
  const d = decide(docs, 'http://foo.com:8080/');
  assert.ok(d.lost.some((l) => /entryPoints websecure do not listen on port 8080/.test(l.reason)));
});

test('rule traefik-ingressroute-tls: with tls the router answers TLS requests only, without it plain HTTP only', () => {
  const docs = [route('plain', '  routes: [{match: "Host(`foo.com`)", services: [{name: a, port: 80}]}]')];
  assert.equal(to(decide(docs, 'http://foo.com/')), 'IngressRoute/web/plain routes[0] a:80x1');
  assert.equal(decide(docs, 'https://foo.com/').status, 404);
});

test('rule traefik-ingressroute-weighted-services: several services share by weight (1 when unset), ports by number or name', () => {
  const docs = [
    route(
      'split',
      '  routes: [{match: "Host(`foo.com`)", services: [{name: a, port: 80, weight: 3}, {name: b, port: http}]}]',
    ),
  ];
  assert.equal(to(decide(docs, 'http://foo.com/')), 'IngressRoute/web/split routes[0] a:80x3,b:80x1');
});

test('rule traefik-ingressroute-middlewares: the route middlewares run in order; one of another namespace is unknown', () => {
  const mw = `apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {name: strip, namespace: web}
spec: {stripPrefix: {prefixes: [/api]}}
---
apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {name: https, namespace: web}
spec: {redirectScheme: {scheme: https, permanent: true}}`;
  const strip = decide(
    [
      mw,
      route(
        'r',
        '  routes: [{match: "Host(`foo.com`)", middlewares: [{name: strip}], services: [{name: a, port: 80}]}]',
      ),
    ],
    'http://foo.com/api/x',
  );
  assert.equal(strip.rewrittenPath, '/x');
  const redirect = decide(
    [
      mw,
      route(
        'r',
        '  routes: [{match: "Host(`foo.com`)", middlewares: [{name: https}, {name: strip}], services: [{name: a, port: 80}]}]',
      ),
    ],
    'http://foo.com/api/x',
  );
  assert.deepEqual(redirect.redirect, { status: 301, location: 'https://foo.com/api/x' });
  const other = `apiVersion: traefik.io/v1alpha1
kind: Middleware
metadata: {name: strip, namespace: shared}
spec: {stripPrefix: {prefixes: [/api]}}`;
  const cross = decide(
    [
      other,
      route(
        'r',
        '  routes: [{match: "Host(`foo.com`)", middlewares: [{name: strip, namespace: shared}], services: [{name: a, port: 80}]}]',
      ),
    ],
    'http://foo.com/api/x',
  );
  assert.deepEqual(
    cross.unknown?.map((u) => [u.object, u.path]),
    [['IngressRoute/web/r', 'routes[0].middlewares[0]']],
  );
  assert.match(cross.unknown?.[0]?.text ?? '', /allowCrossNamespace/);
  const missing = decide(
    [
      route(
        'r',
        '  routes: [{match: "Host(`foo.com`)", middlewares: [{name: nope}], services: [{name: a, port: 80}]}]',
      ),
    ],
    'http://foo.com/',
  );
  assert.match(missing.unknown?.[0]?.text ?? '', /^middleware web\/nope/);
  assert.ok(!missing.notes.some((n) => /web\/nope/.test(n)), 'an unknown is data, not a note');
});

test('rule traefik-ingressroute-unknown-matcher: a higher-priority router kubetwin cannot decide makes the answer unknown', () => {
  const docs = [
    route('all', '  routes: [{match: "Host(`foo.com`)", services: [{name: a, port: 80}]}]'),
    route(
      'office',
      '  routes: [{match: "Host(`foo.com`) && ClientIP(`10.0.0.0/8`)", services: [{name: b, port: 80}]}]',
    ),
    route(
      'broken',
      '  routes: [{match: "Host(`foo.com`) && (Path(`/x`)", priority: 1000, services: [{name: c, port: 80}]}]',
    ),
  ];
  const d = decide(docs, 'http://foo.com/x');
  assert.equal(to(d), 'IngressRoute/web/all routes[0] a:80x1');
  const unknown = d.unknown ?? [];
  assert.deepEqual(
    unknown.map((u) => `${u.object} ${u.path}`),
    ['IngressRoute/web/broken routes[0]', 'IngressRoute/web/office routes[0]'],
  );
  assert.match(unknown[0].text, /broken routes\[0\].*cannot be parsed/);
  assert.match(unknown[1].text, /office routes\[0\].*ClientIP/);
  // Below the winner's priority an undecidable router changes nothing and is not named.
  const low = [
    docs[0],
    route(
      'office',
      '  routes: [{match: "ClientIP(`10.0.0.0/8`)", priority: 1, services: [{name: b, port: 80}]}]',
    ),
  ];
  assert.deepEqual(decide(low, 'http://foo.com/').unknown ?? [], []);
});

test('rule traefik-ingressroute-unbuilt-router: a route whose Service is missing gets no router, so the next one answers', () => {
  const docs = [
    route('all', '  routes: [{match: "Host(`foo.com`)", services: [{name: a, port: 80}]}]'),
    route(
      'gone',
      '  routes: [{match: "Host(`foo.com`) && PathPrefix(`/`)", services: [{name: nope, port: 80}]}]',
    ),
  ];
  const d = decide(docs, 'http://foo.com/x');
  assert.equal(to(d), 'IngressRoute/web/all routes[0] a:80x1');
  assert.ok(d.lost.some((l) => l.object === 'IngressRoute/web/gone' && /builds no router/.test(l.reason)));
});

test('rule traefik-ingressroute-traefikservice: a TraefikService backend is named unknown, not routed', () => {
  const docs = [
    route('ts', '  routes: [{match: "Host(`foo.com`)", services: [{name: wrr, kind: TraefikService}]}]'),
  ];
  const d = decide(docs, 'http://foo.com/');
  assert.equal(d.status, 503);
  assert.deepEqual(
    d.unknown?.map((u) => [u.object, u.path]),
    [['IngressRoute/web/ts', 'routes[0].services[0]']],
  );
  assert.match(d.unknown?.[0]?.text ?? '', /TraefikService/);
});

test('rule traefik-ingressroute-tls-secret: tls.secretName is the certificate served for the Host names of its rules', () => {
  const text = [
    services,
    route(
      'secure',
      '  tls: {secretName: foo-tls}\n  routes: [{match: "Host(`foo.com`)", services: [{name: a, port: 80}]}]',
    ),
  ].join('\n---\n');
  const { model } = buildFromTexts([{ file: 'in.yaml', text }]);
  const r = compileRouter(model, { via: { kind: 'ingress-class', name: 'traefik' } });
  assert.ok(typeof r !== 'string');
  const req = parseRequest({ url: 'https://foo.com/', method: 'GET', headers: [] });
  assert.ok(typeof req !== 'string');
  const cert = r.explain(req).certificate;
  assert.equal(cert?.status, 'secret-missing');
  assert.match(cert?.message ?? '', /Secret web\/foo-tls /);
});

test('rule traefik-ingressroute-host-index: only a Host every match needs (a top-level && conjunct) skips a router', () => {
  const docs = [
    route(
      'either',
      '  routes: [{match: "Host(`a.com`) || Host(`foo.com`)", services: [{name: a, port: 80}]}]',
    ),
    route(
      'not',
      '  routes: [{match: "!Host(`a.com`) && PathPrefix(`/x`)", services: [{name: b, port: 80}]}]',
    ),
    route(
      'and',
      '  routes: [{match: "PathPrefix(`/x`) && Host(`A.com`)", priority: 900, services: [{name: c, port: 80}]}]',
    ),
  ];
  assert.equal(to(decide(docs, 'http://foo.com/')), 'IngressRoute/web/either routes[0] a:80x1');
  assert.equal(to(decide(docs, 'http://foo.com/x')), 'IngressRoute/web/not routes[0] b:80x1');
  assert.equal(to(decide(docs, 'http://a.com/x')), 'IngressRoute/web/and routes[0] c:80x1');
});
