/**
 * Ingress routing in the request → backend style of the Gateway API conformance suite. Spec cases mirror the
 * path matching table of https://kubernetes.io/docs/concepts/services-networking/ingress/#examples.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFromTexts } from '../../api/index.ts';
import { compileRouter, parseRequest } from '../route/index.ts';
import type { ControllerProfile } from '../../model/routing.ts';

function svc(name: string, ns = 'default') {
  return `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${ns}}\nspec: {selector: {app: ${name}}, ports: [{port: 80}]}\n---\n`;
}
function ingress(
  name: string,
  paths: [string, string, string][],
  extra: { host?: string; annotations?: Record<string, string>; cls?: string; tls?: boolean } = {},
) {
  const ann = extra.annotations ? `\n  annotations: ${JSON.stringify(extra.annotations)}` : '';
  const p = paths
    .map(
      ([type, path, backend]) =>
        `      - {path: "${path}", pathType: ${type}, backend: {service: {name: ${backend}, port: {number: 80}}}}`,
    )
    .join('\n');
  const tls = extra.tls ? `\n  tls: [{hosts: ["${extra.host}"], secretName: ${name}-tls}]` : '';
  return `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: ${name}${ann}\nspec:\n  ingressClassName: ${extra.cls ?? 'web'}${tls}\n  rules:\n  - ${extra.host ? `host: "${extra.host}"\n    ` : ''}http:\n      paths:\n${p}\n---\n`;
}
const classes = `apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: web}\nspec: {controller: example.com/spec}\n---\n`;
const services = ['a', 'b', 'c', 'd'].map((n) => svc(n)).join('');

/** Routes `url` and returns `backend name` or the status, as a conformance ExpectedResponse would. */
function route(
  yaml: string,
  url: string,
  opts: { profile?: ControllerProfile; method?: string; strict?: boolean } = {},
): string {
  const { model } = buildFromTexts([{ file: 'in.yaml', text: classes + services + yaml }]);
  const r = compileRouter(model, {
    via: { kind: 'ingress-class', name: 'web' },
    controller: opts.profile,
    strictPrefixMatching: opts.strict,
  });
  if (typeof r === 'string') throw new Error(r);
  const req = parseRequest({ url, method: opts.method });
  if (typeof req === 'string') throw new Error(req);
  const d = r.decide(req);
  if (d.redirect) return `${d.redirect.status} ${d.redirect.location}`;
  return d.status === 200
    ? d.backends[0].name + (d.rewrittenPath ? ` ${d.rewrittenPath}` : '')
    : String(d.status);
}

const table: [string, [string, string, string][], string, string][] = [
  // kind, paths, request path, expected backend (or 404): the documented table, row by row
  ['Prefix / matches all paths', [['Prefix', '/', 'a']], '/anything/at/all', 'a'],
  ['Exact /foo matches /foo', [['Exact', '/foo', 'a']], '/foo', 'a'],
  ['Exact /foo does not match /bar', [['Exact', '/foo', 'a']], '/bar', '404'],
  ['Exact /foo does not match /foo/', [['Exact', '/foo', 'a']], '/foo/', '404'],
  ['Exact /foo/ does not match /foo', [['Exact', '/foo/', 'a']], '/foo', '404'],
  ['Prefix /foo matches /foo', [['Prefix', '/foo', 'a']], '/foo', 'a'],
  ['Prefix /foo matches /foo/', [['Prefix', '/foo', 'a']], '/foo/', 'a'],
  ['Prefix /foo/ matches /foo', [['Prefix', '/foo/', 'a']], '/foo', 'a'],
  ['Prefix /aaa/bb does not match /aaa/bbb', [['Prefix', '/aaa/bb', 'a']], '/aaa/bbb', '404'],
  ['Prefix /aaa/bbb matches /aaa/bbb', [['Prefix', '/aaa/bbb', 'a']], '/aaa/bbb', 'a'],
  [
    'Prefix /aaa/bbb/ matches /aaa/bbb (trailing slash ignored)',
    [['Prefix', '/aaa/bbb/', 'a']],
    '/aaa/bbb',
    'a',
  ],
  [
    'Prefix /aaa/bbb matches /aaa/bbb/ (matches trailing slash)',
    [['Prefix', '/aaa/bbb', 'a']],
    '/aaa/bbb/',
    'a',
  ],
  ['Prefix /aaa/bbb matches /aaa/bbb/ccc (subpath)', [['Prefix', '/aaa/bbb', 'a']], '/aaa/bbb/ccc', 'a'],
  [
    'Prefix /aaa/bbb does not match /aaa/bbbxyz (not a string prefix)',
    [['Prefix', '/aaa/bbb', 'a']],
    '/aaa/bbbxyz',
    '404',
  ],
  [
    'Prefix /, /aaa: /aaa/ccc matches the /aaa prefix',
    [
      ['Prefix', '/', 'a'],
      ['Prefix', '/aaa', 'b'],
    ],
    '/aaa/ccc',
    'b',
  ],
  [
    'Prefix /, /aaa, /aaa/bbb: /aaa/bbb matches the /aaa/bbb prefix',
    [
      ['Prefix', '/', 'a'],
      ['Prefix', '/aaa', 'b'],
      ['Prefix', '/aaa/bbb', 'c'],
    ],
    '/aaa/bbb',
    'c',
  ],
  [
    'Prefix /, /aaa, /aaa/bbb: /ccc matches the / prefix',
    [
      ['Prefix', '/', 'a'],
      ['Prefix', '/aaa', 'b'],
      ['Prefix', '/aaa/bbb', 'c'],
    ],
    '/ccc',
    'a',
  ],
  ['Prefix /aaa: /ccc uses the default backend (none here: 404)', [['Prefix', '/aaa', 'a']], '/ccc', '404'],
  [
    'Mixed /foo Prefix and /foo Exact: /foo prefers Exact',
    [
      ['Prefix', '/foo', 'a'],
      ['Exact', '/foo', 'b'],
    ],
    '/foo',
    'b',
  ],
];

