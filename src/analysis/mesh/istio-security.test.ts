/**
 * Istio PeerAuthentication and AuthorizationPolicy as `reach` judges them, each rule from the reference pages:
 * https://istio.io/latest/docs/reference/config/security/peer_authentication/
 * https://istio.io/latest/docs/reference/config/security/authorization-policy/
 * The apps are the mtls-migration task's (sleep and httpbin in foo, bar — injected — and legacy).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { PolicyEngine, type HttpRequest } from '../policy/index.ts';
import { reach, type ReachResult } from '../reach/index.ts';

const dir = 'testdata/scenarios/mesh-istio-mtls-migration/input';
const apps = readFileSync(`${dir}/apps.yaml`, 'utf8');
const istio = { file: 'kubetwin.yaml', text: readFileSync(`${dir}/kubetwin.yaml`, 'utf8') };

function run(
  extra: string,
  from: string,
  to = 'service:foo/httpbin',
  http?: HttpRequest,
  profile = istio,
): ReachResult {
  const { model } = buildFromTexts(
    [
      { file: 'apps.yaml', text: apps },
      { file: 'policy.yaml', text: extra },
    ],
    { profile },
  );
  const r = reach(new PolicyEngine(model), {
    from,
    to,
    port: to.startsWith('service:') ? 8000 : 80,
    protocol: 'TCP',
    ...(http ? { http } : {}),
  });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

const pa = (ns: string, spec: string, name = 'default') =>
  `apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${spec}\n---\n`;
const ap = (ns: string, spec: string, name = 'httpbin') =>
  `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n${spec}\n---\n`;
const selHttpbin = '  selector: {matchLabels: {app: httpbin}}';

test('peer-authentication STRICT refuses plaintext, admits mTLS; PERMISSIVE is the default', () => {
  assert.equal(run('', 'legacy/sleep').verdict, 'allowed');
  const strict = pa('foo', '  mtls: {mode: STRICT}');
  assert.equal(run(strict, 'legacy/sleep').verdict, 'denied');
  assert.equal(run(strict, 'legacy/sleep').pairs[0].mesh?.mtls.refused, true);
  assert.equal(run(strict, 'bar/sleep').verdict, 'allowed');
  assert.equal(
    run(strict, 'bar/sleep').pairs[0].mesh?.mtls.clientIdentity,
    'spiffe://cluster.local/ns/bar/sa/sleep',
  );
});

test('peer-authentication inheritance: workload over namespace over mesh; UNSET inherits; portLevelMtls by container port', () => {
  const mesh = pa('istio-system', '  mtls: {mode: STRICT}');
  assert.equal(run(mesh, 'legacy/sleep').verdict, 'denied');
  assert.equal(run(mesh + pa('foo', '  mtls: {mode: PERMISSIVE}'), 'legacy/sleep').verdict, 'allowed');
  const unset = pa('foo', `${selHttpbin}\n  mtls: {mode: UNSET}`, 'httpbin');
  assert.equal(run(mesh + unset, 'legacy/sleep').verdict, 'denied');
  const port80 = pa(
    'foo',
    `${selHttpbin}\n  mtls: {mode: STRICT}\n  portLevelMtls: {80: {mode: DISABLE}}`,
    'httpbin',
  );
  assert.equal(run(port80, 'legacy/sleep').verdict, 'allowed');
  // A root-namespace policy with a selector is ignored (istio/api#3604).
  assert.equal(
    run(pa('istio-system', `${selHttpbin}\n  mtls: {mode: STRICT}`), 'legacy/sleep').verdict,
    'allowed',
  );
});

test('peer-authentication DISABLE: auto mTLS sends plaintext, so the client presents no identity', () => {
  const r = run(pa('foo', '  mtls: {mode: DISABLE}'), 'bar/sleep');
  assert.equal(r.pairs[0].mesh?.mtls.transport, 'plaintext');
});

test('authorization-policy ALLOW without rules allows nothing', () => {
  const r = run(ap('foo', `${selHttpbin}\n  action: ALLOW`), 'foo/sleep');
  assert.equal(r.verdict, 'denied');
  assert.match(r.pairs[0].mesh!.summary, /has no rules: it allows nothing/);
  assert.equal(run(ap('foo', '  rules: [{}]'), 'foo/sleep').verdict, 'allowed');
});

test('authorization-policy ALLOW denial names the rule that missed and what it asked, beside an allow-nothing', () => {
  const viewer = ap(
    'foo',
    `${selHttpbin}\n  rules: [{from: [{source: {principals: ["cluster.local/ns/foo/sa/sleep"]}}], to: [{operation: {methods: [GET]}}]}]`,
    'viewer',
  );
  const nothing = ap('foo', '  {}', 'allow-nothing');
  const post = run(viewer + nothing, 'foo/sleep', undefined, { method: 'POST', path: '/' });
  assert.equal(post.verdict, 'denied');
  assert.match(
    post.pairs[0].mesh!.summary,
    /viewer spec\.rules\[0\] needs to\.operation\.methods \[GET\] \(the request is POST\); AuthorizationPolicy\/foo\/allow-nothing has no rules/,
  );
  assert.equal(post.pairs[0].mesh!.authz?.policy, 'AuthorizationPolicy/foo/viewer');
  const other = run(viewer + nothing, 'bar/sleep', undefined, { method: 'GET', path: '/' });
  assert.match(
    other.pairs[0].mesh!.summary,
    /needs from\.source\.principals \[cluster\.local\/ns\/foo\/sa\/sleep\] \(the client is cluster\.local\/ns\/bar\/sa\/sleep\)/,
  );
  // Only rule-less ALLOW policies: the fix is a new policy, not a change to allow-nothing.
  assert.equal(run(nothing, 'foo/sleep').pairs[0].mesh!.authz?.allowsNothing, true);
  assert.equal(post.pairs[0].mesh!.authz?.allowsNothing, undefined);
});

test('authorization-policy principals and namespaces need mTLS: a plaintext client has neither', () => {
  const p = ap(
    'foo',
    `${selHttpbin}\n  rules: [{from: [{source: {principals: ["cluster.local/ns/foo/sa/sleep"]}}]}]`,
  );
  assert.equal(run(p, 'foo/sleep').verdict, 'allowed');
  assert.equal(run(p, 'bar/sleep').verdict, 'denied');
  assert.equal(run(p, 'legacy/sleep').verdict, 'denied');
  const ns = ap('foo', `  rules: [{from: [{source: {namespaces: ["ba*"]}}]}]`);
  assert.equal(run(ns, 'bar/sleep').verdict, 'allowed');
  assert.equal(run(ns, 'foo/sleep').verdict, 'denied');
});

test('authorization-policy DENY before ALLOW; notNamespaces matches a plaintext client', () => {
  const allowAll = ap('foo', '  rules: [{}]', 'allow-all');
  const deny = ap(
    'foo',
    `  action: DENY\n  rules: [{from: [{source: {notNamespaces: ["foo"]}}]}]`,
    'deny-others',
  );
  assert.equal(run(allowAll + deny, 'foo/sleep').verdict, 'allowed');
  assert.equal(run(allowAll + deny, 'bar/sleep').verdict, 'denied');
  assert.equal(run(allowAll + deny, 'legacy/sleep').verdict, 'denied');
  assert.equal(run(allowAll + deny, 'legacy/sleep').pairs[0].mesh?.authz?.action, 'DENY');
});

test('authorization-policy ipBlocks match the client pod address; root-namespace selector applies everywhere', () => {
  const p = ap(
    'istio-system',
    `${selHttpbin}\n  action: DENY\n  rules: [{from: [{source: {ipBlocks: ["0.0.0.0/0"]}}]}]`,
  );
  assert.equal(run(p, 'bar/sleep').verdict, 'denied');
});

test('authorization-policy HTTP operations: L4 says the rules apply; a request is judged by method and path', () => {
  const p = ap(
    'foo',
    `${selHttpbin}\n  rules: [{to: [{operation: {methods: ["GET"], paths: ["/ip", "/headers*"]}}]}]`,
  );
  const l4 = run(p, 'bar/sleep');
  assert.equal(l4.verdict, 'allowed');
  assert.ok(l4.notes.some((n) => n.includes('Istio AuthorizationPolicy HTTP rules apply')));
  assert.equal(run(p, 'bar/sleep', undefined, { method: 'GET', path: '/ip' }).verdict, 'allowed');
  assert.equal(run(p, 'bar/sleep', undefined, { method: 'GET', path: '/headers/x' }).verdict, 'allowed');
  assert.equal(run(p, 'bar/sleep', undefined, { method: 'POST', path: '/ip' }).verdict, 'denied');
  const hdr = ap('foo', `  rules: [{when: [{key: "request.headers[x-token]", values: ["s3cr*"]}]}]`);
  assert.equal(
    run(hdr, 'bar/sleep', undefined, { method: 'GET', path: '/', headers: { 'X-Token': 's3cret' } }).verdict,
    'allowed',
  );
  assert.equal(run(hdr, 'bar/sleep', undefined, { method: 'GET', path: '/' }).verdict, 'denied');
});

test('authorization-policy on a TCP port: HTTP-only fields fail an ALLOW rule and are dropped from a DENY rule', () => {
  const tcp = apps.replace('name: http, port: 8000', 'name: tcp, port: 8000');
  const build = (extra: string) => {
    const { model } = buildFromTexts(
      [
        { file: 'a.yaml', text: tcp },
        { file: 'p.yaml', text: extra },
      ],
      { profile: istio },
    );
    const r = reach(new PolicyEngine(model), {
      from: 'bar/sleep',
      to: 'service:foo/httpbin',
      port: 8000,
      protocol: 'TCP',
    });
    assert.ok(typeof r !== 'string');
    return r.verdict;
  };
  assert.equal(build(ap('foo', `  rules: [{to: [{operation: {methods: ["GET"]}}]}]`)), 'denied');
  assert.equal(
    build(ap('foo', `  action: DENY\n  rules: [{to: [{operation: {methods: ["GET"], ports: ["80"]}}]}]`)),
    'denied',
  );
  assert.equal(
    build(ap('foo', `  action: DENY\n  rules: [{to: [{operation: {methods: ["GET"], ports: ["81"]}}]}]`)),
    'allowed',
  );
});

test('authorization-policy CUSTOM, targetRefs and when keys kubetwin does not know make the verdict unknown', () => {
  const custom = ap('foo', `  action: CUSTOM\n  provider: {name: ext}\n  rules: [{}]`);
  assert.equal(run(custom, 'bar/sleep').verdict, 'unknown');
  const claims = ap('foo', `  rules: [{when: [{key: "request.auth.claims[iss]", values: ["x"]}]}]`);
  const r = run(claims, 'bar/sleep');
  assert.equal(r.verdict, 'unknown');
  assert.ok(r.unknownReasons.some((u) => u.includes('request.auth.claims[iss]')));
  // A DENY that certainly matches stands whatever an unknown condition says elsewhere.
  const deny = ap('foo', `  action: DENY\n  rules: [{}]`, 'deny-all');
  assert.equal(run(claims + deny, 'bar/sleep').verdict, 'denied');
});

test('mesh pod-direct: a meshed client addressing a STRICT pod (not its Service) is unknown', () => {
  const r = run(pa('foo', '  mtls: {mode: STRICT}'), 'bar/sleep', 'foo/httpbin');
  assert.equal(r.verdict, 'unknown');
});

test('mesh pod-direct: whether the proxy speaks mTLS to a pod address is said only where the answer reads it', () => {
  // PERMISSIVE and an allow-nothing policy: denied whatever the transport.
  assert.equal(run(ap('foo', '  {}', 'allow-nothing'), 'bar/sleep', 'foo/httpbin').verdict, 'denied');
  // No policy: allowed whatever the transport.
  assert.equal(run('', 'bar/sleep', 'foo/httpbin').verdict, 'allowed');
  // A rule on the client's principal: plaintext would miss it, so the verdict waits on the transport.
  const byPrincipal = ap(
    'foo',
    `  rules: [{from: [{source: {principals: ["cluster.local/ns/bar/sa/sleep"]}}]}]`,
  );
  const r = run(byPrincipal, 'bar/sleep', 'foo/httpbin');
  assert.equal(r.verdict, 'unknown');
  assert.ok(r.pairs[0].mesh!.unknown.some((u) => /uses mTLS for a pod address/.test(u)));
});

test('mesh security gap: Istio security objects without a known mesh make allowed verdicts unknown', () => {
  const none = { file: 'kubetwin.yaml', text: 'apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\n' };
  const r = run(pa('foo', '  mtls: {mode: STRICT}'), 'legacy/sleep', 'service:foo/httpbin', undefined, none);
  assert.equal(r.verdict, 'unknown');
});

test('mesh matrix: cells narrowed per server workload — STRICT refuses unmeshed clients, an ALLOW policy keeps its principals', async () => {
  const { computeMatrix, matrixEntries } = await import('../matrix/index.ts');
  const { model } = buildFromTexts(
    [
      { file: 'apps.yaml', text: apps },
      {
        file: 'p.yaml',
        text:
          pa('foo', '  mtls: {mode: STRICT}') +
          ap('bar', `${selHttpbin}\n  rules: [{from: [{source: {namespaces: ["foo"]}}]}]`),
      },
    ],
    { profile: istio },
  );
  const m = computeMatrix(new PolicyEngine(model), { by: 'workload', namespaces: ['foo', 'bar', 'legacy'] });
  const cell = (from: string, to: string) =>
    matrixEntries(m, { denied: true }).find((e) => e.from === from && e.to === to && e.port === 80)
      ?.allowedPairs;
  assert.equal(cell('legacy/sleep', 'foo/httpbin'), 0);
  assert.equal(cell('legacy/sleep', 'legacy/httpbin'), 1);
  assert.equal(cell('bar/sleep', 'foo/httpbin'), 1);
  assert.equal(cell('foo/sleep', 'bar/httpbin'), 1);
  assert.equal(cell('bar/sleep', 'bar/httpbin'), 0);
  assert.equal(cell('legacy/sleep', 'bar/httpbin'), 0);
  assert.ok(m.warnings.some((w) => w.includes('auto mTLS')));
});
