/**
 * The OpenShift router over route.openshift.io/v1 Routes, as Red Hat's documents and the router's sources describe
 * it: "Route configuration" and "Secured routes"
 * (https://docs.redhat.com/en/documentation/openshift_container_platform/4.17/html/networking/configuring-routes),
 * the Route API reference (https://docs.redhat.com/en/documentation/openshift_container_platform/4.17/html/network_apis/route-route-openshift-io-v1),
 * openshift/router's GenerateRouteRegexp (pkg/router/template/util/util.go), unique_host.go (host claims) and
 * openshift-apiserver's route validation.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter, parseRequest, type Router } from '../route/index.ts';

const svc = (
  name: string,
  ns = 'shop',
  ports = '[{name: http, port: 80, targetPort: 8080}]',
) => `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: ${ns}}
spec: {selector: {app: ${name}}, ports: ${ports}}
---
apiVersion: v1
kind: Pod
metadata: {name: ${name}-0, namespace: ${ns}, labels: {app: ${name}}}
spec: {containers: [{name: c, image: i, ports: [{containerPort: 8080}, {containerPort: 9090}]}]}
---
`;
const route = (
  name: string,
  spec: string,
  ns = 'shop',
  created = '2024-01-01T00:00:00Z',
) => `apiVersion: route.openshift.io/v1
kind: Route
metadata: {name: ${name}, namespace: ${ns}, creationTimestamp: "${created}"}
spec: ${spec}
---
`;

function router(text: string): { r: Router; errors: string[] } {
  const { model, diagnostics } = buildFromTexts([{ file: 'r.yaml', text }]);
  const r = compileRouter(model, { via: { kind: 'router', name: 'default' } });
  assert.ok(typeof r !== 'string', String(r));
  return { r, errors: diagnostics.filter((d) => d.severity === 'error').map((d) => d.message) };
}
const ask = (r: Router, url: string, sni?: string) => {
  const req = parseRequest({ url, sni });
  assert.ok(typeof req !== 'string');
  return r.explain(req);
};

test('rule openshift-route-path-prefix: a Route path matches itself and below it by segment, the longest path wins', () => {
  const { r } = router(
    svc('web') +
      svc('api') +
      route('web', '{host: shop.example.com, to: {kind: Service, name: web}}') +
      route('api', '{host: shop.example.com, path: /api, to: {kind: Service, name: api}}'),
  );
  assert.equal(ask(r, 'http://shop.example.com/api/v1').decision.backends[0].name, 'api');
  assert.equal(ask(r, 'http://shop.example.com/api').decision.backends[0].name, 'api');
  assert.equal(ask(r, 'http://shop.example.com/apiary').decision.backends[0].name, 'web');
  assert.equal(ask(r, 'http://other.example.com/').decision.status, 503);
});

test('rule openshift-route-weights: to and alternateBackends split by weight (default 100, 0 sends nothing)', () => {
  const { r } = router(
    svc('v1') +
      svc('v2') +
      route(
        'w',
        '{host: a.example.com, to: {kind: Service, name: v1, weight: 30}, alternateBackends: [{kind: Service, name: v2}]}',
      ),
  );
  const d = ask(r, 'http://a.example.com/').decision;
  assert.deepEqual(
    d.backends.map((b) => [b.name, b.weight, b.port]),
    [
      ['v1', 30, 80],
      ['v2', 100, 80],
    ],
  );
  const zero = router(
    svc('v1') + route('z', '{host: z.example.com, to: {kind: Service, name: v1, weight: 0}}'),
  ).r;
  assert.equal(ask(zero, 'http://z.example.com/').decision.status, 503);
});

test('rule openshift-route-target-port: spec.port.targetPort picks the Service port by name or target port', () => {
  const ports = '[{name: http, port: 80, targetPort: 8080}, {name: admin, port: 9000, targetPort: 9090}]';
  const mk = (tp: string) =>
    router(
      svc('web', 'shop', ports) +
        route('w', `{host: a.example.com, port: {targetPort: ${tp}}, to: {kind: Service, name: web}}`),
    ).r;
  assert.equal(ask(mk('admin'), 'http://a.example.com/').decision.backends[0].port, 9000);
  assert.equal(ask(mk('9090'), 'http://a.example.com/').decision.backends[0].port, 9000);
  const byServicePort = ask(mk('9000'), 'http://a.example.com/').decision;
  assert.equal(byServicePort.status, 503);
  assert.match(byServicePort.backends[0].problem ?? '', /not a target port/);
});

test('rule openshift-route-insecure-edge-policy: edge None refuses HTTP, Allow serves it, Redirect answers 302', () => {
  const mk = (policy: string) =>
    router(
      svc('web') +
        route(
          'w',
          `{host: a.example.com, to: {kind: Service, name: web}, tls: {termination: edge, insecureEdgeTerminationPolicy: ${policy}}}`,
        ),
    ).r;
  assert.equal(ask(mk('None'), 'http://a.example.com/x').decision.status, 503);
  assert.equal(ask(mk('None'), 'https://a.example.com/x').decision.status, 200);
  assert.equal(ask(mk('Allow'), 'http://a.example.com/x').decision.status, 200);
  const red = ask(mk('Redirect'), 'http://a.example.com/x?q=1').decision;
  assert.deepEqual(red.redirect, { status: 302, location: 'https://a.example.com/x?q=1' });
});

test('rule openshift-route-unsecured-not-on-https: a Route without tls is not served over HTTPS', () => {
  const { r } = router(svc('web') + route('w', '{host: a.example.com, to: {kind: Service, name: web}}'));
  const d = ask(r, 'https://a.example.com/').decision;
  assert.equal(d.status, 503);
  assert.match(d.lost[0].reason, /not served over HTTPS/);
});

test('rule openshift-route-passthrough: the SNI name picks a passthrough Route before any edge Route of the host', () => {
  const { r } = router(
    svc('tls') +
      svc('web') +
      route('pt', '{host: a.example.com, to: {kind: Service, name: tls}, tls: {termination: passthrough}}') +
      route(
        'edge',
        '{host: a.example.com, path: /x, to: {kind: Service, name: web}, tls: {termination: edge}}',
      ),
  );
  const res = ask(r, 'https://a.example.com/x');
  assert.equal(res.decision.backends[0].name, 'tls');
  assert.equal(res.certificate, undefined);
  assert.ok(res.decision.notes.some((n) => n.startsWith('passthrough:')));
  assert.equal(ask(r, 'http://a.example.com/x').decision.status, 503);
});

test('rule openshift-route-reencrypt: reencrypt forwards over new TLS to the pods and says what validates it', () => {
  const { r } = router(
    svc('web') +
      route('w', '{host: a.example.com, to: {kind: Service, name: web}, tls: {termination: reencrypt}}'),
  );
  const res = ask(r, 'https://a.example.com/');
  assert.equal(res.decision.status, 200);
  assert.ok(res.decision.notes.some((n) => n.startsWith('reencrypt:') && n.includes('service CA')));
  assert.equal(res.certificate?.status, 'router-default');
});

test('rule openshift-route-host-already-claimed: the oldest Route owns the host for its namespace', () => {
  const { r } = router(
    svc('a', 'one') +
      svc('b', 'two') +
      svc('c', 'one') +
      route('old', '{host: a.example.com, to: {kind: Service, name: a}}', 'one', '2024-01-01T00:00:00Z') +
      route(
        'new',
        '{host: a.example.com, path: /b, to: {kind: Service, name: b}}',
        'two',
        '2024-02-01T00:00:00Z',
      ) +
      route(
        'same-ns',
        '{host: a.example.com, path: /c, to: {kind: Service, name: c}}',
        'one',
        '2024-03-01T00:00:00Z',
      ),
  );
  const d = ask(r, 'http://a.example.com/b').decision;
  assert.equal(d.backends[0].name, 'a');
  const rejected = d.lost.find((l) => l.object.endsWith('/two/new'));
  assert.match(
    rejected?.reason ?? '',
    /HostAlreadyClaimed — route old in namespace one already exposes a\.example\.com and is older/,
  );
  assert.equal(ask(r, 'http://a.example.com/c').decision.backends[0].name, 'c');
});

test('rule openshift-route-wildcard-policy: Subdomain routes are refused unless wildcards are allowed', () => {
  const { r } = router(
    svc('web') +
      route('w', '{host: www.example.com, wildcardPolicy: Subdomain, to: {kind: Service, name: web}}'),
  );
  const d = ask(r, 'http://shop.example.com/').decision;
  assert.equal(d.status, 503);
  assert.match(d.lost[0].reason, /RouteNotAdmitted/);
});

test('rule openshift-route-validation: invalid Routes are refused at their line as the API server refuses them', () => {
  const { errors } = router(
    svc('web') +
      route('ok', '{host: a.example.com, to: {kind: Service, name: web}}') +
      route(
        'p',
        '{host: b.example.com, path: /x, to: {kind: Service, name: web}, tls: {termination: passthrough}}',
      ) +
      route('w', '{host: c.example.com, to: {kind: Service, name: web, weight: 300}}') +
      route('k', '{host: d.example.com, to: {kind: Deployment, name: web}}') +
      route(
        'a',
        '{host: e.example.com, to: {kind: Service, name: web}, tls: {termination: passthrough, insecureEdgeTerminationPolicy: Allow}}',
      ),
  );
  assert.equal(errors.length, 4, errors.join('\n'));
  assert.ok(errors.some((e) => e.includes('passthrough termination does not support paths')));
  assert.ok(errors.some((e) => e.includes('between 0 and 256')));
});

test('rule openshift-route-unmodeled-named: router annotations and spec.httpHeaders are named on the answer', () => {
  const text =
    svc('web') +
    `apiVersion: route.openshift.io/v1
kind: Route
metadata:
  name: w
  namespace: shop
  annotations: {haproxy.router.openshift.io/timeout: 5s}
spec:
  host: a.example.com
  to: {kind: Service, name: web}
  httpHeaders: {actions: {request: []}}
`;
  const notes = ask(router(text).r, 'http://a.example.com/').decision.notes;
  assert.ok(notes.some((n) => n.includes('haproxy.router.openshift.io/timeout')));
  assert.ok(notes.some((n) => n.includes('spec.httpHeaders')));
  assert.ok(notes.some((n) => n.includes('router sharding')));
});

test('rule openshift-route-other-router-named: an answer through an Ingress class names a Route exposing the same host', () => {
  const text =
    svc('web') +
    route('w', '{host: a.example.com, to: {kind: Service, name: web}}') +
    `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i, namespace: shop}
spec:
  ingressClassName: nginx
  rules: [{host: a.example.com, http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}}]
`;
  const { model } = buildFromTexts([{ file: 'r.yaml', text }]);
  const r = compileRouter(model, { via: { kind: 'ingress-class', name: 'nginx' } });
  assert.ok(typeof r !== 'string');
  const req = parseRequest({ url: 'http://a.example.com/' });
  assert.ok(typeof req !== 'string');
  const d = r.explain(req).decision;
  assert.deepEqual(
    d.unknown?.map((u) => [u.object, u.path]),
    [['Route/shop/w', 'spec.host']],
  );
  assert.match(d.unknown?.[0]?.text ?? '', /^OpenShift Route shop\/w/);
});

test('rule openshift-route-wildcard-match: with wildcards allowed, a Subdomain Route answers one more label and an exact host wins over it; another namespace cannot claim a host in that subdomain', async () => {
  const { compileOpenShiftRouter } = await import('./index.ts');
  const text =
    svc('wild') +
    svc('www') +
    svc('other', 'x') +
    route(
      'wild',
      '{host: any.example.com, wildcardPolicy: Subdomain, to: {kind: Service, name: wild}}',
      'shop',
      '2024-01-01T00:00:00Z',
    ) +
    route('www', '{host: www.example.com, to: {kind: Service, name: www}}', 'shop', '2024-01-02T00:00:00Z') +
    route('other', '{host: api.example.com, to: {kind: Service, name: other}}', 'x', '2024-01-03T00:00:00Z');
  const { model } = buildFromTexts([{ file: 'r.yaml', text }]);
  const services = new Map(model.services.map((s) => [`${s.namespace}/${s.name}`, s]));
  const r = compileOpenShiftRouter(model.routing!, services, { wildcardsAllowed: true });
  const at = (url: string) => {
    const req = parseRequest({ url });
    assert.ok(typeof req !== 'string');
    return r.route(req, true);
  };
  assert.equal(at('http://shop.example.com/').backends[0].name, 'wild');
  assert.equal(at('http://www.example.com/').backends[0].name, 'www');
  assert.equal(at('http://a.b.example.com/').status, 503);
  assert.equal(r.admission.get('Route/x/other')?.reason, 'HostAlreadyClaimed');
});
