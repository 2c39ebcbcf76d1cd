/**
 * An ingress controller whose pods carry an injected mesh proxy, judged as the proxy does on both sides
 * (https://linkerd.io/2/tasks/using-ingress/, https://istio.io/latest/docs/ops/configuration/traffic-management/traffic-routing/,
 * https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#service-upstream).
 * - mesh-ingress-controller-inbound: the proxy at the controller judges the connection from outside (Istio:
 *   PeerAuthentication and AuthorizationPolicy; Linkerd: the inbound policy). trace said DELIVERED where the
 *   sidecar refuses the load balancer's plaintext under STRICT (reach already said DENIED).
 * - mesh-ingress-controller-upstream: on the way out, the proxy sees what the controller dials: ingress-nginx's
 *   endpoint addresses (no Service routing; Istio: a pod address, whose mTLS is not known) or, with
 *   service-upstream, the ClusterIP (routed by the Service). trace judged the hop as a plain request through the
 *   Service: under Istio mTLS and the principal rule confidently held, and under Linkerd the Service's routes were
 *   never applied with service-upstream.
 * - mesh-ingress-controller-addressing-unknown: a meshed controller kubetwin does not know how to address the
 *   backend with is unknown, never DELIVERED.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { createTraceContext, trace } from './index.ts';

const dir = 'testdata/scenarios/mesh-ingress-controller-proxy';
const read = (path: string) => ({ file: path, text: readFileSync(path, 'utf8') });

function traceIn(mesh: 'istio' | 'linkerd', files: readonly string[], host: string, path = '/') {
  const base =
    mesh === 'istio'
      ? [
          'input/ingress-nginx.yaml',
          'input/httpbin.yaml',
          'input/peer-authentication-strict.yaml',
          'input/authorization-policy.yaml',
        ]
      : ['linkerd/ingress-nginx.yaml', 'linkerd/emojivoto-web.yaml'];
  const { model } = buildFromTexts(
    [...base, ...files].map((f) =>
      f.includes('\n') ? { file: 'extra.yaml', text: f } : read(`${dir}/${f}`),
    ),
    { profile: read(`${dir}/${mesh === 'istio' ? 'input' : 'linkerd'}/kubetwin.yaml`) },
  );
  const to = parseFlowTarget(`http://203.0.113.20${path}`, undefined, undefined);
  assert.ok(typeof to !== 'string' && to.kind === 'url', String(to));
  return trace(createTraceContext(model), { kind: 'internet' }, { ...to, headers: { host } });
}

const hop = (t: ReturnType<typeof traceIn>, title: RegExp) => t.hops.find((h) => title.test(h.title));
/** The last hop whose title matches: the backend's, after the controller's. */
const lastHop = (t: ReturnType<typeof traceIn>, title: RegExp) =>
  [...t.hops].reverse().find((h) => title.test(h.title));

test('mesh-ingress-controller-inbound: the controller sidecar refuses the load balancer plaintext under STRICT', () => {
  const t = traceIn(
    'istio',
    ['variants/controller-sidecar.yaml', 'variants/ingress.yaml'],
    'httpbin.example.com',
    '/get',
  );
  assert.equal(t.outcome, 'failed');
  assert.equal(
    hop(t, /^mesh mTLS: .* at the pods behind ingress-nginx\/ingress-nginx-controller/)?.verdict,
    'fail',
  );
  assert.ok(!t.hops.some((h) => h.kind === 'route'), 'the request never reaches nginx');
  assert.match(t.fix?.summary ?? '', /traffic\.sidecar\.istio\.io\/excludeInboundPorts: "80"/);
});

test('mesh-ingress-controller-inbound: a Linkerd default inbound policy on the controller refuses an outside client', () => {
  const t = traceIn(
    'linkerd',
    ['linkerd/controller-all-authenticated.yaml', 'linkerd/ingress.yaml'],
    'emoji.example.com',
  );
  assert.equal(t.outcome, 'failed');
  assert.match(t.failure?.reason ?? '', /all-authenticated/);
  const open = traceIn(
    'linkerd',
    ['linkerd/controller-enabled.yaml', 'linkerd/ingress.yaml'],
    'emoji.example.com',
  );
  assert.equal(hop(open, /^mesh authorization .* at the pods behind/)?.verdict, 'ok');
});

