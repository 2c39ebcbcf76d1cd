/**
 * The AWS Load Balancer Controller's ALB as kubernetes-sigs/aws-load-balancer-controller builds it: one ALB per
 * IngressGroup (pkg/ingress/group_loader.go), listener rules in priority order where the first match wins
 * (pkg/ingress/model_build_listener_rules.go, https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html),
 * path patterns as globs, a fixed 404 or the one defaultBackend as the default action
 * (pkg/ingress/model_build_listener.go). Guide: https://kubernetes-sigs.github.io/aws-load-balancer-controller/latest/guide/ingress/spec/
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequest } from '../route/index.ts';
import { ingressClass, ingressRouter, service } from './_test-fixtures.ts';
import { albGlob, albPathPatterns } from './_alb.ts';

const ingress = (
  name: string,
  annotations: Record<string, string>,
  rules: string,
  extra = '',
) => `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: ${name}
  annotations: ${JSON.stringify(annotations)}
spec:
  ingressClassName: alb
${extra}  rules:
${rules}
`;
const rule = (host: string | undefined, ...paths: string[]) =>
  `  - ${host ? `host: ${host}\n    ` : ''}http:\n      paths:\n${paths.join('\n')}`;
const path = (type: string, p: string, svc: string, port = '{number: 80}') =>
  `      - {path: "${p}", pathType: ${type}, backend: {service: {name: ${svc}, port: ${port}}}}`;

const cluster = (...docs: string[]) =>
  [ingressClass('alb', 'ingress.k8s.aws/alb'), service('a'), service('b'), service('c'), ...docs].join(
    '---\n',
  );

function answer(text: string, url: string) {
  const req = parseRequest({ url });
  if (typeof req === 'string') throw new Error(req);
  return ingressRouter(text, 'alb').explain(req).decision;
}

test('rule alb-first-match-wins: an earlier Ingress of the group (group.order) takes the request before a longer path of a later one', () => {
  const text = cluster(
    ingress(
      'catch-all',
      { 'alb.ingress.kubernetes.io/group.name': 'shop', 'alb.ingress.kubernetes.io/group.order': '1' },
      rule(undefined, path('Prefix', '/', 'a')),
    ),
    ingress(
      'api',
      { 'alb.ingress.kubernetes.io/group.name': 'shop', 'alb.ingress.kubernetes.io/group.order': '2' },
      rule('shop.example.com', path('Prefix', '/api', 'b')),
    ),
  );
  const d = answer(text, 'http://shop.example.com/api/orders');
  assert.equal(d.backends[0]?.name, 'a', 'the ALB evaluates the catch-all rule first');
  assert.match(d.notes.join('\n'), /DIFFERS FROM SPEC: .*Prefix \/api/);
  assert.ok(d.lost.some((l) => /has a higher priority \(first match wins\)/.test(l.reason)));
  // Reversed order: the api rule comes first.
  const reversed = text.replace(
    'alb.ingress.kubernetes.io/group.order":"1"',
    'alb.ingress.kubernetes.io/group.order":"3"',
  );
  assert.equal(answer(reversed, 'http://shop.example.com/api/orders').backends[0]?.name, 'b');
  // Same order: namespace/name decides (api before catch-all).
  const same = text.replace(
    'alb.ingress.kubernetes.io/group.order":"1"',
    'alb.ingress.kubernetes.io/group.order":"2"',
  );
  assert.equal(answer(same, 'http://shop.example.com/api/orders').backends[0]?.name, 'b');
});

test('rule alb-path-order: in a rule, Exact paths first, then Prefix longest first, then ImplementationSpecific in order', () => {
  const text = cluster(
    ingress(
      'web',
      {},
      rule(
        'foo.com',
        path('ImplementationSpecific', '/*', 'c'),
        path('Prefix', '/a', 'a'),
        path('Prefix', '/a/b', 'b'),
        path('Exact', '/x', 'b'),
      ),
    ),
  );
  assert.equal(answer(text, 'http://foo.com/a/b/c').backends[0]?.name, 'b');
  assert.equal(answer(text, 'http://foo.com/a/z').backends[0]?.name, 'a');
  assert.equal(answer(text, 'http://foo.com/x').backends[0]?.name, 'b');
  assert.equal(
    answer(text, 'http://foo.com/zzz').backends[0]?.name,
    'c',
    'the ImplementationSpecific /* glob matches any path',
  );
});

test('rule alb-path-patterns: Prefix /p is the patterns /p and /p/*, / is /*, ImplementationSpecific is a case-sensitive glob', () => {
  assert.deepEqual(albPathPatterns({ path: '/api/', pathType: 'Prefix' }), ['/api', '/api/*']);
  assert.deepEqual(albPathPatterns({ path: '/', pathType: 'Prefix' }), ['/*']);
  assert.equal(
    albPathPatterns({ path: '/a*', pathType: 'Exact' }),
    undefined,
    'wildcards refused outside ImplementationSpecific',
  );
  assert.ok(albGlob('/img/*.png', '/img/a/b.png'));
  assert.ok(!albGlob('/API/*', '/api/x'), 'paths are case-sensitive');
  assert.ok(albGlob('*.EXAMPLE.com', 'a.b.example.com', true), 'host headers are not');
  assert.ok(albGlob('/v?/x', '/v2/x') && !albGlob('/v?/x', '/v10/x'));
  const text = cluster(ingress('web', {}, rule('foo.com', path('Prefix', '/api', 'a'))));
  assert.equal(answer(text, 'http://foo.com/apix').status, 404);
  assert.equal(answer(text, 'http://foo.com/api').backends[0]?.name, 'a');
});

test('rule alb-default-action: no match is a fixed 404, or the one defaultBackend of the group; two make the group unknown', () => {
  const none = cluster(ingress('web', {}, rule('foo.com', path('Prefix', '/api', 'a'))));
  const d = answer(none, 'http://foo.com/other');
  assert.equal(d.status, 404);
  assert.match(d.notes.join('\n'), /fixed 404/);
  const withDefault = cluster(
    ingress(
      'web',
      { 'alb.ingress.kubernetes.io/group.name': 'g' },
      rule('foo.com', path('Prefix', '/api', 'a')),
      '  defaultBackend: {service: {name: c, port: {number: 80}}}\n',
    ),
  );
  assert.equal(answer(withDefault, 'http://foo.com/other').backends[0]?.name, 'c');
  const two = cluster(
    ingress(
      'web',
      { 'alb.ingress.kubernetes.io/group.name': 'g' },
      rule('foo.com', path('Prefix', '/api', 'a')),
      '  defaultBackend: {service: {name: c, port: {number: 80}}}\n',
    ),
    ingress(
      'web2',
      { 'alb.ingress.kubernetes.io/group.name': 'g' },
      rule('foo.com', path('Prefix', '/b', 'b')),
      '  defaultBackend: {service: {name: a, port: {number: 80}}}\n',
    ),
  );
  assert.match(
    (answer(two, 'http://foo.com/other').unknown ?? []).map((u) => u.text).join('\n'),
    /multiple ingress defined default backend/,
  );
});

test('rule alb-ingress-group: Ingresses without group.name are separate ALBs; a host two of them take is unknown', () => {
  const text = cluster(
    ingress('one', {}, rule(undefined, path('Prefix', '/', 'a'))),
    ingress('two', {}, rule('foo.com', path('Prefix', '/', 'b'))),
  );
  const d = answer(text, 'http://foo.com/');
  assert.match(
    (d.unknown ?? []).map((u) => u.text).join('\n'),
    /are separate ALBs that both take host foo\.com/,
  );
  assert.equal(
    answer(text.replace('- host: foo.com', '- host: bar.com'), 'http://bar.com/').unknown?.length,
    1,
  );
  assert.equal(
    answer(cluster(ingress('two', {}, rule('foo.com', path('Prefix', '/', 'b')))), 'http://foo.com/').unknown,
    undefined,
  );
});

test('rule alb-listeners: rules attach to listen-ports (default HTTP:80, HTTPS:443 with a certificate); ssl-redirect answers HTTP with a redirect', () => {
  const text = cluster(ingress('web', {}, rule('foo.com', path('Prefix', '/', 'a'))));
  assert.equal(answer(text, 'https://foo.com/').status, 404, 'no HTTPS listener without a certificate');
  assert.match(
    answer(text, 'https://foo.com/').notes.join('\n'),
    /nothing listens on that port: the connection is refused/,
  );
  const both = cluster(
    ingress(
      'web',
      {
        'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP": 80}, {"HTTPS": 443}]',
        'alb.ingress.kubernetes.io/ssl-redirect': '443',
      },
      rule('foo.com', path('Prefix', '/', 'a')),
    ),
  );
  const r = answer(both, 'http://foo.com/x?y=1');
  assert.equal(r.redirect?.location, 'https://foo.com/x?y=1');
  assert.equal(r.redirect?.status, 301);
  assert.equal(answer(both, 'https://foo.com/x').backends[0]?.name, 'a');
});

test('rule alb-unmodeled-actions-conditions: a use-annotation backend or a conditions annotation on the matching rule is unknown', () => {
  const actions = cluster(
    ingress(
      'web',
      { 'alb.ingress.kubernetes.io/actions.redirect': '{"type":"redirect"}' },
      rule('foo.com', path('Prefix', '/', 'redirect', '{name: use-annotation}')),
    ),
  );
  assert.match(
    (answer(actions, 'http://foo.com/').unknown ?? []).map((u) => u.text).join('\n'),
    /actions\.redirect/,
  );
  const conditions = cluster(
    ingress(
      'web',
      { 'alb.ingress.kubernetes.io/conditions.a': '[{"field":"http-header"}]' },
      rule('foo.com', path('Prefix', '/', 'a')),
    ),
  );
  assert.match(
    (answer(conditions, 'http://foo.com/').unknown ?? []).map((u) => u.text).join('\n'),
    /conditions\.a adds conditions/,
  );
});

test('rule alb-class: the annotation kubernetes.io/ingress.class: alb without an IngressClass object runs the alb profile', () => {
  const text = [
    service('a'),
    service('b'),
    `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
  annotations: {kubernetes.io/ingress.class: alb}
spec:
  rules:
  - http: {paths: [{path: "/*", pathType: ImplementationSpecific, backend: {service: {name: a, port: {number: 80}}}}]}
`,
  ].join('---\n');
  const req = parseRequest({ url: 'http://any.example.com/index.html' });
  if (typeof req === 'string') throw new Error(req);
  const r = ingressRouter(text, 'alb').explain(req);
  assert.equal(r.profile, 'alb');
  assert.equal(r.decision.backends[0]?.name, 'a', 'the /* pattern matches every path on the ALB');
});
