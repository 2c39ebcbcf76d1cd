/**
 * Istio ambient's HBONE port: ztunnel tunnels a connection between ambient pods to port 15008 of the server pod, so
 * NetworkPolicies (enforced outside the pod) judge 15008, not the application's port; between an ambient pod and a
 * sidecar it rests on istiod's HBONE flags (PILOT_ENABLE_SENDING_HBONE, PILOT_ENABLE_SIDECAR_LISTENING_HBONE), so
 * a verdict that differs between the two ports is unknown. https://istio.io/latest/docs/ambient/usage/networkpolicy/
 * The apps are the mtls-migration task's (sleep and httpbin in foo — ambient here —, bar — injected — and legacy).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { PolicyEngine } from '../policy/index.ts';
import { reach, type ReachResult } from '../reach/index.ts';
import { computeMatrix } from '../matrix/index.ts';
import { readFlowsFile } from '../flows/index.ts';
import { parseManifests } from '../../parse/index.ts';
import { suggestPolicies } from '../suggest/index.ts';
import { runDoctor } from '../doctor/index.ts';

const dir = 'testdata/scenarios/mesh-istio-mtls-migration/input';
const apps = readFileSync(`${dir}/apps.yaml`, 'utf8').replace(
  'metadata: {name: foo, labels: {istio-injection: enabled}}',
  'metadata: {name: foo, labels: {istio.io/dataplane-mode: ambient}}',
);
const profile = { file: 'kubetwin.yaml', text: readFileSync(`${dir}/kubetwin.yaml`, 'utf8') };

/** httpbin in foo admits `ports` only (the example of istio.io's "Ambient and Kubernetes NetworkPolicy"). */
const httpbinAdmits = (...ports: number[]) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: httpbin, namespace: foo}
spec:
  podSelector: {matchLabels: {app: httpbin}}
  policyTypes: [Ingress]
  ingress:
  - ports: [${ports.map((p) => `{port: ${p}, protocol: TCP}`).join(', ')}]
`;

function engineFor(extra: string) {
  const { model } = buildFromTexts(
    [
      { file: 'apps.yaml', text: apps },
      { file: 'policy.yaml', text: extra },
    ],
    { profile },
  );
  return new PolicyEngine(model);
}

function run(extra: string, from: string): ReachResult {
  const r = reach(engineFor(extra), { from, to: 'service:foo/httpbin', port: 8000, protocol: 'TCP' });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

test('rule ambient-hbone-15008: between ambient pods the NetworkPolicies judge port 15008, not the application port', () => {
  const denied = run(httpbinAdmits(80), 'foo/sleep');
  assert.equal(denied.verdict, 'denied');
  assert.match(denied.notes.join('\n'), /tunnels the connection over HBONE to port 15008/);
  assert.equal(run(httpbinAdmits(80, 15008), 'foo/sleep').verdict, 'allowed');
  assert.equal(run(httpbinAdmits(15008), 'foo/sleep').verdict, 'allowed');
});

test('rule ambient-hbone-15008: a client outside the mesh sends plaintext to the application port', () => {
  assert.equal(run(httpbinAdmits(80), 'legacy/sleep').verdict, 'allowed');
  assert.equal(run(httpbinAdmits(15008), 'legacy/sleep').verdict, 'denied');
});

test('rule ambient-hbone-15008: from a sidecar to an ambient pod the port rests on istiod flags: unknown where the policies tell them apart', () => {
  const r = run(httpbinAdmits(80), 'bar/sleep');
  assert.equal(r.verdict, 'unknown');
  assert.match(r.unknownReasons.join('\n'), /admit port 80 but refuse 15008; .*PILOT_ENABLE_SENDING_HBONE/);
  assert.equal(run(httpbinAdmits(80, 15008), 'bar/sleep').verdict, 'allowed');
});

test('rule ambient-hbone-15008: the matrix warns that cells to an ambient pod whose policies admit its port and 15008 differently may be wrong', () => {
  const warnings = (extra: string) =>
    computeMatrix(engineFor(extra), { by: 'workload', namespaces: ['foo', 'bar', 'legacy'] }).warnings.filter(
      (w) => w.includes('HBONE'),
    );
  assert.equal(warnings(httpbinAdmits(80)).length, 1);
  assert.match(warnings(httpbinAdmits(80))[0], /\(foo\/httpbin\)/);
  assert.deepEqual(warnings(httpbinAdmits(80, 15008)), []);
});

test('rule ambient-hbone-15008: suggest policies admits 15008 between ambient pods, and both ports from a sidecar', () => {
  const engine = engineFor('');
  const flows = readFlowsFile(
    parseManifests([
      {
        file: 'flows.yaml',
        text: `flows:
  - name: ambient
    steps: [{from: foo/sleep, to: "http://httpbin.foo:8000/ip"}]
  - name: sidecar
    steps: [{from: bar/sleep, to: "http://httpbin.foo:8000/ip"}]
