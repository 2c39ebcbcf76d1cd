/**
 * GAMMA routes at an Istio ambient waypoint: an HTTPRoute whose parentRef is a Service bound to a waypoint is
 * applied by the waypoint, after its authorization (Envoy's RBAC filter runs before the router). istio.io's
 * example: Bookinfo in ambient with a waypoint, reviews split 90/10 between reviews-v1 and reviews-v2
 * (https://istio.io/latest/docs/ambient/getting-started/manage-traffic/). Without a waypoint, ztunnel is L4 and
 * the route does nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { createTraceContext, trace } from '../trace/index.ts';
import { clientPod, compileMesh, type MeshDecision } from './index.ts';

const A = 'testdata/apps/istio-ambient';
const file = (name: string) => ({ file: `${A}/${name}`, text: readFileSync(`${A}/${name}`, 'utf8') });
const base = ['bookinfo.yaml', 'bookinfo-versions.yaml', 'waypoint-pod.yaml', 'reviews-route-90-10.yaml'];
const withWaypoint = [...base, 'waypoint-namespace.yaml', 'waypoint.yaml'];

function build(files: readonly string[], extra: string[] = []) {
  return buildFromTexts(
    [...files.map(file), ...extra.map((text, i) => ({ file: `extra-${i}.yaml`, text }))],
    { profile: file('kubetwin.yaml') },
  ).model;
}

function route(
  files: readonly string[],
  extra: string[] = [],
  from = 'default/productpage-v1',
  method = 'GET',
) {
  const model = build(files, extra);
  const pod = clientPod(model, from);
  assert.ok(typeof pod !== 'string', String(pod));
  const d = compileMesh(model).route(
    {
      scheme: 'http',
      host: 'reviews.default.svc.cluster.local',
      port: 9080,
      path: '/reviews/0',
      query: [],
      method,
      headers: {},
    },
    pod,
  );
  assert.ok(typeof d !== 'string', String(d));
  return d as MeshDecision;
}

test('waypoint-gamma-route: the waypoint splits reviews 90/10 between reviews-v1 and reviews-v2, as istio.io shows', () => {
  const d = route(withWaypoint);
  assert.equal(d.unknown, undefined);
  assert.equal(d.waypoint, 'default/waypoint');
  assert.match(d.by, /^Istio waypoint default\/waypoint: Gateway API HTTPRoute \(GAMMA, producer routes\)/);
  assert.deepEqual(
    d.destinations.map((x) => `${x.name} ${x.weight}`),
    ['reviews-v1 90', 'reviews-v2 10'],
  );
});

test('waypoint-gamma-route: trace from an ambient client lands on the pods the waypoint sends to', () => {
  const model = build(withWaypoint);
  const to = parseFlowTarget('http://reviews:9080/reviews/0', undefined, undefined);
  assert.ok(typeof to !== 'string', String(to));
  const t = trace(
    createTraceContext(model),
    { kind: 'ref', namespace: 'default', name: 'productpage-v1' },
    to,
  );
  assert.equal(t.outcome, 'delivered');
  assert.deepEqual(t.unknown ?? [], []);
  const pods = t.hops.find((h) => h.kind === 'deliver')?.details.map((l) => l.split(' ')[0]);
  assert.ok(pods?.every((p) => /^default\/reviews-v[12]-/.test(p)) && pods.length === 2, String(pods));
});

test('waypoint-authorization-before-route: the waypoint refuses a request its policy denies before the route answers', () => {
  const redirect = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: reviews, namespace: default}
spec:
  parentRefs: [{group: "", kind: Service, name: reviews, port: 9080}]
  rules: [{filters: [{type: RequestRedirect, requestRedirect: {hostname: example.com, statusCode: 301}}]}]
`;
  const deny = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: reviews-no-delete, namespace: default}
spec:
  targetRefs: [{kind: Service, group: "", name: reviews}]
  action: DENY
  rules: [{to: [{operation: {methods: [DELETE]}}]}]
`;
  const files = withWaypoint.filter((f) => f !== 'reviews-route-90-10.yaml');
  assert.equal(route(files, [redirect, deny]).status, 301);
  const denied = route(files, [redirect, deny], 'default/productpage-v1', 'DELETE');
  assert.equal(denied.status, 403);
  assert.match(denied.by, /Istio waypoint default\/waypoint authorization/);
});

test('waypoint-gamma-route: a consumer route of the client namespace at a shared waypoint is unknown', () => {
  const client = `apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {istio.io/dataplane-mode: ambient}}
---
apiVersion: v1
kind: Pod
metadata: {name: curl, namespace: shop}
spec: {containers: [{name: c, image: curl}]}
status: {podIP: 10.244.7.7, phase: Running}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: reviews-v3-only, namespace: shop}
spec:
  parentRefs: [{group: "", kind: Service, name: reviews, namespace: default, port: 9080}]
  rules: [{backendRefs: [{name: reviews-v3, namespace: default, port: 9080}]}]
`;
  const d = route(withWaypoint, [client], 'shop/curl');
  assert.match(d.unknown ?? '', /consumer routes of namespace shop/);
});

test('gamma-without-waypoint: an ambient Service with no waypoint ignores its HTTPRoute (ztunnel is L4), and says so', () => {
  const d = route([...base, 'namespace-default.yaml']);
  assert.equal(d.unknown, undefined);
  assert.equal(d.waypoint, undefined);
  assert.deepEqual(
    d.destinations.map((x) => x.name),
    ['reviews'],
  );
  assert.ok(d.notes.some((n) => /no waypoint serves it: ztunnel .* does not apply HTTP routes/.test(n)));
});
