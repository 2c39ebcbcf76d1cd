/**
 * ingress-to-gateway, in the request → backend style of the Gateway API conformance suite: each case converts
 * Ingresses, then routes requests through the Ingress router and the emitted Gateway API objects (read back by
 * the builder) and compares. https://gateway-api.sigs.k8s.io/guides/migrating-from-ingress/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { convertIngressToGateway, type ConversionResult } from './index.ts';

const svc = (name: string, port: number, ns = 'default') =>
  `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${ns}}\nspec: {selector: {app: ${name}}, ports: [{name: http, port: ${port}}]}\n---\n`;
const cls = (name: string, controller: string) =>
  `apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: ${name}}\nspec: {controller: ${controller}}\n---\n`;

function convert(yaml: string, options = {}): ConversionResult {
  const { model } = buildFromTexts([{ file: 'in.yaml', text: yaml }]);
  const r = convertIngressToGateway(model, options);
  assert.ok(typeof r !== 'string', String(r));
  assert.deepEqual(r.rebuildProblems, [], 'the emitted manifests read back without errors');
  return r;
}

test('Exact and Prefix paths become Exact and PathPrefix; every sample (boundaries /foo/sub, /foox, /foo/) routes the same (spec profile)', () => {
  const r = convert(
    cls('web', 'example.com/x') +
      svc('a', 80) +
      svc('b', 81) +
      `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n  ingressClassName: web\n  rules:\n  - host: foo.example.com\n    http:\n      paths:\n      - {path: /foo, pathType: Prefix, backend: {service: {name: a, port: {number: 80}}}}\n      - {path: /foo/bar, pathType: Exact, backend: {service: {name: b, port: {name: http}}}}\n`,
  );
  assert.deepEqual(r.classes[0].differences, []);
  assert.ok(r.classes[0].samples >= 8);
  const route = r.objects.find((o) => o.kind === 'HTTPRoute')!;
  assert.deepEqual(
    (route.spec.rules as { matches: unknown[] }[]).map((x) => x.matches),
    [[{ path: { type: 'PathPrefix', value: '/foo' } }], [{ path: { type: 'Exact', value: '/foo/bar' } }]],
  );
  assert.deepEqual(
    (route.spec.rules as { backendRefs: unknown[] }[])[1].backendRefs,
    [{ name: 'b', port: 81 }],
    'a port name resolves to the Service port number',
  );
});

test('defaultBackend becomes a catch-all HTTPRoute: unknown hosts reach it on both sides', () => {
  const r = convert(
    cls('web', 'example.com/x') +
      svc('a', 80) +
      svc('d', 80) +
      `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n  ingressClassName: web\n  defaultBackend: {service: {name: d, port: {number: 80}}}\n  rules:\n  - host: foo.example.com\n    http: {paths: [{path: /a, pathType: Prefix, backend: {service: {name: a, port: {number: 80}}}}]}\n`,
  );
  assert.deepEqual(r.classes[0].differences, []);
  assert.ok(
    r.objects.some(
      (o) => o.kind === 'HTTPRoute' && o.metadata.name === 'i-default-backend' && !o.spec.hostnames,
    ),
  );
});

test('a TLS Secret in another namespace than the Gateway gets a ReferenceGrant (https://gateway-api.sigs.k8s.io/api-types/referencegrant/)', () => {
  const ing = (ns: string, host: string) =>
    `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i, namespace: ${ns}}\nspec:\n  ingressClassName: web\n  tls: [{hosts: [${host}], secretName: ${ns}-tls}]\n  rules:\n  - host: ${host}\n    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: a, port: {number: 80}}}}]}\n---\n`;
  const r = convert(
    cls('web', 'example.com/x') +
      svc('a', 80, 'one') +
      svc('a', 80, 'two') +
      ing('one', 'one.example.com') +
      ing('two', 'two.example.com'),
    { gatewayNamespace: 'one' },
  );
  const grants = r.objects.filter((o) => o.kind === 'ReferenceGrant');
  assert.deepEqual(
    grants.map((g) => [g.metadata.namespace, g.spec.to]),
    [['two', [{ group: '', kind: 'Secret', name: 'two-tls' }]]],
  );
  assert.deepEqual(
    r.classes[0].differences,
    [],
    'https requests to both hosts route the same (the listener resolves the cross-namespace Secret)',
  );
});

test('a wildcard host matches one label under Ingress but several under Gateway API: the check reports it (https://kubernetes.io/docs/concepts/services-networking/ingress/#hostname-wildcards)', () => {
  const r = convert(
    cls('web', 'example.com/x') +
      svc('a', 80) +
      svc('d', 80) +
      `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n  ingressClassName: web\n  defaultBackend: {service: {name: d, port: {number: 80}}}\n  rules:\n  - host: "*.foo.com"\n    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: a, port: {number: 80}}}}]}\n`,
  );
  const d = r.classes[0].differences.find((x) => x.url === 'http://a.sample.foo.com/');
  assert.ok(d, 'two labels deep differs');
  assert.deepEqual([d.ingress.backends, d.gateway.backends], [['default/d:80'], ['default/a:80']]);
  assert.ok(
    !r.classes[0].differences.some((x) => x.url === 'http://sample.foo.com/'),
    'one label deep is the same',
  );
});

test('Traefik: router.entrypoints websecure attaches the route to the HTTPS listener only; plain HTTP stays 404 on both sides', () => {
  const r = convert(
    cls('traefik', 'traefik.io/ingress-controller') +
      svc('a', 80) +
      `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\n  annotations: {traefik.ingress.kubernetes.io/router.entrypoints: websecure, traefik.ingress.kubernetes.io/router.middlewares: default-auth@kubernetescrd}\nspec:\n  ingressClassName: traefik\n  tls: [{hosts: [foo.example.com], secretName: foo-tls}]\n  rules:\n  - host: foo.example.com\n    http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: a, port: {number: 80}}}}]}\n`,
  );
  assert.deepEqual(r.classes[0].differences, []);
  const route = r.objects.find((o) => o.kind === 'HTTPRoute')!;
  assert.deepEqual(route.spec.parentRefs, [{ name: 'traefik', sectionName: 'https-foo-example-com' }]);
  assert.deepEqual(
    r.unconvertible.map((u) => u.what),
    ['metadata.annotations["traefik.ingress.kubernetes.io/router.middlewares"]'],
    'middlewares have no Gateway API equivalent and are listed',
  );
});

test('Traefik: a Prefix /v1 also matches /v11 (string prefix) while PathPrefix is element-wise: the check reports the boundary', () => {
  const r = convert(
    cls('traefik', 'traefik.io/ingress-controller') +
      svc('a', 80) +
      `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n  ingressClassName: traefik\n  rules:\n  - host: foo.example.com\n    http: {paths: [{path: /v1, pathType: Prefix, backend: {service: {name: a, port: {number: 80}}}}]}\n`,
  );
  const d = r.classes[0].differences.find((x) => x.url === 'http://foo.example.com/v1x');
  assert.deepEqual([d?.ingress.status, d?.gateway.status], [200, 404]);
  const spec = convert(
    cls('traefik', 'traefik.io/ingress-controller') +
      svc('a', 80) +
      `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n  ingressClassName: traefik\n  rules:\n  - host: foo.example.com\n    http: {paths: [{path: /v1, pathType: Prefix, backend: {service: {name: a, port: {number: 80}}}}]}\n`,
    { controller: 'spec' },
  );
  assert.deepEqual(spec.classes[0].differences, [], 'under the spec profile the conversion is exact');
});

test('resource backends become backendRefs of that kind (listed as implementation-specific); unresolvable port names are not converted', () => {
  const r = convert(
    cls('web', 'example.com/x') +
      `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: i}\nspec:\n  ingressClassName: web\n  rules:\n  - http:\n      paths:\n      - {path: /a, pathType: Prefix, backend: {resource: {apiGroup: x.io, kind: Bucket, name: b}}}\n      - {path: /b, pathType: Prefix, backend: {service: {name: missing, port: {name: http}}}}\n`,
  );
  assert.deepEqual(
    r.unconvertible.filter((u) => u.object === 'Ingress/default/i').map((u) => u.what),
    ['spec.rules[0].http.paths[0]', 'spec.rules[0].http.paths[1]'],
  );
  const route = r.objects.find((o) => o.kind === 'HTTPRoute')!;
  assert.deepEqual((route.spec.rules as { backendRefs: unknown[] }[])[0].backendRefs, [
    { group: 'x.io', kind: 'Bucket', name: 'b' },
  ]);
});