for (const [name, paths, path, want] of table)
  test(`ingress path matching table (spec): ${name}`, () => {
    assert.equal(route(ingress('t', paths, { host: 'foo.com' }), `http://foo.com${path}`), want);
  });

test('ingress hostname wildcard *.foo.com matches exactly one label (spec #hostname-wildcards)', () => {
  const y = ingress('w', [['Prefix', '/', 'a']], { host: '*.foo.com' });
  assert.equal(route(y, 'http://bar.foo.com/'), 'a');
  assert.equal(route(y, 'http://baz.bar.foo.com/'), '404');
  assert.equal(route(y, 'http://foo.com/'), '404');
  assert.equal(
    route(y, 'http://baz.bar.foo.com/', { profile: 'ingress-nginx' }),
    'a',
    'nginx server_name wildcards match any depth',
  );
});

test('ingress precedence across Ingresses of a class: exact host before wildcard, longest path across objects', () => {
  const y =
    ingress('one', [['Prefix', '/', 'a']], { host: '*.foo.com' }) +
    ingress('two', [['Prefix', '/api', 'b']], { host: 'app.foo.com' }) +
    ingress('three', [['Prefix', '/api/v2', 'c']], { host: 'app.foo.com' });
  assert.equal(route(y, 'http://app.foo.com/api/v2/x'), 'c');
  assert.equal(route(y, 'http://app.foo.com/api'), 'b');
  assert.equal(route(y, 'http://other.foo.com/api'), 'a');
});

test('ingress defaultBackend answers what no rule matches (spec #default-backend)', () => {
  const y =
    `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: d}\nspec:\n  ingressClassName: web\n  defaultBackend: {service: {name: d, port: {number: 80}}}\n---\n` +
    ingress('t', [['Exact', '/x', 'a']], { host: 'foo.com' });
  assert.equal(route(y, 'http://foo.com/y'), 'd');
  assert.equal(route(y, 'http://foo.com/x'), 'a');
});

test('ingress class: default IngressClass claims Ingresses without a class; the legacy annotation still counts', () => {
  const base = `apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: other, annotations: {ingressclass.kubernetes.io/is-default-class: "true"}}\nspec: {controller: example.com/x}\n---\n`;
  const noClass = `apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: noclass}\nspec: {defaultBackend: {service: {name: a, port: {number: 80}}}}\n---\n`;
  const { model } = buildFromTexts([{ file: 'in.yaml', text: base + services + noClass }]);
  const r = compileRouter(model, { via: { kind: 'ingress-class', name: 'other' } });
  assert.ok(typeof r !== 'string');
  assert.equal(r.decide(parseRequest({ url: 'http://x/' }) as never).backends[0].name, 'a');
  const legacy = ingress('l', [['Prefix', '/', 'b']], { host: 'foo.com', cls: 'web' })
    .replace('  ingressClassName: web\n', '')
    .replace('name: l', 'name: l\n  annotations: {kubernetes.io/ingress.class: web}');
  assert.equal(route(legacy, 'http://foo.com/'), 'b');
});

