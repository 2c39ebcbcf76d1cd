/**
 * Istio ambient mode: enrollment, and waypoints (not modeled: a connection through one is unknown, never allowed).
 * ztunnel's own L4 policy and PeerAuthentication are tested in istio-ambient-ztunnel.test.ts.
 * https://istio.io/latest/docs/ambient/usage/add-workloads/
 * https://istio.io/latest/docs/ambient/usage/l4-policy/
 * The apps are the mtls-migration task's (sleep and httpbin in foo, bar — injected — and legacy).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { PolicyEngine, type HttpRequest } from '../policy/index.ts';
import { reach, type ReachResult } from '../reach/index.ts';
import { clientPod, compileMesh } from './index.ts';
import { renderGet } from '../../render/get.ts';

const dir = 'testdata/scenarios/mesh-istio-mtls-migration/input';
const apps = readFileSync(`${dir}/apps.yaml`, 'utf8');
const profile = { file: 'kubetwin.yaml', text: readFileSync(`${dir}/kubetwin.yaml`, 'utf8') };
const injected = (ns: string) => `metadata: {name: ${ns}, labels: {istio-injection: enabled}}`;

/** `apps` with namespace `ns` labelled `labels` instead of its own labels. */
const relabel = (text: string, ns: string, labels: string) =>
  text.replace(
    ns === 'legacy' ? 'metadata: {name: legacy, labels: {}}' : injected(ns),
    `metadata: {name: ${ns}, labels: {${labels}}}`,
  );
const ambientFoo = relabel(apps, 'foo', 'istio.io/dataplane-mode: ambient');

function run(appsText: string, extra: string, from: string, http?: HttpRequest): ReachResult {
  const { model } = buildFromTexts(
    [
      { file: 'apps.yaml', text: appsText },
      { file: 'policy.yaml', text: extra },
    ],
    { profile },
  );
  const r = reach(new PolicyEngine(model), {
    from,
    to: 'service:foo/httpbin',
    port: 8000,
    protocol: 'TCP',
    ...(http ? { http } : {}),
  });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

const allowGet = `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: httpbin-get, namespace: foo}
spec:
  selector: {matchLabels: {app: httpbin}}
  action: ALLOW
  rules: [{to: [{operation: {methods: [GET]}}]}]
`;
const strictFoo = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: default, namespace: foo}
spec: {mtls: {mode: STRICT}}
`;
const post = { method: 'POST', path: '/post' } as HttpRequest;

test('ambient-use-waypoint: a waypoint bound to the namespace makes reach unknown', () => {
  const waypointed = relabel(
    apps,
    'foo',
    'istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint',
  );
  const r = run(waypointed, '', 'bar/sleep');
  assert.equal(r.verdict, 'unknown');
  assert.match(r.pairs[0].mesh?.unknown[0] ?? '', /use-waypoint=waypoint/);
});

test('ambient-add-workloads: without a waypoint, a policy or STRICT, ztunnel passes the connection on', () => {
  assert.equal(run(ambientFoo, '', 'legacy/sleep').verdict, 'allowed');
});

test('ambient-add-workloads: the pod label istio.io/dataplane-mode=none opts a pod out', () => {
  const optedOut = ambientFoo.replace(
    'metadata: {labels: {app: httpbin, version: v1}}',
    "metadata: {labels: {app: httpbin, version: v1, 'istio.io/dataplane-mode': none}}",
  );
  assert.notEqual(optedOut, ambientFoo);
  // No proxy at all judges the request: the policy has no effect.
  assert.equal(run(optedOut, allowGet, 'bar/sleep', post).verdict, 'allowed');
});

test('ambient-sidecar-precedence: a pod with a sidecar is judged by its sidecar, not ztunnel', () => {
  const both = relabel(apps, 'foo', 'istio-injection: enabled, istio.io/dataplane-mode: ambient');
  assert.equal(run(both, allowGet, 'bar/sleep', post).verdict, 'denied');
});

test('ambient-client: an ambient client to a STRICT sidecar server is unknown, not refused as plaintext', () => {
  const ambientLegacy = relabel(apps, 'legacy', 'istio.io/dataplane-mode: ambient');
  const r = run(ambientLegacy, strictFoo, 'legacy/sleep');
  assert.equal(r.verdict, 'unknown');
  assert.equal(r.pairs[0].mesh?.mtls.transport, 'unknown');
});

test('ambient-client: matrix keeps an ambient client apart from plaintext ones and warns that its cells may be wrong', async () => {
  const { computeMatrix, matrixEntries } = await import('../matrix/index.ts');
  const { model } = buildFromTexts(
    [
      { file: 'apps.yaml', text: relabel(apps, 'legacy', 'istio.io/dataplane-mode: ambient') },
      { file: 'p.yaml', text: strictFoo },
    ],
    { profile },
  );
  const m = computeMatrix(new PolicyEngine(model), {
    by: 'workload',
    namespaces: ['kube-system', 'foo', 'legacy'],
  });
  const cell = (from: string, to: string) =>
    matrixEntries(m, { denied: true }).find((e) => e.from === from && e.to === to && e.port === 80)
      ?.allowedPairs;
  assert.equal(cell('kube-system/coredns', 'foo/httpbin'), 0);
  assert.equal(cell('legacy/sleep', 'foo/httpbin'), 1);
  assert.ok(m.warnings.some((w) => w.includes('ambient mode (namespaces legacy)')));
});

test('ambient-waypoint-routing: route for a Service with a waypoint from a sidecar-less client is unknown', () => {
  const waypointed = relabel(
    apps,
    'foo',
    'istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint',
  );
  const { model } = buildFromTexts([{ file: 'apps.yaml', text: waypointed }], { profile });
  const pod = clientPod(model, 'legacy/sleep');
  assert.ok(typeof pod !== 'string', String(pod));
  const host = 'httpbin.foo.svc.cluster.local';
  const req = {
    scheme: 'http',
    host,
    port: 8000,
    path: '/',
    query: [],
    method: 'GET',
    headers: { host },
  } as const;
  const d = compileMesh(model).route(req, pod);
  assert.ok(typeof d !== 'string', String(d));
  assert.match(d.unknown ?? '', /ambient waypoint \(namespace label istio.io\/use-waypoint=waypoint\)/);
  const { model: plain } = buildFromTexts([{ file: 'apps.yaml', text: ambientFoo }], { profile });
  const d2 = compileMesh(plain).route(req, clientPod(plain, 'foo/sleep') as typeof pod);
  assert.ok(typeof d2 !== 'string' && d2.unknown === undefined);
  assert.ok(d2.notes.some((n) => /in ambient mode .*ztunnel carries the connection at L4/.test(n)));
});

test('ambient-add-workloads: get pods -o wide shows istio-ambient in the MESH column for a pod ztunnel captures', () => {
  const { model } = buildFromTexts([{ file: 'apps.yaml', text: ambientFoo }], { profile });
  const rows = renderGet(model, 'pods', { wide: true }).split('\n');
  const mesh = (ns: string, name: string) =>
    rows
      .find((r) => r.startsWith(`${ns} `) && r.includes(` ${name}-`))
      ?.split(/\s+/)
      .at(-2);
  assert.equal(mesh('foo', 'httpbin'), 'istio-ambient');
  assert.equal(mesh('bar', 'httpbin'), 'istio');
  assert.equal(mesh('legacy', 'httpbin'), '<none>');
});
