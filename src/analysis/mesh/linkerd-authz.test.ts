/**
 * Linkerd authorization as `reach` judges it, each rule from Linkerd's reference and feature pages:
 * https://linkerd.io/2.15/reference/authorization-policy/
 * https://linkerd.io/2.15/features/server-policy/
 * The app is Emojivoto as the restricting-access task installs it (testdata/scenarios/mesh-linkerd-emojivoto-authz).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildFromTexts } from '../../api/index.ts';
import { PolicyEngine, type HttpRequest } from '../policy/index.ts';
import { reach, type ReachResult } from '../reach/index.ts';

const dir = 'testdata/scenarios/mesh-linkerd-emojivoto-authz/input';
const apps = readFileSync(`${dir}/emojivoto.yaml`, 'utf8');
const profile = (extra = '') => ({
  file: 'kubetwin.yaml',
  text: `apiVersion: kubetwin.dev/v1alpha1\nkind: ClusterProfile\nmesh: {name: linkerd${extra}}\n`,
});

function build(extra: string, p = profile()) {
  return buildFromTexts(
    [
      { file: 'apps.yaml', text: apps },
      { file: 'policy.yaml', text: extra },
    ],
    { profile: p },
  );
}

function run(
  extra: string,
  from: string,
  to = 'service:emojivoto/voting-svc',
  o: { http?: HttpRequest; p?: ReturnType<typeof profile>; port?: number } = {},
): ReachResult {
  const { model } = build(extra, o.p);
  const r = reach(new PolicyEngine(model), {
    from,
    to,
    port: o.port ?? 8080,
    protocol: 'TCP',
    ...(o.http ? { http: o.http } : {}),
  });
  assert.ok(typeof r !== 'string', String(r));
  return r;
}

const doc = (kind: string, name: string, spec: string, v = 'v1alpha1') =>
  `apiVersion: policy.linkerd.io/${v}\nkind: ${kind}\nmetadata: {name: ${name}, namespace: emojivoto}\nspec:\n${spec}\n---\n`;
const server = doc(
  'Server',
  'voting-grpc',
  '  podSelector: {matchLabels: {app: voting-svc}}\n  port: grpc',
  'v1beta1',
);
const ap = (
  name: string,
  refs: string,
  target = '{group: policy.linkerd.io, kind: Server, name: voting-grpc}',
) => doc('AuthorizationPolicy', name, `  targetRef: ${target}\n  requiredAuthenticationRefs: ${refs}`);
const mtlsAuthn = (name: string, ids: string) => doc('MeshTLSAuthentication', name, `  identities: ${ids}`);
const ns = (annotations: string) =>
  `apiVersion: v1\nkind: Namespace\nmetadata: {name: emojivoto, annotations: {linkerd.io/inject: enabled, ${annotations}}}\n---\n`;

test('linkerd-default-inbound-policy: cluster default, namespace annotation, then pod annotation; each value', () => {
  assert.equal(run('', 'default/grpcurl').verdict, 'allowed');
  const deny = profile(', defaultInboundPolicy: deny');
  assert.equal(run('', 'emojivoto/web', undefined, { p: deny }).verdict, 'denied');
  const authed = profile(', defaultInboundPolicy: all-authenticated');
  assert.equal(run('', 'emojivoto/web', undefined, { p: authed }).verdict, 'allowed');
  assert.equal(run('', 'default/grpcurl', undefined, { p: authed }).verdict, 'denied');
  // cluster-unauthenticated: plaintext clients from the cluster networks (pods are in 10.244.0.0/16).
  const cu = profile(', defaultInboundPolicy: cluster-unauthenticated');
  assert.equal(run('', 'default/grpcurl', undefined, { p: cu }).verdict, 'allowed');
  assert.equal(run('', 'ip:203.0.113.9', undefined, { p: cu }).verdict, 'denied');
  const narrow = profile(', defaultInboundPolicy: cluster-authenticated, clusterNetworks: [192.168.0.0/16]');
  assert.equal(run('', 'emojivoto/web', undefined, { p: narrow }).verdict, 'denied');
  // The namespace annotation overrides the cluster default.
  assert.equal(
    run(ns('config.linkerd.io/default-inbound-policy: all-authenticated'), 'default/grpcurl').verdict,
    'denied',
  );
  assert.equal(
    run(ns('config.linkerd.io/default-inbound-policy: audit'), 'default/grpcurl').verdict,
    'allowed',
  );
});

test('linkerd-require-identity-ports: an identity-required port admits only meshed clients under all-unauthenticated', () => {
  const n = ns("config.linkerd.io/proxy-require-identity-inbound-ports: '8080'");
  assert.equal(run(n, 'default/grpcurl').verdict, 'denied');
  assert.equal(run(n, 'emojivoto/web').verdict, 'allowed');
  assert.equal(run(n, 'default/grpcurl', undefined, { port: 8801 }).verdict, 'allowed');
});

test('linkerd-skip-inbound-ports: the proxy does not judge skipped ports', () => {
  const n = ns(
    "config.linkerd.io/skip-inbound-ports: '8080', config.linkerd.io/default-inbound-policy: deny",
  );
  const r = run(n, 'default/grpcurl');
  assert.equal(r.verdict, 'allowed');
  assert.equal(r.pairs[0].mesh, undefined);
});

test('linkerd-server-denies-by-default: a Server denies its port to clients no authorization admits, whatever the default', () => {
  assert.equal(run(server, 'emojivoto/web').verdict, 'denied');
  assert.equal(
    run(server, 'emojivoto/web', 'service:emojivoto/voting-svc', { port: 8801 }).verdict,
    'allowed',
  );
  // A Server on another port number does not select 8080.
  const other = doc(
    'Server',
    'voting-prom',
    '  podSelector: {matchLabels: {app: voting-svc}}\n  port: 8801',
    'v1beta1',
  );
  assert.equal(run(other, 'emojivoto/web').verdict, 'allowed');
});

test('linkerd-server-authorization: serviceAccounts, identities with wildcards, selector over Server labels, unauthenticated with networks', () => {
  const byWildcard = doc(
    'ServerAuthorization',
    'all-emojivoto',
    "  server: {name: voting-grpc}\n  client: {meshTLS: {identities: ['*.emojivoto.serviceaccount.identity.linkerd.cluster.local']}}",
    'v1beta1',
  );
  assert.equal(run(server + byWildcard, 'emojivoto/vote-bot').verdict, 'allowed');
  assert.equal(run(server + byWildcard, 'default/grpcurl').verdict, 'denied');
  const labelled = server.replace('name: voting-grpc,', 'name: voting-grpc, labels: {tier: backend},');
  const bySelector = doc(
    'ServerAuthorization',
    'anyone',
    '  server: {selector: {matchLabels: {tier: backend}}}\n  client: {unauthenticated: true, networks: [{cidr: 10.0.0.0/8, except: [10.244.3.0/24]}]}',
    'v1beta1',
  );
  assert.equal(run(labelled + bySelector, 'default/grpcurl').verdict, 'allowed');
  assert.equal(run(labelled + bySelector, 'ip:203.0.113.9').verdict, 'denied');
  // Without networks, a source outside the cluster networks is not known.
  const open = doc(
    'ServerAuthorization',
    'anyone',
    '  server: {name: voting-grpc}\n  client: {unauthenticated: true}',
    'v1beta1',
  );
  assert.equal(run(server + open, 'ip:203.0.113.9').verdict, 'unknown');
  assert.equal(run(server + open, 'default/grpcurl').verdict, 'allowed');
});

test('linkerd-authorization-policy: every required authentication must hold; a missing one makes Linkerd ignore the policy', () => {
  const web = mtlsAuthn('web', "['web.emojivoto.serviceaccount.identity.linkerd.cluster.local']");
  const nets = doc('NetworkAuthentication', 'pods', '  networks: [{cidr: 10.244.0.0/16}]');
  const both = ap(
    'web-from-pods',
    '[{kind: MeshTLSAuthentication, group: policy.linkerd.io, name: web}, {kind: NetworkAuthentication, group: policy.linkerd.io, name: pods}]',
  );
  assert.equal(run(server + web + nets + both, 'emojivoto/web').verdict, 'allowed');
  assert.equal(run(server + web + nets + both, 'emojivoto/vote-bot').verdict, 'denied');
  const missing = ap('web-missing', '[{kind: MeshTLSAuthentication, group: policy.linkerd.io, name: nope}]');
  assert.match(
    run(server + missing, 'emojivoto/web').pairs[0].mesh!.authz!.reason,
    /not in the input: Linkerd ignores the policy/,
  );
  const sa = ap('web-sa', '[{kind: ServiceAccount, name: web}]', '{kind: Namespace, name: emojivoto}');
  assert.equal(run(server + sa, 'emojivoto/web').verdict, 'allowed');
});

test('linkerd-meshtls-identity-refs-namespace: an identityRef of kind Namespace admits every ServiceAccount identity of that namespace', () => {
  // policy-controller/k8s/index/src/inbound/meshtls_authentication.rs: `targets_kind::<Namespace>()` becomes
  // the suffix match `*.NS.serviceaccount.identity.linkerd.DOMAIN` (ClusterInfo::namespace_identity).
  const byNs = ap('from-ns', '[{kind: MeshTLSAuthentication, group: policy.linkerd.io, name: from-ns}]');
  const ns = (name: string, extra = '') =>
    doc('MeshTLSAuthentication', 'from-ns', `  identityRefs: [{kind: Namespace, name: ${name}${extra}}]`);
  const emojivoto = build(server + ns('emojivoto') + byNs);
  assert.deepEqual(
    emojivoto.diagnostics.filter((d) => d.code === 'invalid-mesh-policy'),
    [],
  );
  assert.equal(run(server + ns('emojivoto') + byNs, 'emojivoto/web').verdict, 'allowed');
  assert.equal(run(server + ns('emojivoto') + byNs, 'emojivoto/vote-bot').verdict, 'allowed');
  // Another namespace's accounts do not match, nor does a plaintext client.
  assert.equal(run(server + ns('default') + byNs, 'emojivoto/web').verdict, 'denied');
  assert.equal(run(server + ns('emojivoto') + byNs, 'default/grpcurl').verdict, 'denied');
  // Group and kind are matched as for every Linkerd reference: core, ASCII case aside.
  assert.equal(run(server + ns('emojivoto', ', group: core') + byNs, 'emojivoto/web').verdict, 'allowed');
  const wrong = doc(
    'MeshTLSAuthentication',
    'from-ns',
    '  identityRefs: [{kind: Namespace, group: policy.linkerd.io, name: emojivoto}]',
  );
  assert.deepEqual(
    build(server + wrong + byNs)
      .diagnostics.filter((d) => d.code === 'invalid-mesh-policy')
      .map((d) => d.source?.path),
    ['spec.identityRefs[0].group'],
  );
});

test('linkerd-meshtls-identity-ref-without-name: the CRD allows it, the policy controller requires a name: unknown for meshed clients, never ALLOWED', () => {
  // charts/linkerd-crds meshtls-authentication.yaml: name optional ("all resources of the kind");
  // policy-controller/k8s/api/src/policy/target_ref.rs NamespacedTargetRef: `name: String`, required.
  // Plaintext clients stay denied: no MeshTLSAuthentication admits them.
  const refs = doc('MeshTLSAuthentication', 'ns-wide', '  identityRefs: [{kind: ServiceAccount}]');
  const byRefs = ap('ns-wide', '[{kind: MeshTLSAuthentication, group: policy.linkerd.io, name: ns-wide}]');
  const nameless = run(server + refs + byRefs, 'emojivoto/vote-bot');
  assert.equal(nameless.verdict, 'unknown');
  assert.match(nameless.unknownReasons.join(' '), /identityRefs\[0\] has no name/);
  assert.equal(run(server + refs + byRefs, 'default/grpcurl').verdict, 'denied');
});

test('linkerd-per-route-authorization: the matching HTTPRoute picks its policies; no match answers 404; without a request, some requests', () => {
  const route = (name: string, match: string) =>
    doc(
      'HTTPRoute',
      name,
      `  parentRefs: [{group: policy.linkerd.io, kind: Server, name: voting-grpc}]\n  rules: [{matches: [${match}]}]`,
      'v1beta3',
    );
  const anyMeshed = mtlsAuthn('any', "['*']");
  const routes =
    route('votes', '{path: {type: PathPrefix, value: /emojivoto.v1.VotingService}}') +
    route('results', '{path: {value: /emojivoto.v1.VotingService/Results}}') +
    anyMeshed +
    ap(
      'votes',
      '[{kind: MeshTLSAuthentication, group: policy.linkerd.io, name: any}]',
      '{group: policy.linkerd.io, kind: HTTPRoute, name: votes}',
    );
  const post = (path: string): HttpRequest => ({ method: 'POST', path });
  assert.equal(
    run(server + routes, 'emojivoto/web', undefined, { http: post('/emojivoto.v1.VotingService/VoteDog') })
      .verdict,
    'allowed',
  );
  assert.equal(
    run(server + routes, 'emojivoto/web', undefined, { http: post('/emojivoto.v1.VotingService/Results') })
      .verdict,
    'denied',
  );
  const none = run(server + routes, 'emojivoto/web', undefined, { http: post('/other') });
  assert.match(none.pairs[0].mesh!.authz!.reason, /answers 404/);
  const l4 = run(server + routes, 'emojivoto/web');
  assert.equal(l4.verdict, 'allowed');
  assert.equal(l4.pairs[0].mesh!.l7, true);
  // Authorizations of the Server apply to all of its traffic, routes included.
  const wide = ap('server-wide', '[{kind: ServiceAccount, name: default}]');
  assert.equal(
    run(server + routes + wide, 'emojivoto/vote-bot', undefined, {
      http: post('/emojivoto.v1.VotingService/Results'),
    }).verdict,
    'allowed',
  );
});

test('linkerd-policy-objects-modeled: they no longer make answers unknown; bad ones are errors at their line', () => {
  const r = run(server, 'emojivoto/web');
  assert.equal(r.unknown.length, 0);
  const bad =
    doc('Server', 'no-port', '  podSelector: {matchLabels: {app: voting-svc}}', 'v1beta1') +
    doc(
      'AuthorizationPolicy',
      'bad-target',
      '  targetRef: {kind: Deployment, name: web}\n  requiredAuthenticationRefs: []',
    );
  const { diagnostics, model } = build(bad);
  const errs = diagnostics.filter((d) => d.code === 'invalid-mesh-policy');
  assert.deepEqual(
    errs.map((d) => [d.source?.file, d.source?.line]),
    [
      ['policy.yaml', 4],
      ['policy.yaml', 11],
    ],
  );
  assert.equal(model.mesh!.linkerd.servers.length, 0);
  assert.equal(run(bad, 'emojivoto/web').verdict, 'allowed');
});

test('linkerd-profile-values: mesh.defaultInboundPolicy and mesh.clusterNetworks are checked as linkerd install checks them', () => {
  const { diagnostics, model } = build(
    '',
    profile(', defaultInboundPolicy: denied, clusterNetworks: [10.0.0.0/8, not-a-cidr]'),
  );
  const bad = diagnostics.filter((d) => d.source?.file === 'kubetwin.yaml' && d.severity === 'error');
  assert.equal(bad.length, 2, bad.map((d) => d.message).join('\n'));
  assert.match(bad[0].message, /defaultInboundPolicy "denied" must be one of/);
  assert.match(bad[1].message, /clusterNetworks "not-a-cidr" is not a CIDR/);
  // Refused values fall back to Linkerd's defaults.
  assert.equal(model.mesh!.linkerd.defaultInboundPolicy, 'all-unauthenticated');
  assert.equal(model.mesh!.linkerd.clusterNetworks[0], '10.0.0.0/8');
});

test('linkerd-targets-kind: targetRef and requiredAuthenticationRefs match by group and kind together, ASCII case aside; a kind name under another group is an error at its field', () => {
  const anyMeshed = mtlsAuthn('any', "['*']");
  // Linkerd compares group and kind with eq_ignore_ascii_case, an absent or empty group being `core`.
  const cased = ap(
    'cased',
    '[{kind: meshtlsauthentication, group: POLICY.LINKERD.IO, name: any}]',
    '{group: Policy.Linkerd.IO, kind: server, name: voting-grpc}',
  );
  assert.equal(run(server + anyMeshed + cased, 'emojivoto/web').verdict, 'allowed');
  const coreSa = ap(
    'core-sa',
    '[{kind: ServiceAccount, group: core, name: web}]',
    '{kind: Namespace, name: emojivoto}',
  );
  assert.equal(run(server + coreSa, 'emojivoto/web').verdict, 'allowed');
  const wrong = [
    // A ServiceAccount is a core kind: under policy.linkerd.io it names nothing Linkerd knows.
    ap('sa-wrong-group', '[{kind: ServiceAccount, group: policy.linkerd.io, name: web}]'),
    // A MeshTLSAuthentication without its group is a core kind Linkerd does not accept.
    ap('mtls-no-group', '[{kind: MeshTLSAuthentication, name: any}]'),
    // An HTTPRoute with no group is not policy.linkerd.io's (nor Gateway API's).
    ap('route-no-group', '[{kind: ServiceAccount, name: web}]', '{kind: HTTPRoute, name: votes}'),
    ap(
      'ns-wrong-group',
      '[{kind: ServiceAccount, name: web}]',
      '{group: policy.linkerd.io, kind: Namespace, name: emojivoto}',
    ),
    ap('unknown-kind', '[{kind: Secret, name: web}]'),
  ].join('');
  const { diagnostics, model } = build(server + anyMeshed + wrong);
  const errs = diagnostics.filter((d) => d.code === 'invalid-mesh-policy');
  assert.deepEqual(
    errs.map((d) => d.source?.path),
    [
      'spec.requiredAuthenticationRefs[0].group',
      'spec.requiredAuthenticationRefs[0].group',
      'spec.targetRef.group',
      'spec.targetRef.group',
      'spec.requiredAuthenticationRefs[0].kind',
    ],
  );
  assert.match(
    errs[0].message,
    /ServiceAccount\.policy\.linkerd\.io is not one of MeshTLSAuthentication\.policy\.linkerd\.io, NetworkAuthentication\.policy\.linkerd\.io, ServiceAccount/,
  );
  assert.deepEqual(model.mesh!.linkerd.authorizationPolicies, []);
  // Left out, none of them admits web: the Server denies by default.
  assert.equal(run(server + anyMeshed + wrong, 'emojivoto/web').verdict, 'denied');
});