test('ingress-nginx: use-regex on one Ingress turns every Prefix path of the host into a case-insensitive regex prefix', () => {
  const y =
    ingress('plain', [['Prefix', '/api', 'a']], { host: 'foo.com' }) +
    ingress('rx', [['ImplementationSpecific', '/v[0-9]+/items', 'b']], {
      host: 'foo.com',
      annotations: { 'nginx.ingress.kubernetes.io/use-regex': 'true' },
    });
  assert.equal(
    route(y, 'http://foo.com/apix', { profile: 'ingress-nginx' }),
    'a',
    'regex ^/api matches /apix',
  );
  assert.equal(route(y, 'http://foo.com/API', { profile: 'ingress-nginx' }), 'a', 'case-insensitive');
  assert.equal(route(y, 'http://foo.com/apix', { profile: 'spec' }), '404');
});

test('ingress-nginx: rewrite-target substitutes capture groups of the path regex', () => {
  const y = ingress('rw', [['ImplementationSpecific', '/something(/|$)(.*)', 'a']], {
    host: 'foo.com',
    annotations: { 'nginx.ingress.kubernetes.io/rewrite-target': '/$2' },
  });
  assert.equal(route(y, 'http://foo.com/something/new', { profile: 'ingress-nginx' }), 'a /new');
  assert.equal(route(y, 'http://foo.com/something', { profile: 'ingress-nginx' }), 'a /');
});

test('ingress-nginx: ssl-redirect sends HTTP to HTTPS with 308 when the host has TLS', () => {
  const y = ingress('s', [['Prefix', '/', 'a']], { host: 'foo.com', tls: true });
  assert.equal(route(y, 'http://foo.com/x?y=1', { profile: 'ingress-nginx' }), '308 https://foo.com/x?y=1');
  const off = ingress('s', [['Prefix', '/', 'a']], {
    host: 'foo.com',
    tls: true,
    annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' },
  });
  assert.equal(route(off, 'http://foo.com/x', { profile: 'ingress-nginx' }), 'a');
});

test('traefik: PathPrefix is a string prefix (/v1 matches /v11) unless strictPrefixMatching', () => {
  const y = ingress('t', [['Prefix', '/v1', 'a']], { host: 'foo.com' });
  assert.equal(route(y, 'http://foo.com/v11', { profile: 'traefik' }), 'a');
  assert.equal(route(y, 'http://foo.com/v11', { profile: 'traefik', strict: true }), '404');
  assert.equal(route(y, 'http://foo.com/v11', { profile: 'spec' }), '404');
});

test('traefik: the longer rule wins, so Prefix /foo beats Exact /foo (PathPrefix is longer than Path)', () => {
  const y = ingress(
    't',
    [
      ['Exact', '/foo', 'a'],
      ['Prefix', '/foo', 'b'],
    ],
    { host: 'foo.com' },
  );
  assert.equal(route(y, 'http://foo.com/foo', { profile: 'traefik' }), 'b');
  assert.equal(route(y, 'http://foo.com/foo', { profile: 'spec' }), 'a');
});

test('traefik: router.entrypoints and router.tls restrict the router to HTTPS on websecure', () => {
  const y = ingress('t', [['Prefix', '/', 'a']], {
    host: 'foo.com',
    annotations: {
      'traefik.ingress.kubernetes.io/router.entrypoints': 'websecure',
      'traefik.ingress.kubernetes.io/router.tls': 'true',
    },
  });
  assert.equal(route(y, 'https://foo.com/', { profile: 'traefik' }), 'a');
  assert.equal(route(y, 'http://foo.com/', { profile: 'traefik' }), '404');
});

test('a backend Service that does not exist gets 503', () => {
  assert.equal(
    route(ingress('t', [['Prefix', '/', 'missing']], { host: 'foo.com' }), 'http://foo.com/'),
    '503',
  );
});
