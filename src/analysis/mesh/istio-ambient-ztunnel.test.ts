/**
 * Istio ambient mode: ztunnel's L4 AuthorizationPolicy and PeerAuthentication on an ambient server, as istiod
 * converts them for ztunnel (istio/istio pilot/pkg/serviceregistry/kube/controller/ambient/authorization.go) and
 * ztunnel matches them (istio/ztunnel src/rbac.rs). https://istio.io/latest/docs/ambient/usage/l4-policy/
 * The apps are the mtls-migration task's: foo enrolled in ambient mode, bar with sidecars, legacy outside the mesh
 * (or, where a second ambient client is needed, enrolled too).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { PolicyEngine, type HttpRequest } from '../policy/index.ts';
import { reach, type ReachResult } from '../reach/index.ts';

const dir = 'testdata/scenarios/mesh-istio-mtls-migration/input';
const apps = readFileSync(`${dir}/apps.yaml`, 'utf8');
const profile = { file: 'kubetwin.yaml', text: readFileSync(`${dir}/kubetwin.yaml`, 'utf8') };
const ambientFoo = apps.replace(
  'metadata: {name: foo, labels: {istio-injection: enabled}}',
  'metadata: {name: foo, labels: {istio.io/dataplane-mode: ambient}}',
);
const ambientLegacy = ambientFoo.replace(
  'metadata: {name: legacy, labels: {}}',
  'metadata: {name: legacy, labels: {istio.io/dataplane-mode: ambient}}',
);

function run(extra: string, from: string, o: { text?: string; http?: HttpRequest } = {}): ReachResult {
  const { model } = buildFromTexts(
    [
      { file: 'apps.yaml', text: o.text ?? ambientFoo },
      { file: 'policy.yaml', text: extra },
    ],
    { profile },
  );
  const r = reach(new PolicyEngine(model), {
    from,
    to: 'service:foo/httpbin',
    port: 8000,
    protocol: 'TCP',
    ...(o.http ? { http: o.http } : {}),
  });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

const policy = (name: string, spec: string) => `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: ${name}, namespace: foo}
spec:
${spec}
`;
const onHttpbin = '  selector: {matchLabels: {app: httpbin}}\n';
const allowPrincipal = (p: string) =>
  policy('allow', `${onHttpbin}  action: ALLOW\n  rules: [{from: [{source: {principals: [${p}]}}]}]`);
const get = { method: 'GET', path: '/get' } as HttpRequest;

test('ztunnel-l4-authorization: an ALLOW policy on an ambient server admits the HBONE identities it names, and only those', () => {
  const allowed = run(allowPrincipal('cluster.local/ns/foo/sa/sleep'), 'foo/sleep');
  assert.equal(allowed.verdict, 'allowed');
  assert.equal(allowed.pairs[0].mesh?.mtls.clientIdentity, 'spiffe://cluster.local/ns/foo/sa/sleep');
  assert.equal(allowed.pairs[0].mesh?.proxy, 'ztunnel');
  const denied = run(allowPrincipal('cluster.local/ns/bar/sa/sleep'), 'foo/sleep');
  assert.equal(denied.verdict, 'denied');
  assert.match(denied.pairs[0].mesh?.authz?.reason ?? '', /needs from\.source\.principals/);
});

test('ztunnel-l4-authorization: namespaces and a bare serviceAccounts name (in the policy namespace) match the client identity', () => {
  const ns = policy(
    'ns',
    `${onHttpbin}  action: ALLOW\n  rules: [{from: [{source: {namespaces: [legacy]}}]}]`,
  );
  assert.equal(run(ns, 'legacy/sleep', { text: ambientLegacy }).verdict, 'allowed');
  assert.equal(run(ns, 'foo/sleep', { text: ambientLegacy }).verdict, 'denied');
  const sa = policy(
    'sa',
    `${onHttpbin}  action: ALLOW\n  rules: [{from: [{source: {serviceAccounts: [sleep]}}]}]`,
  );
  assert.equal(run(sa, 'foo/sleep', { text: ambientLegacy }).verdict, 'allowed');
  assert.equal(run(sa, 'legacy/sleep', { text: ambientLegacy }).verdict, 'denied');
});

test('ztunnel-no-identity: a client outside the mesh reaches ztunnel in plaintext, with no principal to match', () => {
  const r = run(allowPrincipal('cluster.local/ns/legacy/sa/sleep'), 'legacy/sleep');
  assert.equal(r.verdict, 'denied');
  assert.equal(r.pairs[0].mesh?.mtls.transport, 'plaintext');
  // ipBlocks are L4: the client's address is known.
  const byIp = policy(
    'ip',
    `${onHttpbin}  action: ALLOW\n  rules: [{from: [{source: {ipBlocks: [10.244.0.0/16]}}]}]`,
  );
  assert.equal(run(byIp, 'legacy/sleep').verdict, 'allowed');
});

test('ztunnel-http-allow-rule: an ALLOW rule with HTTP attributes never matches at ztunnel, so it denies', () => {
  const getOnly = policy(
    'get',
    `${onHttpbin}  action: ALLOW\n  rules: [{from: [{source: {principals: [cluster.local/ns/foo/sa/sleep]}}], to: [{operation: {methods: [GET]}}]}]`,
  );
  const r = run(getOnly, 'foo/sleep', { http: get });
  assert.equal(r.verdict, 'denied');
  assert.match(r.pairs[0].mesh?.authz?.reason ?? '', /HTTP attributes, which ztunnel cannot see/);
  assert.equal(r.pairs[0].mesh?.authz?.allowsNothing, undefined);
  // remoteIpBlocks and remote.ip are HTTP at ztunnel too (istiod's httpSources, l4WhenAttributes).
  const remote = policy(
    'remote',
    `${onHttpbin}  action: ALLOW\n  rules: [{from: [{source: {remoteIpBlocks: [10.244.0.0/16]}}]}]`,
  );
  assert.equal(run(remote, 'foo/sleep').verdict, 'denied');
  // So is every when key but the five L4 ones: the rule is omitted, not left undecided.
  const sni = policy(
    'sni',
    `${onHttpbin}  action: ALLOW\n  rules: [{when: [{key: connection.sni, values: [httpbin.foo.svc.cluster.local]}]}]`,
  );
  assert.equal(run(sni, 'foo/sleep').verdict, 'denied');
  // The whole rule goes, not only its HTTP part: the port it also names does not admit the connection.
  const portAndGet = policy(
    'port-get',
    `${onHttpbin}  action: ALLOW\n  rules: [{to: [{operation: {ports: ["80"], methods: [GET]}}]}]`,
  );
  assert.equal(run(portAndGet, 'foo/sleep', { http: get }).verdict, 'denied');
});

test('ztunnel-http-deny-rule: a DENY rule is enforced without its HTTP attributes (more restrictive)', () => {
  const deny = policy(
    'deny',
    `${onHttpbin}  action: DENY\n  rules: [{from: [{source: {namespaces: [foo]}}], to: [{operation: {ports: ["80"], methods: [POST]}}]}]`,
  );
  const r = run(deny, 'foo/sleep', { http: get });
  assert.equal(r.verdict, 'denied');
  assert.equal(r.pairs[0].mesh?.authz?.action, 'DENY');
  assert.equal(run(deny, 'legacy/sleep').verdict, 'allowed');
});

test('ztunnel-empty-deny-match: a DENY rule whose operation is only HTTP reads two ways upstream, so it is unknown', () => {
  const deny = policy(
    'deny',
    `${onHttpbin}  action: DENY\n  rules: [{to: [{operation: {methods: [POST]}}]}]`,
  );
  const r = run(deny, 'foo/sleep');
  assert.equal(r.verdict, 'unknown');
  assert.ok(r.pairs[0].mesh?.unknown.some((u) => /ztunnel's matcher skips an empty match/.test(u)));
  // With an L4 part left, both readings agree: the port decides.
  const withPort = policy(
    'deny',
    `${onHttpbin}  action: DENY\n  rules: [{to: [{operation: {ports: ["80"], methods: [POST]}}]}]`,
  );
  assert.equal(run(withPort, 'foo/sleep').verdict, 'denied');
});

test('ztunnel-unsupported-actions: CUSTOM and AUDIT policies and targetRefs policies have no effect at ztunnel', () => {
  const custom = policy(
    'ext',
    `${onHttpbin}  action: CUSTOM\n  provider: {name: ext-authz}\n  rules: [{to: [{operation: {paths: [/admin]}}]}]`,
  );
  const r = run(custom, 'foo/sleep');
  assert.equal(r.verdict, 'allowed');
  assert.ok(r.pairs[0].mesh?.notes.some((n) => /does not support the CUSTOM action/.test(n)));
  const waypointOnly = policy(
    'wp',
    `  targetRefs: [{kind: Service, group: "", name: httpbin}]\n  action: ALLOW\n  rules: [{from: [{source: {principals: [nobody]}}]}]`,
  );
  assert.equal(run(waypointOnly, 'foo/sleep').verdict, 'allowed');
});

test('ztunnel-sidecar-client: what a sidecar sends to an ambient pod is not known, so a rule on identity is unknown', () => {
  const r = run(allowPrincipal('cluster.local/ns/bar/sa/sleep'), 'bar/sleep');
  assert.equal(r.verdict, 'unknown');
  assert.ok(r.pairs[0].mesh?.unknown.some((u) => /PILOT_ENABLE_SENDING_HBONE/.test(u)));
});

const peer = (name: string, spec: string, ns = 'foo') => `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: {name: ${name}, namespace: ${ns}}
spec:
${spec}
---
`;

test('ztunnel-peer-authentication: STRICT refuses plaintext at ztunnel and accepts ambient clients (HBONE is mTLS)', () => {
  const strict = peer('default', '  mtls: {mode: STRICT}');
  const plain = run(strict, 'legacy/sleep');
  assert.equal(plain.verdict, 'denied');
  assert.equal(plain.pairs[0].mesh?.mtls.refused, true);
  assert.equal(run(strict, 'foo/sleep').verdict, 'allowed');
  assert.equal(run(strict, 'bar/sleep').verdict, 'unknown');
  assert.equal(run(peer('default', '  mtls: {mode: PERMISSIVE}'), 'legacy/sleep').verdict, 'allowed');
});

test('ztunnel-peer-authentication: DISABLE is not STRICT at ztunnel, and port-level modes apply per port', () => {
  const ns = peer('default', '  mtls: {mode: STRICT}');
  const disable = peer('httpbin', '  selector: {matchLabels: {app: httpbin}}\n  mtls: {mode: DISABLE}');
  const r = run(ns + disable, 'legacy/sleep');
  assert.equal(r.verdict, 'allowed');
  assert.ok(r.pairs[0].mesh?.notes.some((n) => /ztunnel treats as PERMISSIVE/.test(n)));
  const port = peer(
    'httpbin',
    '  selector: {matchLabels: {app: httpbin}}\n  mtls: {mode: STRICT}\n  portLevelMtls: {"80": {mode: PERMISSIVE}}',
  );
  assert.equal(run(port, 'legacy/sleep').verdict, 'allowed');
  const port8080 = port.replace('"80"', '"8080"');
  assert.equal(run(port8080, 'legacy/sleep').verdict, 'denied');
});

test('ztunnel-peer-authentication: the port-level case istiod converts differently for ztunnel is unknown, not refused', () => {
  const mesh = peer('default', '  mtls: {mode: STRICT}', 'istio-system');
  const ns = peer('default', '  mtls: {mode: UNSET}');
  const workload = peer(
    'httpbin',
    '  selector: {matchLabels: {app: httpbin}}\n  portLevelMtls: {"8080": {mode: PERMISSIVE}}',
  );
  const r = run(mesh + ns + workload, 'legacy/sleep');
  assert.equal(r.verdict, 'unknown');
  assert.ok(r.pairs[0].mesh?.unknown.some((u) => /istiod's ambient conversion/.test(u)));
  // Without the UNSET namespace policy the mesh policy's STRICT holds on port 80.
  assert.equal(run(mesh + workload, 'legacy/sleep').verdict, 'denied');
});

test('ztunnel-l4-authorization: matrix keys ambient clients by identity, so two service accounts get their own cells', async () => {
  const { computeMatrix, matrixEntries } = await import('../matrix/index.ts');
  const { model } = buildFromTexts(
    [
      { file: 'apps.yaml', text: ambientLegacy },
      { file: 'p.yaml', text: allowPrincipal('cluster.local/ns/foo/sa/sleep') },
    ],
    { profile },
  );
  const m = computeMatrix(new PolicyEngine(model), { by: 'workload', namespaces: ['foo', 'legacy'] });
  const cell = (from: string, to: string) =>
    matrixEntries(m, { denied: true }).find((e) => e.from === from && e.to === to && e.port === 80)
      ?.allowedPairs;
  assert.equal(cell('foo/sleep', 'foo/httpbin'), 1);
  assert.equal(cell('legacy/sleep', 'foo/httpbin'), 0);
});