`,
      },
    ]).objects,
    () => {},
  );
  const s = suggestPolicies(engine.model, flows);
  const edges = s.edges.map(
    (e) =>
      `${e.from.kind === 'pods' ? e.from.group : e.from.kind} -> ${e.to.kind === 'pods' ? e.to.group : e.to.kind}:${e.port}`,
  );
  assert.ok(edges.includes('foo/sleep -> foo/httpbin:15008'), edges.join('\n'));
  assert.ok(!edges.includes('foo/sleep -> foo/httpbin:80'), edges.join('\n'));
  assert.ok(edges.includes('bar/sleep -> foo/httpbin:80'), edges.join('\n'));
  assert.ok(edges.includes('bar/sleep -> foo/httpbin:15008'), edges.join('\n'));
  assert.equal(s.check.delivered, s.check.steps);
});

test('rule ambient-hbone-15008: doctor mesh-proxy-port-blocked names an ambient client admitted to the port but not to 15008', () => {
  const blocked = (extra: string) =>
    runDoctor(engineFor(extra).model).filter((f) => f.code === 'mesh-proxy-port-blocked');
  const f = blocked(httpbinAdmits(80));
  assert.equal(f.length, 1);
  assert.match(f[0].message, /admit foo\/sleep to foo\/httpbin on port 80 but not on 15008/);
  assert.match(f[0].fix ?? '', /Allow ingress to foo\/httpbin on TCP 15008/);
  assert.deepEqual(blocked(httpbinAdmits(80, 15008)), []);
});

/** istiod, ztunnel (labels of istio/istio's charts) and a waypoint Deployment as istiod deploys it for foo. */
const controlPlane = `apiVersion: v1
kind: Namespace
metadata: {name: istio-system}
---
apiVersion: v1
kind: Service
metadata: {name: istiod, namespace: istio-system}
spec: {selector: {app: istiod}, ports: [{name: https-dns, port: 15012}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: istiod, namespace: istio-system}
spec:
  selector: {matchLabels: {app: istiod}}
  template:
    metadata: {labels: {app: istiod}}
    spec: {containers: [{name: discovery, image: pilot, ports: [{containerPort: 15012}]}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ztunnel, namespace: istio-system}
spec:
  selector: {matchLabels: {app: ztunnel}}
  template:
    metadata: {labels: {app: ztunnel, sidecar.istio.io/inject: "false"}}
    spec: {serviceAccountName: ztunnel, containers: [{name: istio-proxy, image: ztunnel}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: waypoint, namespace: foo}
spec:
  selector: {matchLabels: {gateway.networking.k8s.io/gateway-name: waypoint}}
  template:
    metadata: {labels: {gateway.networking.k8s.io/gateway-name: waypoint, gateway.istio.io/managed: istio.io-mesh-controller}}
    spec: {serviceAccountName: waypoint, containers: [{name: istio-proxy, image: proxyv2, ports: [{containerPort: 15008}]}]}
`;

test('rule ambient-proxies-need-istiod: suggest admits waypoints and ztunnel to istiod 15012, and doctor flags a default deny that cuts them off', () => {
  const engine = engineFor(`${controlPlane}\n---\n${httpbinAdmits(80, 15008)}`);
  const s = suggestPolicies(engine.model, []);
  const toIstiod = s.edges
    .filter((e) => e.port === 15012 && e.from.kind === 'pods')
    .map((e) => (e.from.kind === 'pods' ? e.from.group : ''));
  assert.ok(toIstiod.includes('foo/waypoint'), toIstiod.join(', '));
  assert.ok(toIstiod.includes('istio-system/ztunnel'), toIstiod.join(', '));
  // Ambient application pods have no proxy of their own: ztunnel talks to istiod for them.
  assert.ok(!toIstiod.includes('foo/sleep'), toIstiod.join(', '));
  const denyFoo = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: default-deny, namespace: foo}
spec: {podSelector: {}, policyTypes: [Egress]}
`;
  const cut = runDoctor(engineFor(`${controlPlane}\n---\n${denyFoo}`).model).filter(
    (f) => f.code === 'mesh-control-plane-blocked',
  );
  assert.ok(
    cut.some((f) => f.message.includes('foo/waypoint')),
    cut.map((f) => f.message).join('\n'),
  );
});
