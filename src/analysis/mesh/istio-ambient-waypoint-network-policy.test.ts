/**
 * NetworkPolicies along an Istio ambient waypoint path: the client's ztunnel tunnels to port 15008 of a waypoint
 * pod, the waypoint opens its own HBONE connection to port 15008 of the server pod, and NetworkPolicy judges each
 * connection where it is enforced (https://istio.io/latest/docs/ambient/usage/networkpolicy/; istio/istio
 * pilot/pkg/xds/endpoints/endpoint_builder.go: the waypoint tunnels "to ip:15008"). On istio.io's ambient
 * Bookinfo with the namespace bound to the waypoint `waypoint`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { parseFlowTarget } from '../flows/index.ts';
import { PolicyEngine } from '../policy/index.ts';
import { reach, type ReachResult } from '../reach/index.ts';
import { createTraceContext, trace } from '../trace/index.ts';

const A = 'testdata/apps/istio-ambient';
const file = (name: string) => ({ file: `${A}/${name}`, text: readFileSync(`${A}/${name}`, 'utf8') });
const apps = ['bookinfo.yaml', 'curl.yaml', 'waypoint-namespace.yaml', 'waypoint.yaml'].map(file);
/** The waypoint's pod with the labels istiod's waypoint template gives it (istio-discovery/files/waypoint.yaml). */
const waypointPod = `apiVersion: v1
kind: Pod
metadata:
  name: waypoint-7b7d8c9f-abcde
  namespace: default
  labels: {gateway.networking.k8s.io/gateway-name: waypoint, gateway.istio.io/managed: istio.io-mesh-controller, istio.io/dataplane-mode: none}
spec:
  serviceAccountName: waypoint
  containers: [{name: istio-proxy, image: istio/proxyv2}]
status: {podIP: 10.244.9.9, phase: Running}
`;
const policy = (name: string, spec: string) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: ${name}, namespace: default}
spec:
${spec}`;
/** The server admits HBONE from the waypoint only, or from curl only (as it would without a waypoint). */
const serverFrom = (labels: string) =>
  policy(
    'productpage-hbone',
    `  podSelector: {matchLabels: {app: productpage}}
  policyTypes: [Ingress]
  ingress: [{from: [{podSelector: {matchLabels: ${labels}}}], ports: [{port: 15008}]}]
`,
  );
const fromWaypoint = serverFrom('{gateway.networking.k8s.io/gateway-name: waypoint}');
const fromCurl = serverFrom('{app: curl}');

function build(extra: string[]) {
  return buildFromTexts([...apps, ...extra.map((text, i) => ({ file: `extra-${i}.yaml`, text }))], {
    profile: file('kubetwin.yaml'),
  }).model;
}

function run(extra: string[]): ReachResult {
  const r = reach(new PolicyEngine(build(extra)), {
    from: 'default/curl',
    to: 'service:default/productpage',
    port: 9080,
    protocol: 'TCP',
  });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test("waypoint-network-policy-legs: the server's ingress sees the waypoint pod on 15008, not the client", () => {
  // Before: judged curl → productpage on 15008, so admitting the waypoint was DENIED and admitting curl ALLOWED.
  const admitted = run([waypointPod, fromWaypoint]);
  assert.equal(admitted.verdict, 'allowed');
  assert.match(admitted.pairs[0].waypoint?.join('\n') ?? '', /default\/waypoint-7b7d8c9f-abcde → .*:15008/);
  const refused = run([waypointPod, fromCurl]);
  assert.equal(refused.verdict, 'denied');
  assert.equal(
    refused.pairs[0].verdict?.ingress.isolatedBy[0]?.policy,
    'NetworkPolicy/default/productpage-hbone',
  );
  assert.match(
    refused.pairs[0].verdict?.ingress.misses[0]?.reason ?? '',
    /pod default\/waypoint-7b7d8c9f-abcde/,
  );
});

test("waypoint-network-policy-legs: the client's egress is to the waypoint pod on 15008", () => {
  const toServer = policy(
    'curl-egress',
    `  podSelector: {matchLabels: {app: curl}}
  policyTypes: [Egress]
  egress: [{to: [{podSelector: {matchLabels: {app: productpage}}}], ports: [{port: 15008}]}]
`,
  );
  const toWaypoint = toServer.replace(
    '{app: productpage}',
    '{gateway.networking.k8s.io/gateway-name: waypoint}',
  );
  const r = run([waypointPod, toServer]);
  assert.equal(r.verdict, 'denied');
  assert.equal(r.pairs[0].verdict?.egress.isolatedBy[0]?.policy, 'NetworkPolicy/default/curl-egress');
  assert.equal(run([waypointPod, toWaypoint]).verdict, 'allowed');
});

test("waypoint-network-policy-legs: the waypoint pod's own ingress and egress are judged, and the denying policy named", () => {
  const wp = (dir: 'Ingress' | 'Egress') =>
    policy(
      `waypoint-${dir.toLowerCase()}`,
      `  podSelector: {matchLabels: {gateway.networking.k8s.io/gateway-name: waypoint}}
  policyTypes: [${dir}]
`,
    );
  for (const dir of ['Ingress', 'Egress'] as const) {
    const r = run([waypointPod, wp(dir)]);
    assert.equal(r.verdict, 'denied', dir);
    assert.match(
      r.pairs[0].waypoint?.join('\n') ?? '',
      new RegExp(
        `${dir.toLowerCase()} at default/waypoint-7b7d8c9f-abcde \\(waypoint default/waypoint\\): DENIED — isolated by NetworkPolicy/default/waypoint-${dir.toLowerCase()}`,
      ),
    );
  }
});

test("waypoint-network-policy-legs: without the waypoint's pods, network policies make the answer unknown", () => {
  const r = run([fromWaypoint]);
  assert.equal(r.verdict, 'unknown');
  assert.ok(r.unknownReasons.some((u) => /whose pods are not in the input/.test(u)));
});

test('waypoint-network-policy-legs: trace names the denying leg and fixes it where it is enforced', () => {
  const model = build([waypointPod, fromCurl]);
  const to = parseFlowTarget('tcp://productpage:9080', undefined, undefined);
  assert.ok(typeof to !== 'string', String(to));
  const t = trace(createTraceContext(model), { kind: 'ref', namespace: 'default', name: 'curl' }, to);
  assert.equal(t.outcome, 'failed');
  assert.match(
    t.fix?.summary ?? '',
    /allow ingress to default\/productpage-v1 on 15008\/TCP from default\/waypoint-7b7d8c9f-abcde/,
  );
});