test('mesh-ingress-controller-upstream: Istio, ingress-nginx dials the pod address, so mTLS and the principal rule are unknown', () => {
  const t = traceIn(
    'istio',
    ['variants/controller-sidecar-inbound-excluded.yaml', 'variants/ingress.yaml'],
    'httpbin.example.com',
    '/get',
  );
  assert.ok(
    !hop(t, /^mesh .* at the pods behind/),
    'inbound capture off: the sidecar does not judge the load balancer',
  );
  assert.match(hop(t, /^istio proxy of controller/)?.title ?? '', /endpoint address, no Service routing/);
  assert.ok(
    t.unknown?.some((u) => u.includes('uses mTLS for a pod address')),
    JSON.stringify(t.unknown),
  );
});

test('mesh-ingress-controller-upstream: Istio, service-upstream with a Host naming the Service is mTLS from the controller identity', () => {
  const t = traceIn(
    'istio',
    ['variants/controller-sidecar-inbound-excluded.yaml', 'variants/ingress-service-upstream.yaml'],
    'httpbin.example.com',
    '/get',
  );
  assert.equal(t.outcome, 'delivered');
  assert.equal(t.unknown, undefined);
  assert.match(
    lastHop(t, /^mesh mTLS/)?.details.join('\n') ?? '',
    /spiffe:\/\/cluster\.local\/ns\/ingress-nginx\/sa\/ingress-nginx/,
  );
  // Without upstream-vhost the sidecar routes by the outside Host: not modeled, unknown.
  const bare = readFileSync(`${dir}/variants/ingress-service-upstream.yaml`, 'utf8').replace(
    /\n.*upstream-vhost.*/,
    '',
  );
  const u = traceIn(
    'istio',
    ['variants/controller-sidecar-inbound-excluded.yaml', bare],
    'httpbin.example.com',
    '/get',
  );
  assert.ok(
    u.unknown?.some((x) => x.includes('Host header httpbin.example.com')),
    JSON.stringify(u.unknown),
  );
});

test('mesh-ingress-controller-upstream: Linkerd applies the Service routes only when the controller dials the Service', () => {
  const endpoints = traceIn(
    'linkerd',
    ['linkerd/controller-enabled.yaml', 'linkerd/ingress.yaml'],
    'emoji.example.com',
  );
  assert.equal(
    endpoints.outcome,
    'delivered',
    'an endpoint address: the HTTPRoute on web-svc does not apply',
  );
  assert.match(
    lastHop(endpoints, /^mesh mTLS/)?.details.join('\n') ?? '',
    /ingress-nginx\.ingress-nginx\.serviceaccount\.identity/,
  );
  const service = traceIn(
    'linkerd',
    ['linkerd/controller-enabled.yaml', 'linkerd/ingress-service-upstream.yaml'],
    'emoji.example.com',
  );
  assert.equal(service.outcome, 'failed');
  assert.match(service.failure?.reason ?? '', /404/);
});

test('mesh-ingress-controller-upstream: Linkerd ingress mode without l5d-dst-override is unknown', () => {
  const t = traceIn(
    'linkerd',
    ['linkerd/controller-ingress-mode.yaml', 'linkerd/ingress.yaml'],
    'emoji.example.com',
  );
  assert.ok(
    t.unknown?.some((u) => u.includes('ingress mode')),
    JSON.stringify(t.unknown),
  );
});

test('mesh-ingress-controller-addressing-unknown: a meshed controller under a profile whose addressing kubetwin does not know is unknown', () => {
  // The same pods judged under the plain `spec` profile: how that controller dials its backends is not modeled.
  const profile =
    'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmesh: {name: linkerd}\ningressControllers: {nginx: spec}\n';
  const files = ['ingress-nginx.yaml', 'emojivoto-web.yaml', 'ingress.yaml', 'controller-enabled.yaml'];
  const { model } = buildFromTexts(
    files.map((f) => read(`${dir}/linkerd/${f}`)),
    { profile: { file: 'kubetwin.yaml', text: profile } },
  );
  const to = parseFlowTarget('http://203.0.113.20/', undefined, undefined);
  assert.ok(typeof to !== 'string' && to.kind === 'url', String(to));
  const t = trace(
    createTraceContext(model),
    { kind: 'internet' },
    { ...to, headers: { host: 'emoji.example.com' } },
  );
  assert.ok(
    t.unknown?.some((u) => u.includes('sends to the endpoints') && u.includes('is not modeled by kubetwin')),
    JSON.stringify(t.unknown),
  );
});
