/**
 * Istio ambient waypoints: an ambient client's connection to a Service bound to a waypoint is authorized at the
 * waypoint (AuthorizationPolicies with targetRefs to its Gateway or the Service, HTTP attributes included), then
 * at the server's ztunnel, which sees the waypoint's identity.
 * https://istio.io/latest/docs/ambient/getting-started/enforce-auth-policies/ (the expected answers below)
 * https://istio.io/latest/docs/ambient/usage/l4-policy/#authorization-policy-attachment
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { PolicyEngine, type HttpRequest } from '../policy/index.ts';
import { reach, type ReachResult } from '../reach/index.ts';

const A = 'testdata/apps/istio-ambient';
const file = (name: string) => ({ file: `${A}/${name}`, text: readFileSync(`${A}/${name}`, 'utf8') });
const profile = file('kubetwin.yaml');
const apps = [
  file('bookinfo.yaml'),
  file('curl.yaml'),
  file('waypoint-namespace.yaml'),
  file('waypoint.yaml'),
];
/** The waypoint's pod as istiod's deployment controller labels it (its service account: not from upstream). */
const waypointPod = `apiVersion: v1
kind: Pod
metadata:
  name: waypoint-7b7d8c9f-abcde
  namespace: default
  labels: {gateway.networking.k8s.io/gateway-name: waypoint, gateway.istio.io/managed: istio.io-mesh-controller}
spec:
  serviceAccountName: waypoint
  containers: [{name: istio-proxy, image: istio/proxyv2, ports: [{containerPort: 15008}]}]
status: {podIP: 10.244.9.9, phase: Running}
`;
const get = { method: 'GET', path: '/productpage' } as HttpRequest;
const del = { method: 'DELETE', path: '/productpage' } as HttpRequest;

function run(extra: string[], from: string, http?: HttpRequest, base = apps): ReachResult {
  const { model } = buildFromTexts(
    [...base, ...extra.map((text, i) => ({ file: `extra-${i}.yaml`, text }))],
    {
      profile,
    },
  );
  const r = reach(new PolicyEngine(model), {
    from,
    to: 'service:default/productpage',
    port: 9080,
    protocol: 'TCP',
    ...(http ? { http } : {}),
  });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}
const l7 = file('productpage-viewer-l7.yaml').text;

test('waypoint-authorization: a policy targeting the Service is enforced at the waypoint, HTTP attributes included', () => {
  const ok = run([l7], 'default/curl', get);
  assert.equal(ok.verdict, 'allowed');
  assert.equal(ok.pairs[0].mesh?.proxy, 'waypoint');
  assert.equal(run([l7], 'default/curl', del).verdict, 'denied');
  assert.equal(run([l7], 'default/reviews-v1', get).verdict, 'denied');
  // Without the request, some requests pass.
  assert.equal(run([l7], 'default/curl').pairs[0].mesh?.l7, true);
});

test('waypoint-authorization: a policy targeting the waypoint Gateway applies; one targeting another Gateway does not', () => {
  const onGateway = (name: string) =>
    l7.replace(
      '  - kind: Service\n    group: ""\n    name: productpage',
      `  - kind: Gateway\n    group: gateway.networking.k8s.io\n    name: ${name}`,
    );
  assert.notEqual(onGateway('waypoint'), l7);
  assert.equal(run([onGateway('waypoint')], 'default/reviews-v1', get).verdict, 'denied');
  assert.equal(run([onGateway('other')], 'default/reviews-v1', get).verdict, 'allowed');
});

const serverL4 = (principal: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: productpage-ztunnel, namespace: default}
spec:
  selector: {matchLabels: {app: productpage}}
  action: ALLOW
  rules: [{from: [{source: {principals: [${principal}]}}]}]
`;

test("waypoint-identity: the server's ztunnel sees the waypoint's identity, so its L4 policy must admit the waypoint", () => {
  const client = run([waypointPod, serverL4('cluster.local/ns/default/sa/curl')], 'default/curl', get);
  assert.equal(client.verdict, 'denied');
  assert.match(client.pairs[0].mesh?.summary ?? '', /by the ztunnel of default\/productpage/);
  assert.equal(
    run([waypointPod, serverL4('cluster.local/ns/default/sa/waypoint')], 'default/curl', get).verdict,
    'allowed',
  );
});

test("waypoint-identity: without the waypoint's pods, a server policy on identity is unknown", () => {
  const r = run([serverL4('cluster.local/ns/default/sa/waypoint')], 'default/curl', get);
  assert.equal(r.verdict, 'unknown');
  assert.ok(
    r.pairs[0].mesh?.unknown.some((u) =>
      /pods of the waypoint default\/waypoint are not in the input/.test(u),
    ),
  );
});

test('waypoint-routes: a route bound to the Service at the waypoint is not modeled, so the answer is unknown', () => {
  const route = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: productpage, namespace: default}
spec:
  parentRefs: [{group: "", kind: Service, name: productpage, port: 9080}]
  rules: [{backendRefs: [{name: productpage, port: 9080}]}]
`;
  assert.equal(run([l7, route], 'default/curl', get).verdict, 'unknown');
});

test("waypoint-unknowns: a waypoint Gateway missing from the input, and network policies on the path without the waypoint's pods, stay unknown", () => {
  const noGateway = [file('bookinfo.yaml'), file('curl.yaml'), file('waypoint-namespace.yaml')];
  assert.equal(run([l7], 'default/curl', get, noGateway).verdict, 'unknown');
  const np = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: allow-all, namespace: default}
spec:
  podSelector: {}
  ingress: [{}]
`;
  const r = run([l7, np], 'default/curl', get);
  assert.equal(r.verdict, 'unknown');
  assert.ok(
    r.unknownReasons.some((u) =>
      /whose pods are not in the input: NetworkPolicies judge client → waypoint pod/.test(u),
    ),
  );
});
